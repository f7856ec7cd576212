import Foundation
import Testing
@testable import Imaging

/// The smooth baseline against a direct (non-separable, Double) evaluation of the formula it
/// documents, and its fallback where no visible pixel is in reach.
@Suite struct InpaintingConvolutionTests {
    typealias F = InpaintingFixtures

    /// A sampled Gaussian of radius min(⌈3σ⌉, limit), normalised to sum 1, in Double.
    static func taps(sigma: Double, limit: Int) -> [Double] {
        let r = min(Int((3 * sigma).rounded(.up)), limit)
        let raw = (-r...r).map { d in exp(-Double(d * d) / (2 * sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// fill(x, y) = Σ_uv K(u − x, v − y)·w(u, v)·I(u, v) / Σ_uv K(u − x, v − y)·w(u, v) with
    /// K = Σ_s α_s g_s ⊗ g_s, every pair of pixels visited (fine for a few hundred pixels).
    static func direct(_ image: RGBImage, masked: [Bool], patch p: Int, sigmas: [Double], weights: [Double]) -> RGBImage {
        let W = image.width, H = image.height, columns = W / p, rows = H / p
        let kernels = sigmas.map { taps(sigma: $0, limit: max(W, H) - 1) }
        func k(_ dx: Int, _ dy: Int) -> Double {
            var total = 0.0
            for (s, t) in kernels.enumerated() {
                let r = t.count / 2
                if abs(dx) <= r && abs(dy) <= r { total += weights[s] * t[dx + r] * t[dy + r] }
            }
            return total
        }
        var out = image
        for y in 0..<H {
            for x in 0..<W where F.isHidden(x, y, masked: masked, patch: p, columns: columns, rows: rows) {
                var num = [0.0, 0.0, 0.0], den = 0.0
                for v in 0..<H {
                    for u in 0..<W where !F.isHidden(u, v, masked: masked, patch: p, columns: columns, rows: rows) {
                        let kk = k(u - x, v - y)
                        den += kk
                        for c in 0..<3 { num[c] += kk * Double(image[u, v, c]) }
                    }
                }
                for c in 0..<3 { out[x, y, c] = Float(num[c] / den) }
            }
        }
        return out
    }

    @Test func matchesTheDirectSumOnANonSquareImage() {
        // 20 × 12 with patch 4: a 5 × 3 grid. Longer side 20: σ = 1, 2, 4, 8 (16 > 10).
        let image = F.noise(width: 20, height: 12, seed: 21)
        let masked = F.mask(count: 15, hidden: 11, seed: 8)
        let expected = Self.direct(image, masked: masked, patch: 4, sigmas: [1, 2, 4, 8], weights: [1, 0.25, 0.0625, 0.015625])
        let out = smoothInpainting(image, masked: masked, patchSize: 4)
        let worst = F.maxDifference(out, expected)
        #expect(worst < 2e-5, "largest difference \(worst)")
    }

    @Test func matchesTheDirectSumWithOtherSettings() {
        let image = F.noise(width: 16, height: 16, seed: 22)
        let masked = F.mask(count: 16, hidden: 12, seed: 9)
        let settings = SmoothInpaintingSettings(smallestSigma: 1.5, scaleStep: 3, weightStep: 0.1)
        // Longer side 16: σ = 1.5, 4.5 (13.5 > 8).
        let expected = Self.direct(image, masked: masked, patch: 4, sigmas: [1.5, 4.5], weights: [1, 0.1])
        let worst = F.maxDifference(smoothInpainting(image, masked: masked, patchSize: 4, settings: settings), expected)
        #expect(worst < 2e-5, "largest difference \(worst)")
    }

    @Test func mixtureScalesStopAtHalfTheLongerSide() {
        #expect(SmoothInpaintingSettings.standard.scales(side: 64).map(\.sigma) == [1, 2, 4, 8, 16, 32])
        #expect(SmoothInpaintingSettings.standard.scales(side: 224).map(\.sigma) == [1, 2, 4, 8, 16, 32, 64])
        #expect(SmoothInpaintingSettings.standard.scales(side: 224).map(\.weight).last == Float(1) / 4096)
        #expect(SmoothInpaintingSettings.standard.scales(side: 1).count == 1)
    }

    @Test func pixelsOutOfReachGetTheVisibleMean() {
        // One narrow scale (σ 1 px, radius 3): in a 32 × 32 image of 16 px patches with only the
        // top-left patch visible, pixels more than 3 px from it see no visible pixel at all.
        let image = F.noise(width: 32, height: 32, seed: 23)
        let masked = [false, true, true, true]
        let settings = SmoothInpaintingSettings(smallestSigma: 1, scaleStep: 100, weightStep: 0.5)
        let out = smoothInpainting(image, masked: masked, patchSize: 16, settings: settings)
        var mean = [0.0, 0.0, 0.0]
        for y in 0..<16 { for x in 0..<16 { for c in 0..<3 { mean[c] += Double(image[x, y, c]) / 256 } } }
        for c in 0..<3 {
            #expect(abs(Double(out[30, 30, c]) - mean[c]) < 1e-5)
            #expect(abs(Double(out[16, 20, c]) - mean[c]) < 1e-5)
            // Next to the visible patch the narrow Gaussian still reaches: the nearby column.
            #expect(abs(out[16, 5, c] - image[15, 5, c]) < 0.5)
        }
        #expect(out[16, 5, 0] != Float(mean[0]))
    }

    @Test func gaussianTapsAreNormalisedAndSymmetric() {
        let taps = NormalizedConvolution.gaussianTaps(sigma: 2, limit: 100)
        #expect(taps.count == 13)
        #expect(abs(taps.reduce(0, +) - 1) < 1e-6)
        for i in 0..<6 { #expect(taps[i] == taps[12 - i]) }
        #expect(NormalizedConvolution.gaussianTaps(sigma: 50, limit: 7).count == 15)
    }
}
