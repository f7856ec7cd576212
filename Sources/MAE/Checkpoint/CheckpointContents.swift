import Foundation

/// What a checkpoint holds, read from its names, shapes and configs without loading a weight:
/// what `maex info` prints. Every kind that opens at all is described, encoder-only files
/// included; what cannot be known (heads of an unknown shape, norm-pix from shapes alone) says so.
public struct CheckpointContents: Sendable {
    public let location: CheckpointLocation
    /// "safetensors" or "pytorch" (a torch.save zip pickle).
    public let format: String
    public let family: CheckpointFamily
    public let kind: CheckpointKind
    /// The whole model's config, when the file has a decoder and the config is known.
    public let config: MAEConfig?
    /// The encoder's shape (always known).
    public let encoder: EncoderShape
    /// Where `config` (or, without it, `encoder`) came from: "read from …", "inferred from the
    /// tensor shapes, heads from the base preset".
    public let configOrigin: String
    /// Why the whole config is not known, when it is not and the file has a decoder.
    public let configProblem: String?
    /// LayerNorm eps: stated by the config, else the authors' 1e-6.
    public let layerNormEps: Double
    /// Values (not bytes) in the encoder, the decoder, and in tensors outside the MAE (a
    /// classifier's head).
    public let encoderParameters: Int
    public let decoderParameters: Int
    public let otherParameters: Int
    /// Stored element types and how many tensors have each.
    public let dtypes: [String: Int]
    /// Bytes of the weights file.
    public let fileBytes: Int
    /// Whether the model was trained on norm-pix targets, nil when nothing says.
    public let normPix: Bool?
    /// "read from its mae.config metadata", "read from its args", "unknown: shapes cannot tell".
    public let normPixOrigin: String
    /// Pickle entries beside the weights, with those that refer to code named.
    public let skipped: [SkippedEntry]
    /// Tensors known and not part of the MAE (a classifier's head).
    public let ignoredTensors: [String]
    /// The authors' `args` (checkpoint-N.pth), as text.
    public let arguments: [String: String]
    /// Hugging Face's `mask_ratio` from config.json.
    public let maskRatio: Double?

    public static func read(path: String, heads: Int? = nil, decoderHeads: Int? = nil) throws(CheckpointError) -> CheckpointContents {
        let opened = try OpenedCheckpoint.open(path)
        let source = opened.source
        var encoder = try ConfigInference.encoder(source)
        var config: MAEConfig?
        var origin: String
        var problem: String?
        var normPix: Bool?
        var normPixOrigin = "unknown: shapes cannot tell (the authors' *_full.pth are norm-pix, mae_visualize_*.pth "
            + "are not; say which with --norm-pix or --no-norm-pix)"
        if let hf = opened.huggingFace {
            encoder.numHeads = hf.numAttentionHeads
            origin = "read from \(hf.path)"
            normPix = hf.normPixLoss
            normPixOrigin = "read from \(hf.path)"
        } else {
            origin = "inferred from the tensor shapes"
                + (encoder.numHeads != nil ? ", heads from the preset with this encoder" : "; heads unknown")
        }
        if let fromArgs = opened.argumentsNormPix {
            normPix = fromArgs
            normPixOrigin = "read from its args (norm_pix_loss)"
        }
        if opened.kind.hasDecoder {
            do {
                if let stated = try opened.statedConfig() {
                    config = stated.config
                    origin = stated.origin
                    normPix = stated.config.normPixLoss
                    normPixOrigin = stated.origin
                } else {
                    var inferred = try ConfigInference.infer(source, heads: heads, decoderHeads: decoderHeads)
                    let preset = inferred.matchingPreset.map { " (the \($0.rawValue) preset's)" } ?? ""
                    origin = "inferred from the tensor shapes, heads " + (heads != nil || decoderHeads != nil ? "as given" : "from the preset" + preset)
                    if let fromArgs = opened.argumentsNormPix { inferred.normPixLoss = fromArgs }
                    config = inferred
                }
            } catch {
                problem = error.description
            }
        }
        if let config { encoder.numHeads = config.numHeads }
        var encoderCount = 0, decoderCount = 0
        for (name, shape) in source.shapes {
            let n = shape.reduce(1, *)
            if name.hasPrefix("decoder_") || name == "mask_token" { decoderCount += n } else { encoderCount += n }
        }
        let other = opened.ignoredTensors.compactMap { opened.file.shape($0)?.reduce(1, *) }.reduce(0, +)
        var dtypes: [String: Int] = [:]
        for (name, _) in opened.file.shapes { dtypes[opened.file.dtypes[name] ?? "?", default: 0] += 1 }
        let size = ((try? FileManager.default.attributesOfItem(atPath: opened.location.weights))?[.size] as? NSNumber)?.intValue ?? 0
        let eps = config?.layerNormEps ?? opened.huggingFace?.layerNormEps ?? MAEConfig.authorsLayerNormEps
        return CheckpointContents(location: opened.location, format: opened.file.format, family: opened.family, kind: opened.kind,
                                  config: config, encoder: encoder, configOrigin: origin, configProblem: problem,
                                  layerNormEps: eps, encoderParameters: encoderCount, decoderParameters: decoderCount,
                                  otherParameters: other, dtypes: dtypes, fileBytes: size, normPix: normPix,
                                  normPixOrigin: normPixOrigin, skipped: source.skipped, ignoredTensors: opened.ignoredTensors,
                                  arguments: source.arguments, maskRatio: opened.huggingFace?.maskRatio)
    }
}
