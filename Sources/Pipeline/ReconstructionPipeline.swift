import Imaging
import MAE

/// The second half of the reconstruction pipeline: a prepared image and a mask → the model's
/// reconstruction → back to display space → the scores. Explore, reconstruct, eval, the live
/// preview and watch all run this; nothing else turns a model's output into pictures or numbers.
public struct ScoredReconstruction: Sendable {
    /// The model's prediction for every patch [S, S, 3], 0...1 (norm-pix: de-normalised with each
    /// original patch's own statistics, see `leaksMaskedStatistics`).
    public var reconstruction: RGBImage
    /// Visible patches from the original, hidden ones from the reconstruction [S, S, 3].
    public var pasted: RGBImage
    public var scores: ReconstructionScores
    /// The model's own numbers: its loss, its masked MSE in normalised space, the wall time.
    public var model: Reconstruction
}

extension PreparedImage {
    /// Reconstructs the image under `mask` ([L], true = hidden) with `model`, whose side the
    /// image was prepared for. Runs on the caller's thread (MAEModel is not thread-safe).
    public func reconstructed(by model: MAEModel, mask: PatchMask) -> ScoredReconstruction {
        let c = model.config, S = c.imgSize
        precondition(original.width == S && original.height == S, "prepared for side \(original.width), the model has \(S)")
        let r = model.reconstruct(image: input, mask: mask)
        let reconstruction = r.prediction.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: S, height: S) }
        let pasted = r.pasted.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: S, height: S) }
        return ScoredReconstruction(reconstruction: reconstruction, pasted: pasted,
                                    scores: ReconstructionScores(original: original, reconstruction: reconstruction,
                                                                 pasted: pasted, mask: mask.masked, patchSize: c.patchSize),
                                    model: r)
    }

    /// The scores of a baseline's filling (mean fill, interpolation): it keeps the visible
    /// pixels, so it is its own "reconstruction + visible".
    public func scores(ofFilling filled: RGBImage, mask: PatchMask, patchSize: Int) -> ReconstructionScores {
        ReconstructionScores(original: original, reconstruction: filled, pasted: filled, mask: mask.masked, patchSize: patchSize)
    }
}

/// The "masked" panel: hidden patches in ImageNet's mean colour (zero in normalised space), as
/// the authors' figure draws them. image [S, S, 3]; mask [L], true = hidden.
public func hidingMaskedPatches(_ image: RGBImage, mask: [Bool], patchSize p: Int) -> RGBImage {
    var out = image
    let g = image.width / max(1, p)
    for k in mask.indices where mask[k] && k < g * g {
        let row = k / g, col = k % g
        for y in (row * p)..<(row * p + p) {
            for x in (col * p)..<(col * p + p) {
                for c in 0..<3 { out[x, y, c] = ImageNet.mean[c] }
            }
        }
    }
    return out
}
