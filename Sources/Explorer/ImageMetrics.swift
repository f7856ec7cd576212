import Foundation
import Imaging

/// Error measures between two display images (0...1, same shape).
public enum ImageMetrics {
    /// Mean squared error over all pixels and channels.
    public static func mse(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.pixels.count == b.pixels.count, "mse: shapes differ")
        guard !a.pixels.isEmpty else { return 0 }
        var sum = 0.0
        for i in a.pixels.indices {
            let d = Double(a.pixels[i]) - Double(b.pixels[i])
            sum += d * d
        }
        return sum / Double(a.pixels.count)
    }

    /// Peak signal-to-noise ratio for a peak of 1: 10·log10(1 / MSE); infinite when identical.
    public static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        let e = mse(a, b)
        return e > 0 ? 10 * log10(1 / e) : .infinity
    }

    /// Per-patch MSE of `a` against `b`, [g·g] row-major, for square images of patch `p`.
    public static func patchErrors(_ a: RGBImage, _ b: RGBImage, patchSize p: Int) -> [Float] {
        let g = a.width / max(1, p)
        var out = [Float](repeating: 0, count: g * g)
        guard g > 0, a.pixels.count == b.pixels.count else { return out }
        for pr in 0..<g {
            for pc in 0..<g {
                var sum: Float = 0
                for y in (pr * p)..<(pr * p + p) {
                    let row = (y * a.width + pc * p) * 3
                    for i in row..<(row + p * 3) {
                        let d = a.pixels[i] - b.pixels[i]
                        sum += d * d
                    }
                }
                out[pr * g + pc] = sum / Float(p * p * 3)
            }
        }
        return out
    }
}
