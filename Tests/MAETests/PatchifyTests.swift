import Testing
@testable import MAE

@Suite struct PatchifyTests {
    @Test func layoutIsRowColumnThenPixelThenChannel() {
        // 1 image, C 3, S 4, p 2: value (i·p + j)·C + c of patch row·g + col is image[c, row·p+i, col·p+j].
        let C = 3, S = 4, p = 2, g = 2, P = 12
        let image = (0..<(C * S * S)).map(Float.init)
        var patches = [Float](repeating: -1, count: g * g * P)
        patchify(patches: &patches, images: image, batch: 1, channels: C, side: S, patch: p)
        for row in 0..<g { for col in 0..<g { for i in 0..<p { for j in 0..<p { for c in 0..<C {
            let want = image[(c * S + row * p + i) * S + col * p + j]
            #expect(patches[(row * g + col) * P + (i * p + j) * C + c] == want)
        } } } } }
        var back = [Float](repeating: -1, count: image.count)
        unpatchify(images: &back, patches: patches, batch: 1, channels: C, side: S, patch: p)
        #expect(back == image)
    }

    @Test func normPixStatisticsUseUnbiasedVariance() {
        let x: [Float] = [1, 2, 3, 4, 10, 10, 10, 10]   // two patches of P = 4
        var mean = [Float](repeating: 0, count: 2), std = mean
        patchStatistics(mean: &mean, std: &std, patches: x, rows: 2, width: 4)
        #expect(abs(mean[0] - 2.5) < 1e-6)
        // Σ(x − 2.5)² = 5, unbiased var 5/3.
        #expect(abs(std[0] - Float((5.0 / 3 + 1e-6).squareRoot())) < 1e-6)
        #expect(abs(std[1] - Float(1e-6.squareRoot())) < 1e-9)
        var y = x
        normalizePatches(&y, mean: mean, std: std, rows: 2, width: 4)
        #expect(abs(y[3] - (1.5 / std[0])) < 1e-6)
        denormalizePatches(&y, mean: mean, std: std, rows: 2, width: 4)
        #expect(relativeError(y, x) < 1e-6)
    }
}
