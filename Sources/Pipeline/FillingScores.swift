import Imaging
import MAE

/// The three ways of filling hidden patches that maex scores side by side on the same mask.
public enum FillingMethod: String, CaseIterable, Sendable {
    /// The model's reconstruction.
    case model
    /// Every hidden pixel gets the mean colour of the visible pixels (Imaging's meanFillInpainting).
    case meanFill = "mean_fill"
    /// Normalised convolution of the visible pixels (Imaging's smoothInpainting).
    case interpolation

    public var title: String {
        switch self {
        case .model: "model"
        case .meanFill: "mean fill"
        case .interpolation: "interpolation"
        }
    }
}

/// The scores of every filling method under one mask.
public struct FillingScores: Sendable, Equatable {
    public var model: ReconstructionScores
    public var meanFill: ReconstructionScores
    public var interpolation: ReconstructionScores

    public subscript(method: FillingMethod) -> ReconstructionScores {
        switch method {
        case .model: model
        case .meanFill: meanFill
        case .interpolation: interpolation
        }
    }
}

extension PreparedImage {
    /// The model and both baselines on the same mask ([L], true = hidden): what `maex eval`
    /// scores per seed and the ratio sweep per point. Runs on the caller's thread (MAEModel is
    /// not thread-safe).
    public func scoresOfEveryFilling(by model: MAEModel, mask: PatchMask) -> FillingScores {
        let p = model.config.patchSize
        return FillingScores(
            model: reconstructed(by: model, mask: mask).scores,
            meanFill: scores(ofFilling: meanFillInpainting(original, masked: mask.masked, patchSize: p), mask: mask, patchSize: p),
            interpolation: scores(ofFilling: smoothInpainting(original, masked: mask.masked, patchSize: p), mask: mask,
                                  patchSize: p))
    }
}
