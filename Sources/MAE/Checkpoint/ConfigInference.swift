/// Recovers the authors' constructor arguments from tensor shapes, for checkpoints without
/// `mae.config` metadata (every PyTorch file, and safetensors written by other tools):
///
///     patch_embed.proj.weight [D, C, p, p]   → embed_dim, in_chans, patch_size
///     pos_embed [1, L + 1, D]                → img_size = √L · p
///     blocks.N.* / decoder_blocks.N.*        → depth, decoder_depth
///     blocks.0.mlp.fc1.weight [D·r, D]       → mlp_ratio r
///     decoder_embed.weight [Dd, D]           → decoder_embed_dim
///
/// Head counts leave no trace in the shapes: they come from the caller or from the preset with
/// the same shapes.
enum ConfigInference {
    static func infer(_ source: TensorSource, heads: Int?, decoderHeads: Int?) throws(CheckpointError) -> MAEConfig {
        let path = source.path
        let names = source.shapes.map(\.name)
        let e = try encoder(source)
        let (D, depth) = (e.embedDim, e.depth)
        func shape(_ name: String, rank: Int) throws(CheckpointError) -> [Int] { try required(source, name, rank: rank) }
        let decoderDepth = blockCount(names, prefix: "decoder_blocks.")
        let embed = try shape("decoder_embed.weight", rank: 2)
        guard embed[1] == D, embed[0] > 0 else {
            throw .shapeMismatch(path: path, tensor: "decoder_embed.weight", expected: [embed[0], D], found: embed)
        }
        var config = MAEConfig(imgSize: e.imgSize, patchSize: e.patchSize, inChans: e.inChans, embedDim: D, depth: depth,
                               numHeads: 0, decoderEmbedDim: embed[0], decoderDepth: decoderDepth, decoderNumHeads: 0,
                               mlpRatio: e.mlpRatio, normPixLoss: false)
        let preset = config.matchingPreset
        if let preset {
            config.numHeads = preset.config.numHeads
            config.decoderNumHeads = preset.config.decoderNumHeads
        }
        if let heads { config.numHeads = heads }
        if let decoderHeads { config.decoderNumHeads = decoderHeads }
        if config.numHeads == 0 || config.decoderNumHeads == 0 {
            let missing = [config.numHeads == 0 ? "--heads" : nil, config.decoderNumHeads == 0 ? "--decoder-heads" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            throw .unusable(path: path, reason: "has no mae.config and its shapes (embed_dim \(D), \(depth) blocks, decoder "
                            + "\(config.decoderEmbedDim) × \(decoderDepth)) match no preset, so the number of attention "
                            + "heads is unknown: pass \(missing)")
        }
        return config
    }

    /// The encoder's shape from its tensors (authors' names), with heads from the preset whose
    /// encoder has these shapes, if any.
    static func encoder(_ source: TensorSource) throws(CheckpointError) -> EncoderShape {
        let path = source.path
        let names = source.shapes.map(\.name)
        func shape(_ name: String, rank: Int) throws(CheckpointError) -> [Int] { try required(source, name, rank: rank) }

        let patch = try shape("patch_embed.proj.weight", rank: 4)
        let (D, C, p) = (patch[0], patch[1], patch[2])
        guard patch[3] == p, p > 0, D > 0, C > 0 else {
            throw .badTensor(path: path, tensor: "patch_embed.proj.weight", reason: "has shape \(CheckpointError.format(patch)), "
                             + "expected [embed_dim, in_chans, patch, patch]")
        }
        let pos = try shape("pos_embed", rank: 3)
        let L = pos[1] - 1
        let g = Int(Double(max(L, 0)).squareRoot().rounded())
        guard pos[0] == 1, pos[2] == D, L > 0, g * g == L else {
            throw .shapeMismatch(path: path, tensor: "pos_embed", expected: [1, max(g * g, 1) + 1, D], found: pos)
        }
        let depth = blockCount(names, prefix: "blocks.")
        guard depth > 0 else { throw .unusable(path: path, reason: "has no encoder blocks (blocks.0.*)") }
        let fc1 = try shape("blocks.0.mlp.fc1.weight", rank: 2)
        guard fc1[1] == D, fc1[0] > 0 else {
            throw .shapeMismatch(path: path, tensor: "blocks.0.mlp.fc1.weight", expected: [4 * D, D], found: fc1)
        }
        var e = EncoderShape(imgSize: g * p, patchSize: p, inChans: C, embedDim: D, depth: depth,
                             mlpRatio: Double(fc1[0]) / Double(D), numHeads: nil)
        e.numHeads = MAEPreset.allCases.map(\.config).first {
            $0.imgSize == e.imgSize && $0.patchSize == p && $0.inChans == C && $0.embedDim == D && $0.depth == depth
                && $0.mlpRatio == e.mlpRatio
        }?.numHeads
        return e
    }

    /// The shape of a tensor the inference needs, with `rank` dimensions.
    static func required(_ source: TensorSource, _ name: String, rank: Int) throws(CheckpointError) -> [Int] {
        guard let s = source.shape(name) else {
            throw .unusable(path: source.path, reason: "has no '\(name)': cannot tell the model's shape "
                            + "(is it an MAE state dict with the authors' names?)")
        }
        guard s.count == rank else {
            throw .badTensor(path: source.path, tensor: name, reason: "has shape \(CheckpointError.format(s)), expected \(rank) dimensions")
        }
        return s
    }

    /// 1 + the largest N of names "<prefix>N.…" (0 if none).
    static func blockCount(_ names: [String], prefix: String) -> Int {
        var count = 0
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if let dot = rest.firstIndex(of: "."), let n = Int(rest[..<dot]), n >= 0, n < 100_000 { count = max(count, n + 1) }
        }
        return count
    }

    /// Whether tensors under the authors' names include a decoder.
    static func hasDecoder(_ source: TensorSource) -> Bool {
        source.shapes.contains { $0.name.hasPrefix("decoder_") || $0.name == "mask_token" }
    }
}

/// An encoder's shape, all that an encoder-only checkpoint tells.
public struct EncoderShape: Sendable, Equatable {
    public var imgSize, patchSize, inChans, embedDim, depth: Int
    public var mlpRatio: Double
    /// From a config, or from the preset with this encoder; nil when unknown.
    public var numHeads: Int?
}
