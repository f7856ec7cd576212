import Foundation

/// The `config.json` that Hugging Face's `save_pretrained` writes beside the weights of a ViTMAE
/// (`model_type` "vit_mae") or a ViT fine-tune ("vit"). Missing keys take transformers' own
/// defaults (ViT-Base/16 with the 512 × 8 decoder, `layer_norm_eps` 1e-12, `qkv_bias` true).
///
/// Limits: one `image_size` and `patch_size` for both sides (an [h, w] pair must be square);
/// sizes within MAEConfig's limits (`maxImageSize`, `maxChannels`, `maxWidth`, `maxDepth`; an
/// intermediate size up to `maxWidth × maxMLPRatio`), so that no shape computed from them can
/// overflow and the plan of names stays small; `mask_ratio` from 0 to 1; the file at most
/// `maxFileBytes`. `hidden_act` must be exact GELU ("gelu"), and encoder and decoder must share
/// one MLP ratio, as the authors' model has: anything else is refused with the reason.
struct HuggingFaceConfig: Sendable {
    /// The largest config.json read: transformers writes a few kB (an id2label of ImageNet-21k's
    /// 21,843 classes makes about 1 MB).
    static let maxFileBytes = 16 << 20

    let path: String
    let modelType: String?
    let architectures: [String]
    let hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize: Int
    let decoderHiddenSize, decoderNumHiddenLayers, decoderNumAttentionHeads, decoderIntermediateSize: Int
    let imageSize, patchSize, numChannels: Int
    let layerNormEps: Double
    let hiddenAct: String
    let qkvBias: Bool
    let normPixLoss: Bool
    let maskRatio: Double
    /// Classes of a classifier fine-tune (`id2label`), 0 when none are listed.
    let labels: Int

    static func read(path: String) throws(CheckpointError) -> HuggingFaceConfig {
        let file = try MappedFile(path: path)
        guard file.count <= maxFileBytes else {
            throw .malformed(path: path, reason: "has \(file.count) bytes, more than the limit of \(maxFileBytes >> 20) MiB "
                             + "for a config.json")
        }
        let json: JSONValue
        do {
            json = try withExtendedLifetime(file) { () throws(JSONValue.ParseError) -> JSONValue in try JSONValue.parse(file.bytes) }
        } catch {
            throw .malformed(path: path, reason: "is not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case .object = json else { throw .malformed(path: path, reason: "is not a JSON object") }
        return try HuggingFaceConfig(path: path, json: json)
    }

    init(path: String, json: JSONValue) throws(CheckpointError) {
        self.path = path
        func bad(_ key: String, _ want: String) -> CheckpointError {
            .malformed(path: path, reason: "'\(key)' is not \(want)")
        }
        func int(_ key: String, _ fallback: Int, limit: Int) throws(CheckpointError) -> Int {
            guard let v = json[key] else { return fallback }
            if case .integer(let i) = v, let n = Int(exactly: i), n > 0, n <= limit { return n }
            // [h, w] for image_size and patch_size: square only.
            if case .array(let pair) = v, pair.count == 2, case .integer(let h) = pair[0], pair[0] == pair[1],
               let n = Int(exactly: h), n > 0, n <= limit {
                return n
            }
            throw bad(key, "a positive integer up to \(limit) (or a square [h, w] pair)")
        }
        func number(_ key: String, _ fallback: Double) throws(CheckpointError) -> Double {
            guard let v = json[key] else { return fallback }
            guard let d = v.doubleValue, d.isFinite else { throw bad(key, "a number") }
            return d
        }
        func bool(_ key: String, _ fallback: Bool) throws(CheckpointError) -> Bool {
            guard let v = json[key] else { return fallback }
            guard case .bool(let b) = v else { throw bad(key, "true or false") }
            return b
        }
        func string(_ key: String) -> String? {
            if case .string(let s)? = json[key] { return s }
            return nil
        }
        modelType = string("model_type")
        if case .array(let names)? = json["architectures"] {
            architectures = names.compactMap { if case .string(let s) = $0 { s } else { nil } }
        } else {
            architectures = []
        }
        let width = MAEConfig.maxWidth, layers = MAEConfig.maxDepth
        let hidden = MAEConfig.maxWidth * Int(MAEConfig.maxMLPRatio)
        hiddenSize = try int("hidden_size", 768, limit: width)
        numHiddenLayers = try int("num_hidden_layers", 12, limit: layers)
        numAttentionHeads = try int("num_attention_heads", 12, limit: width)
        intermediateSize = try int("intermediate_size", 3072, limit: hidden)
        decoderHiddenSize = try int("decoder_hidden_size", 512, limit: width)
        decoderNumHiddenLayers = try int("decoder_num_hidden_layers", 8, limit: layers)
        decoderNumAttentionHeads = try int("decoder_num_attention_heads", 16, limit: width)
        decoderIntermediateSize = try int("decoder_intermediate_size", 2048, limit: hidden)
        imageSize = try int("image_size", 224, limit: MAEConfig.maxImageSize)
        patchSize = try int("patch_size", 16, limit: MAEConfig.maxImageSize)
        numChannels = try int("num_channels", 3, limit: MAEConfig.maxChannels)
        layerNormEps = try number("layer_norm_eps", 1e-12)
        guard layerNormEps > 0 else { throw bad("layer_norm_eps", "a positive number") }
        hiddenAct = string("hidden_act") ?? "gelu"
        qkvBias = try bool("qkv_bias", true)
        normPixLoss = try bool("norm_pix_loss", false)
        maskRatio = try number("mask_ratio", 0.75)
        guard (0...1).contains(maskRatio) else { throw bad("mask_ratio", "a number from 0 to 1") }
        if case .object(let labels)? = json["id2label"] { self.labels = labels.count } else { labels = 0 }
    }

    /// The MAE these settings describe, or the reason maex cannot run it.
    func modelConfig() throws(CheckpointError) -> MAEConfig {
        if hiddenAct != "gelu" {
            throw .unusable(path: path, reason: "has hidden_act '\(hiddenAct)': maex runs the exact (erf) GELU of the "
                            + "authors' MAE, which transformers calls \"gelu\"")
        }
        let ratio = Double(intermediateSize) / Double(hiddenSize)
        let decoderRatio = Double(decoderIntermediateSize) / Double(decoderHiddenSize)
        if ratio != decoderRatio {
            throw .unusable(path: path, reason: "has MLP ratio \(intermediateSize)/\(hiddenSize) in the encoder and "
                            + "\(decoderIntermediateSize)/\(decoderHiddenSize) in the decoder: the authors' MAE, which "
                            + "maex runs, has one mlp_ratio for both")
        }
        if Double(Int(Double(hiddenSize) * ratio)) != Double(intermediateSize) {
            throw .unusable(path: path, reason: "has intermediate_size \(intermediateSize), not a whole multiple of "
                            + "hidden_size \(hiddenSize) that maex can express")
        }
        return MAEConfig(imgSize: imageSize, patchSize: patchSize, inChans: numChannels, embedDim: hiddenSize,
                         depth: numHiddenLayers, numHeads: numAttentionHeads, decoderEmbedDim: decoderHiddenSize,
                         decoderDepth: decoderNumHiddenLayers, decoderNumHeads: decoderNumAttentionHeads,
                         mlpRatio: ratio, normPixLoss: normPixLoss, layerNormEps: layerNormEps)
    }
}
