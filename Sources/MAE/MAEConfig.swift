/// The constructor arguments of the authors' `MaskedAutoencoderViT`, under their names when
/// encoded (the `mae.config` metadata of a checkpoint), plus the LayerNorms' eps: the authors'
/// constructor fixes it at 1e-6 (`norm_layer=partial(nn.LayerNorm, eps=1e-6)`), Hugging Face's
/// ViTMAE takes `layer_norm_eps` from its config (1e-12 by default). It is encoded as
/// `layer_norm_eps` only when it is not 1e-6, so the authors' constructor reads every other
/// config as it is.
public struct MAEConfig: Codable, Equatable, Hashable, Sendable {
    public var imgSize: Int
    public var patchSize: Int
    public var inChans: Int
    public var embedDim: Int
    public var depth: Int
    public var numHeads: Int
    public var decoderEmbedDim: Int
    public var decoderDepth: Int
    public var decoderNumHeads: Int
    public var mlpRatio: Double
    public var normPixLoss: Bool
    /// eps of every LayerNorm in the model (blocks, `norm`, `decoder_norm`).
    public var layerNormEps: Double

    /// The authors' eps, that of every model but Hugging Face's.
    public static let authorsLayerNormEps = 1e-6

    enum CodingKeys: String, CodingKey, CaseIterable {
        case imgSize = "img_size"
        case patchSize = "patch_size"
        case inChans = "in_chans"
        case embedDim = "embed_dim"
        case depth
        case numHeads = "num_heads"
        case decoderEmbedDim = "decoder_embed_dim"
        case decoderDepth = "decoder_depth"
        case decoderNumHeads = "decoder_num_heads"
        case mlpRatio = "mlp_ratio"
        case normPixLoss = "norm_pix_loss"
        case layerNormEps = "layer_norm_eps"
    }

    public init(imgSize: Int, patchSize: Int, inChans: Int = 3, embedDim: Int, depth: Int,
                numHeads: Int, decoderEmbedDim: Int, decoderDepth: Int, decoderNumHeads: Int,
                mlpRatio: Double = 4, normPixLoss: Bool = false, layerNormEps: Double = MAEConfig.authorsLayerNormEps) {
        self.imgSize = imgSize
        self.patchSize = patchSize
        self.inChans = inChans
        self.embedDim = embedDim
        self.depth = depth
        self.numHeads = numHeads
        self.decoderEmbedDim = decoderEmbedDim
        self.decoderDepth = decoderDepth
        self.decoderNumHeads = decoderNumHeads
        self.mlpRatio = mlpRatio
        self.normPixLoss = normPixLoss
        self.layerNormEps = layerNormEps
    }

    /// Missing keys take the authors' defaults (ViT-Large/16 with the 512 × 8 decoder), as
    /// their constructor does, so a partial JSON such as the reference script's works.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MAEConfig.large
        imgSize = try c.decodeIfPresent(Int.self, forKey: .imgSize) ?? d.imgSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
        inChans = try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans
        embedDim = try c.decodeIfPresent(Int.self, forKey: .embedDim) ?? d.embedDim
        depth = try c.decodeIfPresent(Int.self, forKey: .depth) ?? d.depth
        numHeads = try c.decodeIfPresent(Int.self, forKey: .numHeads) ?? d.numHeads
        decoderEmbedDim = try c.decodeIfPresent(Int.self, forKey: .decoderEmbedDim) ?? d.decoderEmbedDim
        decoderDepth = try c.decodeIfPresent(Int.self, forKey: .decoderDepth) ?? d.decoderDepth
        decoderNumHeads = try c.decodeIfPresent(Int.self, forKey: .decoderNumHeads) ?? d.decoderNumHeads
        mlpRatio = try c.decodeIfPresent(Double.self, forKey: .mlpRatio) ?? d.mlpRatio
        normPixLoss = try c.decodeIfPresent(Bool.self, forKey: .normPixLoss) ?? d.normPixLoss
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? Self.authorsLayerNormEps
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(imgSize, forKey: .imgSize)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(inChans, forKey: .inChans)
        try c.encode(embedDim, forKey: .embedDim)
        try c.encode(depth, forKey: .depth)
        try c.encode(numHeads, forKey: .numHeads)
        try c.encode(decoderEmbedDim, forKey: .decoderEmbedDim)
        try c.encode(decoderDepth, forKey: .decoderDepth)
        try c.encode(decoderNumHeads, forKey: .decoderNumHeads)
        try c.encode(mlpRatio, forKey: .mlpRatio)
        try c.encode(normPixLoss, forKey: .normPixLoss)
        if layerNormEps != Self.authorsLayerNormEps { try c.encode(layerNormEps, forKey: .layerNormEps) }
    }

    // MARK: derived sizes

    /// Patches per side, g = S / p.
    public var gridSize: Int { imgSize / patchSize }
    /// Patches per image, L = g².
    public var numPatches: Int { gridSize * gridSize }
    /// Values per patch, P = p² · C.
    public var patchDim: Int { patchSize * patchSize * inChans }
    /// Hidden width of the encoder's MLP.
    public var mlpHidden: Int { Int(Double(embedDim) * mlpRatio) }
    /// Hidden width of the decoder's MLP.
    public var decoderMlpHidden: Int { Int(Double(decoderEmbedDim) * mlpRatio) }
    /// Patches kept by random masking at `ratio`: ⌊L·(1 − ratio)⌋ in double arithmetic, as the
    /// authors' `int(L * (1 - mask_ratio))` (49 of 196 at 0.75).
    public func keepCount(maskRatio ratio: Double) -> Int {
        Int((Double(numPatches) * (1 - ratio)).rounded(.towardZero))
    }

    // MARK: presets

    /// 64 px, patch 8 (64 patches), 192 × 6 encoder with 3 heads, 128 × 2 decoder with 4 heads.
    public static let tiny = MAEConfig(imgSize: 64, patchSize: 8, embedDim: 192, depth: 6, numHeads: 3,
                                       decoderEmbedDim: 128, decoderDepth: 2, decoderNumHeads: 4)
    /// The authors' mae_vit_base_patch16.
    public static let base = MAEConfig(imgSize: 224, patchSize: 16, embedDim: 768, depth: 12, numHeads: 12,
                                       decoderEmbedDim: 512, decoderDepth: 8, decoderNumHeads: 16)
    /// The authors' mae_vit_large_patch16.
    public static let large = MAEConfig(imgSize: 224, patchSize: 16, embedDim: 1024, depth: 24, numHeads: 16,
                                        decoderEmbedDim: 512, decoderDepth: 8, decoderNumHeads: 16)
    /// The authors' mae_vit_huge_patch14.
    public static let huge = MAEConfig(imgSize: 224, patchSize: 14, embedDim: 1280, depth: 32, numHeads: 16,
                                       decoderEmbedDim: 512, decoderDepth: 8, decoderNumHeads: 16)

    /// The preset with these shapes, if any: used to recover head counts, which shapes do not tell.
    public var matchingPreset: MAEPreset? {
        MAEPreset.allCases.first { p in
            let c = p.config
            return c.imgSize == imgSize && c.patchSize == patchSize && c.inChans == inChans
                && c.embedDim == embedDim && c.depth == depth && c.decoderEmbedDim == decoderEmbedDim
                && c.decoderDepth == decoderDepth && c.mlpRatio == mlpRatio
        }
    }

    // MARK: limits

    // A config comes from files (a checkpoint's mae.config, a Hugging Face config.json, a run's
    // config.json, --config): these bound it before any size is computed from it, so that no
    // product of its fields can overflow and no model is larger than memory could ever hold.

    /// The largest img_size: 4096 px (the authors train at 224; ViTDet runs at 1024).
    public static let maxImageSize = 4096
    /// The most patches an image may have, (img_size / patch_size)²: 4096, a 64 × 64 grid (1024 px
    /// at patch 16). Attention costs patches² per head: 4096 patches take 64 MiB of scores a head.
    public static let maxPatches = 4096
    /// The most input channels (RGB has 3; multispectral satellite MAEs about 13).
    public static let maxChannels = 64
    /// The widest embed_dim and decoder_embed_dim: 16384 (ViT-H has 1280, ViT-22B 6144).
    public static let maxWidth = 16384
    /// The deepest depth and decoder_depth: 256 blocks (ViT-H has 32).
    public static let maxDepth = 256
    /// The largest mlp_ratio (the authors' is 4).
    public static let maxMLPRatio = 64.0
    /// The most parameters a model may have: 2·10⁹, 8 GB as Float32 (three times ViT-H/14 with
    /// its decoder, 657 M).
    public static let maxParameters = 2_000_000_000

    // MARK: validation

    /// Throws an error naming the first field that cannot make a model.
    public func validate() throws(MAEConfigError) {
        func positive(_ value: Int, _ key: CodingKeys) throws(MAEConfigError) {
            if value <= 0 { throw .notPositive(field: key.rawValue, value: value) }
        }
        func atMost(_ limit: Int, _ value: Int, _ key: CodingKeys) throws(MAEConfigError) {
            if value > limit { throw .invalid(field: key.rawValue, reason: "must be at most \(limit), got \(value)") }
        }
        try positive(imgSize, .imgSize)
        try positive(patchSize, .patchSize)
        try positive(inChans, .inChans)
        try positive(embedDim, .embedDim)
        try positive(depth, .depth)
        try positive(numHeads, .numHeads)
        try positive(decoderEmbedDim, .decoderEmbedDim)
        try positive(decoderDepth, .decoderDepth)
        try positive(decoderNumHeads, .decoderNumHeads)
        try atMost(Self.maxImageSize, imgSize, .imgSize)
        try atMost(imgSize, patchSize, .patchSize)
        try atMost(Self.maxChannels, inChans, .inChans)
        try atMost(Self.maxWidth, embedDim, .embedDim)
        try atMost(Self.maxDepth, depth, .depth)
        try atMost(Self.maxWidth, decoderEmbedDim, .decoderEmbedDim)
        try atMost(Self.maxDepth, decoderDepth, .decoderDepth)
        if !(mlpRatio > 0) || mlpRatio > Self.maxMLPRatio {
            throw .invalid(field: "mlp_ratio", reason: "must be above 0 and at most \(Self.maxMLPRatio), got \(mlpRatio)")
        }
        if imgSize % patchSize != 0 {
            throw .notDivisible(field: "img_size", value: imgSize, by: "patch_size", divisor: patchSize)
        }
        if embedDim % numHeads != 0 {
            throw .notDivisible(field: "embed_dim", value: embedDim, by: "num_heads", divisor: numHeads)
        }
        if decoderEmbedDim % decoderNumHeads != 0 {
            throw .notDivisible(field: "decoder_embed_dim", value: decoderEmbedDim,
                                by: "decoder_num_heads", divisor: decoderNumHeads)
        }
        // The sin-cos position embedding splits the width into 4 equal parts (sin, cos × row, col).
        if embedDim % 4 != 0 { throw .notDivisible(field: "embed_dim", value: embedDim, by: "4", divisor: 4) }
        if decoderEmbedDim % 4 != 0 {
            throw .notDivisible(field: "decoder_embed_dim", value: decoderEmbedDim, by: "4", divisor: 4)
        }
        if mlpHidden <= 0 || decoderMlpHidden <= 0 {
            throw .invalid(field: "mlp_ratio", reason: "must give a positive hidden width, got \(mlpRatio)")
        }
        if !(layerNormEps > 0) || !layerNormEps.isFinite || Float(layerNormEps) == 0 {
            throw .invalid(field: "layer_norm_eps", reason: "must be a positive number a float32 can hold, got \(layerNormEps)")
        }
        if numPatches > Self.maxPatches {
            throw .invalid(field: "img_size", reason: "gives \(numPatches) patches of \(patchSize) px, more than the limit of "
                           + "\(Self.maxPatches)")
        }
        // Every field is bounded now, so the sizes cannot overflow.
        let parameters = ParameterTable(config: self).count
        if parameters > Self.maxParameters {
            throw .invalid(field: "embed_dim", reason: "with the other fields makes \(parameters) parameters, more than the limit "
                           + "of \(Self.maxParameters)")
        }
    }
}

public enum MAEConfigError: Error, Equatable, CustomStringConvertible {
    case notPositive(field: String, value: Int)
    case notDivisible(field: String, value: Int, by: String, divisor: Int)
    case invalid(field: String, reason: String)

    public var field: String {
        switch self {
        case .notPositive(let f, _), .notDivisible(let f, _, _, _), .invalid(let f, _): f
        }
    }

    public var description: String {
        switch self {
        case .notPositive(let field, let value):
            "invalid model config: \(field) must be positive, got \(value)"
        case .notDivisible(let field, let value, let by, let divisor):
            "invalid model config: \(field) (\(value)) must be divisible by \(by) (\(divisor))"
        case .invalid(let field, let reason):
            "invalid model config: \(field) \(reason)"
        }
    }
}
