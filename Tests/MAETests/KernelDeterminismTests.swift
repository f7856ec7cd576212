import Foundation
import Testing
@testable import MAE

/// What the kernels promise beyond matching the reference (KernelDifferentialTests): AdamW's
/// kernel does a plain Swift loop's arithmetic exactly, and the thread count never changes a
/// result.
@Suite(.serialized) struct KernelDeterminismTests {
    @Test func adamWKernelIsTheScalarLoopExactly() {
        let n = 50_000
        let g = randomArray(n, seed: 51, scale: 0.1)
        for decay in [Float?.none, 0.999_925] {
            var p = randomArray(n, seed: 52), m = randomArray(n, seed: 53, scale: 0.01)
            var v = randomArray(n, seed: 54, scale: 0.001).map { $0 * $0 }
            var p2 = p, m2 = m, v2 = v
            let step: Float = 1.5e-4 / 0.1, b2: Float = 0.95, omb1: Float = 0.1, omb2 = Float(1 - 0.95)
            let bc2: Float = 0.223_606_8, eps: Float = 1e-8
            AdamWKernel.update(parameters: &p, gradients: g, m: &m, v: &v, count: n, stepSize: step, beta2: b2,
                               oneMinusBeta1: omb1, oneMinusBeta2: omb2, biasCorrection2Sqrt: bc2, eps: eps,
                               decayFactor: decay)
            for i in 0..<n {
                var w = p2[i]
                if let decay { w *= decay }
                let gi = g[i]
                let mi = m2[i] + (gi - m2[i]) * omb1
                let vi = b2 * v2[i] + omb2 * gi * gi
                m2[i] = mi
                v2[i] = vi
                p2[i] = w - step * (mi / (vi.squareRoot() / bc2 + eps))
            }
            #expect(mismatches(p, p2) == 0 && mismatches(m, m2) == 0 && mismatches(v, v2) == 0, "decay \(String(describing: decay))")
        }
    }

    /// Products, kernels and reductions are cut by shape, never by thread count: one and two
    /// threads give the same bits.
    @Test func gradientsDoNotDependOnTheThreadCount() throws {
        let c = MAEConfig(imgSize: 32, patchSize: 4, embedDim: 96, depth: 2, numHeads: 3,
                          decoderEmbedDim: 64, decoderDepth: 1, decoderNumHeads: 2)
        let N = 6, L = c.numPatches
        let images = randomArray(N * c.inChans * c.imgSize * c.imgSize, seed: 61)
        let noise = randomArray(N * L, seed: 62).map { abs($0) }
        func gradients(threads: Int) throws -> ([Float], Float) {
            let saved = ModelThreads.count
            ModelThreads.count = threads
            defer { ModelThreads.count = saved }
            let model = try MAEModel(config: c, seed: 9)
            var g = [Float](repeating: 0, count: model.table.count)
            let loss = g.withUnsafeMutableBufferPointer {
                model.lossAndGradients(images: images, noise: noise, batch: N, maskRatio: 0.75, gradients: $0)
            }
            return (g, loss)
        }
        let one = try gradients(threads: 1), two = try gradients(threads: 2)
        #expect(one.1 == two.1)
        #expect(mismatches(one.0, two.0) == 0)
    }
}
