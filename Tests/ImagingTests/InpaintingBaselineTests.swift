import Foundation
import Testing
@testable import Imaging

/// Hand-made images and masks for the inpainting baselines.
enum InpaintingFixtures {
    /// A deterministic stream of values in 0..<1 (SplitMix64), so that tests need no MAE.
    struct Stream {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24)
        }
    }

    static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var s = Stream(state: seed)
        return RGBImage(width: width, height: height, pixels: (0..<(width * height * 3)).map { _ in s.next() })
    }

    /// Red rises left to right, green top to bottom, blue is their mean: v(x, y) linear.
    static func gradient(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let r = 0.1 + 0.8 * Float(x) / Float(width - 1), g = 0.2 + 0.6 * Float(y) / Float(height - 1)
                image[x, y, 0] = r
                image[x, y, 1] = g
                image[x, y, 2] = (r + g) / 2
            }
        }
        return image
    }

    /// `hidden` of `count` patches masked, chosen by a seeded shuffle.
    static func mask(count: Int, hidden: Int, seed: UInt64) -> [Bool] {
        var s = Stream(state: seed)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, min(Int(s.next() * Float(i + 1)), i)) }
        var flags = [Bool](repeating: false, count: count)
        for k in order.prefix(hidden) { flags[k] = true }
        return flags
    }

    /// Whether pixel (x, y) lies in a hidden patch of a grid `columns` wide.
    static func isHidden(_ x: Int, _ y: Int, masked: [Bool], patch p: Int, columns: Int, rows: Int) -> Bool {
        let col = x / p, row = y / p
        return col < columns && row < rows && masked[row * columns + col]
    }

    /// MSE over the hidden pixels (Double sums, written independently of the code under test).
    static func hiddenMSE(_ a: RGBImage, _ b: RGBImage, masked: [Bool], patch p: Int) -> Double {
        let columns = a.width / p, rows = a.height / p
        var sum = 0.0, n = 0
        for y in 0..<a.height {
            for x in 0..<a.width where isHidden(x, y, masked: masked, patch: p, columns: columns, rows: rows) {
                for c in 0..<3 {
                    let d = Double(a[x, y, c]) - Double(b[x, y, c])
                    sum += d * d
                    n += 1
                }
            }
        }
        return n == 0 ? 0 : sum / Double(n)
    }

    static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Float {
        zip(a.pixels, b.pixels).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

@Suite struct InpaintingBaselineTests {
    typealias F = InpaintingFixtures

    @Test(arguments: [InpaintingBaseline.meanFill, .interpolation])
    func flatImageIsReproducedExactly(_ baseline: InpaintingBaseline) {
        // 24 × 24, patch 4: 36 patches, 27 hidden (75 %).
        let flat = RGBImage(width: 24, height: 24, fill: (0.2, 0.55, 0.9))
        for seed: UInt64 in 1...4 {
            let masked = F.mask(count: 36, hidden: 27, seed: seed)
            let out = baseline.inpaint(flat, masked: masked, patchSize: 4)
            #expect(F.maxDifference(out, flat) < 1e-6, "\(baseline) seed \(seed)")
            #expect(F.hiddenMSE(out, flat, masked: masked, patch: 4) < 1e-12)
        }
    }

    @Test func interpolationBeatsMeanFillOnAGradient() {
        // 32 × 32, patch 4: 64 patches, 48 hidden.
        let ramp = F.gradient(width: 32, height: 32)
        for seed: UInt64 in 1...3 {
            let masked = F.mask(count: 64, hidden: 48, seed: seed)
            let mean = F.hiddenMSE(meanFillInpainting(ramp, masked: masked, patchSize: 4), ramp, masked: masked, patch: 4)
            let smooth = F.hiddenMSE(smoothInpainting(ramp, masked: masked, patchSize: 4), ramp, masked: masked, patch: 4)
            // The mean fill's error is about the ramp's variance (≈ 0.03); following the nearest
            // visible pixels leaves a small fraction of it.
            #expect(mean > 0.01)
            #expect(smooth < mean / 4, "seed \(seed): interpolation \(smooth), mean fill \(mean)")
        }
    }

    @Test(arguments: [InpaintingBaseline.meanFill, .interpolation])
    func visiblePixelsAreNeverChanged(_ baseline: InpaintingBaseline) {
        // 30 × 21 with patch 6: a 5 × 3 grid; the last 3 rows are outside the grid and visible.
        let image = F.noise(width: 30, height: 21, seed: 7)
        let masked = F.mask(count: 15, hidden: 9, seed: 3)
        let out = baseline.inpaint(image, masked: masked, patchSize: 6)
        var changedHidden = 0
        for y in 0..<21 {
            for x in 0..<30 {
                let hidden = F.isHidden(x, y, masked: masked, patch: 6, columns: 5, rows: 3)
                for c in 0..<3 {
                    if hidden {
                        if out[x, y, c] != image[x, y, c] { changedHidden += 1 }
                    } else {
                        #expect(out[x, y, c].bitPattern == image[x, y, c].bitPattern, "(\(x), \(y), \(c))")
                    }
                }
            }
        }
        #expect(changedHidden > 9 * 36 * 3 * 9 / 10, "the hidden patches should be filled")
        #expect(out.pixels.allSatisfy { (0...1).contains($0) })
    }

    @Test func meanFillUsesTheVisiblePixelsMeanColour() {
        let image = F.noise(width: 16, height: 16, seed: 11)
        let masked = F.mask(count: 16, hidden: 10, seed: 5)
        var sum = [0.0, 0.0, 0.0], n = 0.0
        for y in 0..<16 {
            for x in 0..<16 where !F.isHidden(x, y, masked: masked, patch: 4, columns: 4, rows: 4) {
                for c in 0..<3 { sum[c] += Double(image[x, y, c]) }
                n += 1
            }
        }
        let out = meanFillInpainting(image, masked: masked, patchSize: 4)
        let k = masked.firstIndex(of: true)!
        let (x, y) = ((k % 4) * 4 + 1, (k / 4) * 4 + 2)
        for c in 0..<3 { #expect(abs(Double(out[x, y, c]) - sum[c] / n) < 1e-6) }
    }

    @Test(arguments: [InpaintingBaseline.meanFill, .interpolation])
    func allMaskedGivesTheImageNetMeanColour(_ baseline: InpaintingBaseline) {
        let image = F.noise(width: 16, height: 16, seed: 2)
        let out = baseline.inpaint(image, masked: [Bool](repeating: true, count: 16), patchSize: 4)
        let expected = RGBImage(width: 16, height: 16, fill: (0.485, 0.456, 0.406))
        #expect(F.maxDifference(out, expected) < 1e-7)
    }

    @Test(arguments: [InpaintingBaseline.meanFill, .interpolation])
    func noneMaskedReturnsTheImage(_ baseline: InpaintingBaseline) {
        let image = F.noise(width: 16, height: 16, seed: 3)
        #expect(baseline.inpaint(image, masked: [Bool](repeating: false, count: 16), patchSize: 4) == image)
    }

    @Test func oneVisiblePatchFillsEverythingWithItsColours() {
        // A single visible patch: the interpolation is a weighted average of its pixels only.
        let image = F.noise(width: 16, height: 16, seed: 4)
        var masked = [Bool](repeating: true, count: 16)
        masked[5] = false
        let out = smoothInpainting(image, masked: masked, patchSize: 4)
        for c in 0..<3 {
            var lo: Float = 1, hi: Float = 0
            for y in 4..<8 { for x in 4..<8 { lo = min(lo, image[x, y, c]); hi = max(hi, image[x, y, c]) } }
            for y in 0..<16 { for x in 0..<16 { #expect(out[x, y, c] >= lo - 1e-6 && out[x, y, c] <= hi + 1e-6) } }
        }
    }
}
