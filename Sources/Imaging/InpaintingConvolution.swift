#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Normalised convolution (Knutsson & Westin 1993) with a Gaussian, the core of the smooth
/// inpainting baseline: with visibility w (1 visible, 0 hidden) and kernel K,
///   fill_c = (K ∗ (w · I_c)) / (K ∗ w),
/// a weighted average of the visible pixels with weights K(distance). K here is a mixture of
/// Gaussians Σ_s α_s G_σs: near visible pixels the narrow one dominates (local colour), deep
/// inside a large hidden block only the wide ones reach a visible pixel. Outside the image is
/// treated as hidden (zero weight), so borders need no special case.
enum NormalizedConvolution {
    /// One scale of the mixture: a Gaussian of `sigma` pixels, weighted by `weight`.
    struct Scale: Sendable {
        var sigma: Float
        var weight: Float
    }

    /// The numerator planes [3, height, width] (R, G, B) and the denominator plane [height, width].
    struct Sums {
        var numerator: [Float]
        var denominator: [Float]
    }

    /// Σ_s α_s · G_σs ∗ (w·I) and Σ_s α_s · G_σs ∗ w for an interleaved image and a visibility plane.
    static func sums(_ image: RGBImage, visibility: [Float], scales: [Scale]) -> Sums {
        let W = image.width, H = image.height, plane = W * H
        // planes [4, H, W]: w·R, w·G, w·B, w, the four signals that get blurred.
        var planes = [Float](repeating: 0, count: 4 * plane)
        planes.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { px in
                visibility.withUnsafeBufferPointer { v in
                    for i in 0..<plane {
                        let w = v[i]
                        out[i] = w * px[3 * i]
                        out[plane + i] = w * px[3 * i + 1]
                        out[2 * plane + i] = w * px[3 * i + 2]
                        out[3 * plane + i] = w
                    }
                }
            }
        }
        var total = [Float](repeating: 0, count: 4 * plane)
        var blurred = [Float](repeating: 0, count: plane)
        var scratch = [Float](repeating: 0, count: plane)
        for scale in scales where scale.weight > 0 {
            let taps = gaussianTaps(sigma: scale.sigma, limit: max(W, H) - 1)
            for k in 0..<4 {
                planes.withUnsafeBufferPointer { src in
                    blurred.withUnsafeMutableBufferPointer { dst in
                        scratch.withUnsafeMutableBufferPointer { tmp in
                            taps.withUnsafeBufferPointer { t in
                                blurPlane(src.baseAddress! + k * plane, into: dst.baseAddress!, scratch: tmp.baseAddress!,
                                          width: W, height: H, taps: t)
                            }
                        }
                    }
                }
                total.withUnsafeMutableBufferPointer { acc in
                    blurred.withUnsafeBufferPointer { b in
                        let a = acc.baseAddress! + k * plane, alpha = scale.weight
                        for i in 0..<plane { a[i] += alpha * b[i] }
                    }
                }
            }
        }
        return Sums(numerator: Array(total[0..<(3 * plane)]), denominator: Array(total[(3 * plane)...]))
    }

    /// A sampled 1-D Gaussian of `sigma` pixels, radius ⌈3σ⌉ (at most `limit`), taps [2r + 1]
    /// summing to 1. The truncation at 3σ drops 0.3 % of the mass per axis; the wider scales of
    /// the mixture cover what lies beyond.
    static func gaussianTaps(sigma: Float, limit: Int) -> [Float] {
        let s = max(sigma, 1e-3)
        let r = max(0, min(Int((3 * s).rounded(.up)), limit))
        var taps = (0...(2 * r)).map { i -> Float in
            let d = Float(i - r)
            return expf(-d * d / (2 * s * s))
        }
        let sum = taps.reduce(0, +)
        for i in taps.indices { taps[i] /= sum }
        return taps
    }

    /// dst = G ∗ src for one plane [height, width], zero outside: a horizontal then a vertical
    /// pass, each with the taps outermost so that the inner loop runs along a row (contiguous,
    /// vectorisable). O(H·W·(2r+1)) per pass.
    static func blurPlane(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                          scratch tmp: UnsafeMutablePointer<Float>, width W: Int, height H: Int,
                          taps: UnsafeBufferPointer<Float>) {
        let r = taps.count / 2
        tmp.update(repeating: 0, count: W * H)
        for y in 0..<H {
            let row = src + y * W, out = tmp + y * W
            for k in -r...r {
                // out[x] += t · row[x + k] for the x whose x + k lies inside the row.
                let lo = max(0, -k), hi = min(W, W - k)
                if lo >= hi { continue }
                let t = taps[k + r], shifted = row + k
                for x in lo..<hi { out[x] += t * shifted[x] }
            }
        }
        dst.update(repeating: 0, count: W * H)
        for y in 0..<H {
            let out = dst + y * W
            for k in max(-r, -y)...min(r, H - 1 - y) {
                let t = taps[k + r], row = tmp + (y + k) * W
                for x in 0..<W { out[x] += t * row[x] }
            }
        }
    }
}
