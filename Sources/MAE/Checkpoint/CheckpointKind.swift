/// Whose names a checkpoint uses.
public enum CheckpointFamily: String, Sendable, Equatable {
    /// The authors' state-dict names (their .pth files, timm's, PyTorch safetensors).
    case authors
    /// Hugging Face's ViTMAE / ViT names, with a config.json.
    case huggingFace = "Hugging Face"
    /// maex's own files: the authors' names with `mae.config` metadata.
    case maex
}

/// What a checkpoint can be used for: an MAE with its decoder reconstructs; the others hold an
/// encoder alone.
public enum CheckpointKind: Sendable, Equatable {
    /// Encoder and decoder: reconstructions work.
    case model
    /// The authors' encoder alone: `mae_pretrain_vit_*.pth`, or timm's MAE weights.
    case encoderOnly
    /// Hugging Face's `ViTMAEModel`: the ViTMAE encoder without the `vit.` prefix, no decoder.
    case huggingFaceEncoder
    /// A Hugging Face image classifier fine-tuned from an MAE (`ViTForImageClassification`),
    /// `classes` outputs.
    case classifier(classes: Int)

    public var hasDecoder: Bool { self == .model }

    /// One line for `maex info`.
    public var summary: String {
        switch self {
        case .model: "a Masked Autoencoder with its decoder: it reconstructs masked images"
        case .encoderOnly: "the encoder of an MAE without its decoder (like the authors' mae_pretrain_vit_*.pth "
            + "or timm's MAE weights): for fine-tuning and features, not reconstructions"
        case .huggingFaceEncoder: "a Hugging Face ViTMAEModel, the encoder without its decoder: for features, "
            + "not reconstructions"
        case .classifier(let n): "a Hugging Face ViTForImageClassification fine-tune (\(n) classes): the encoder "
            + "and a classifier head, no decoder, so no reconstructions"
        }
    }

    /// The refusal of every command that reconstructs.
    public static let noDecoderReason = "this checkpoint has no decoder; reconstructions need `mae_visualize_vit_*.pth` "
        + "or a `_full` checkpoint"
}
