import Foundation
import Imaging

/// How close a filling of the hidden patches is to the original, in displayed pixel values 0...1:
/// the one place these numbers are computed, for the model (explore, reconstruct, eval, the live
/// preview, watch) and for the baselines alike.
public struct ReconstructionScores: Sendable, Equatable {
    /// Per-patch MSE of the reconstruction against the original [L], row-major (the heatmap).
    public var patchErrors: [Float]
    /// MSE of the reconstruction over the hidden patches' pixels (NaN when none is hidden).
    public var maskedMSE: Double
    /// MSE of "reconstruction + visible" against the original over the whole image.
    public var wholeMSE: Double
    /// 10·log10(1 / wholeMSE): the PSNR of "reconstruction + visible", infinite when equal.
    public var psnr: Double { wholeMSE > 0 ? 10 * log10(1 / wholeMSE) : .infinity }

    /// original, reconstruction and pasted [S, S, 3]; mask [L] (true = hidden) over patches of p.
    public init(original: RGBImage, reconstruction: RGBImage, pasted: RGBImage, mask: [Bool], patchSize p: Int) {
        precondition(original.pixels.count == reconstruction.pixels.count && original.pixels.count == pasted.pixels.count,
                     "scores of images of different sizes")
        let g = original.width / max(p, 1), values = Double(p * p * 3)
        var errors = [Float](repeating: 0, count: g * g)
        var hiddenSum = 0.0, hiddenPatches = 0
        for k in 0..<(g * g) {
            let row = k / g, col = k % g
            var sum = 0.0
            for y in (row * p)..<(row * p + p) {
                let start = (y * original.width + col * p) * 3
                for i in start..<(start + p * 3) {
                    let d = Double(reconstruction.pixels[i]) - Double(original.pixels[i])
                    sum += d * d
                }
            }
            errors[k] = Float(sum / values)
            if k < mask.count && mask[k] {
                hiddenSum += sum
                hiddenPatches += 1
            }
        }
        var whole = 0.0
        for i in original.pixels.indices {
            let d = Double(pasted.pixels[i]) - Double(original.pixels[i])
            whole += d * d
        }
        patchErrors = errors
        maskedMSE = hiddenPatches == 0 ? .nan : hiddenSum / (Double(hiddenPatches) * values)
        wholeMSE = whole / Double(max(original.pixels.count, 1))
    }
}
