/// The one place where Hugging Face's ViTMAE names become the authors' (MAE-SPEC.md):
///
///     vit.embeddings.cls_token                          → cls_token
///     vit.embeddings.position_embeddings                → pos_embed
///     vit.embeddings.patch_embeddings.projection.*      → patch_embed.proj.*
///     vit.encoder.layer.N.layernorm_before.*            → blocks.N.norm1.*
///     vit.encoder.layer.N.attention.attention.{query,key,value}.*
///                                                       → blocks.N.attn.qkv.* (rows [q | k | v])
///     vit.encoder.layer.N.attention.output.dense.*      → blocks.N.attn.proj.*
///     vit.encoder.layer.N.layernorm_after.*             → blocks.N.norm2.*
///     vit.encoder.layer.N.intermediate.dense.*          → blocks.N.mlp.fc1.*
///     vit.encoder.layer.N.output.dense.*                → blocks.N.mlp.fc2.*
///     vit.layernorm.*                                   → norm.*
///     decoder.{decoder_embed, mask_token, decoder_pos_embed, decoder_norm, decoder_pred}
///                                                       → the same names without "decoder."
///     decoder.decoder_layers.N.*  (transformers 4's files, and the hub's)
///     decoder.decoder_encoder.layer.N.*  (transformers 5's save_pretrained)
///                                                       → decoder_blocks.N.* as the encoder's
///
/// A `ViTMAEModel` file has the encoder names without "vit." and no decoder; a
/// `ViTForImageClassification` fine-tune has "vit." names, no decoder and `classifier.*`.
/// With `qkv_bias: false` there are no query/key/value biases and qkv's bias is zero.
enum HuggingFaceNames {
    /// How a file spells its names.
    struct Layout: Equatable {
        /// "vit." or "" (ViTMAEModel).
        var prefix: String
        /// "decoder.decoder_layers." or "decoder.decoder_encoder.layer.", nil without a decoder.
        var decoderBlocks: String?
        /// Names outside the MAE that are known and left unread (a classifier's head).
        var ignored: [String]
    }

    static let v4DecoderBlocks = "decoder.decoder_layers."
    static let v5DecoderBlocks = "decoder.decoder_encoder.layer."

    /// The layout of Hugging Face names, or nil when the names are not Hugging Face's.
    static func layout(of names: [String]) -> Layout? {
        let prefix: String
        if names.contains("vit.embeddings.cls_token") || names.contains(where: { $0.hasPrefix("vit.encoder.layer.") }) {
            prefix = "vit."
        } else if names.contains("embeddings.cls_token") || names.contains(where: { $0.hasPrefix("encoder.layer.") }) {
            prefix = ""
        } else {
            return nil
        }
        let decoder: String? = if names.contains(where: { $0.hasPrefix(v5DecoderBlocks) }) { v5DecoderBlocks }
            else if names.contains(where: { $0.hasPrefix(v4DecoderBlocks) }) { v4DecoderBlocks }
            else if names.contains(where: { $0.hasPrefix("decoder.") }) { v4DecoderBlocks }
            else { nil }
        return Layout(prefix: prefix, decoderBlocks: decoder, ignored: names.filter { $0.hasPrefix("classifier.") })
    }

    /// Where one of the authors' tensors comes from: whole files' tensors stacked by rows, in
    /// order, and zeros for a part that the file does not store (qkv's bias without qkv_bias).
    struct Source {
        var parts: [(name: String?, shape: [Int])]
    }

    /// The authors' names of the file's tensors (encoder; decoder when the layout has one), each
    /// with its sources. `config` gives the widths and depths.
    static func plan(_ layout: Layout, config c: HuggingFaceConfig) -> [(name: String, shape: [Int], source: Source)] {
        let D = c.hiddenSize, p = c.patchSize, L = (c.imageSize / c.patchSize) * (c.imageSize / c.patchSize)
        var plan: [(String, [Int], Source)] = []
        func one(_ authors: String, _ hf: String, _ shape: [Int]) { plan.append((authors, shape, Source(parts: [(hf, shape)]))) }
        func block(_ authors: String, _ hf: String, width W: Int, hidden H: Int) {
            one("\(authors).norm1.weight", "\(hf).layernorm_before.weight", [W])
            one("\(authors).norm1.bias", "\(hf).layernorm_before.bias", [W])
            let qkv = ["query", "key", "value"].map { "\(hf).attention.attention.\($0)" }
            plan.append(("\(authors).attn.qkv.weight", [3 * W, W], Source(parts: qkv.map { ($0 + ".weight", [W, W]) })))
            plan.append(("\(authors).attn.qkv.bias", [3 * W], Source(parts: qkv.map { (c.qkvBias ? $0 + ".bias" : nil, [W]) })))
            one("\(authors).attn.proj.weight", "\(hf).attention.output.dense.weight", [W, W])
            one("\(authors).attn.proj.bias", "\(hf).attention.output.dense.bias", [W])
            one("\(authors).norm2.weight", "\(hf).layernorm_after.weight", [W])
            one("\(authors).norm2.bias", "\(hf).layernorm_after.bias", [W])
            one("\(authors).mlp.fc1.weight", "\(hf).intermediate.dense.weight", [H, W])
            one("\(authors).mlp.fc1.bias", "\(hf).intermediate.dense.bias", [H])
            one("\(authors).mlp.fc2.weight", "\(hf).output.dense.weight", [W, H])
            one("\(authors).mlp.fc2.bias", "\(hf).output.dense.bias", [W])
        }
        let v = layout.prefix
        one("cls_token", v + "embeddings.cls_token", [1, 1, D])
        one("pos_embed", v + "embeddings.position_embeddings", [1, L + 1, D])
        one("patch_embed.proj.weight", v + "embeddings.patch_embeddings.projection.weight", [D, c.numChannels, p, p])
        one("patch_embed.proj.bias", v + "embeddings.patch_embeddings.projection.bias", [D])
        for i in 0..<c.numHiddenLayers { block("blocks.\(i)", v + "encoder.layer.\(i)", width: D, hidden: c.intermediateSize) }
        one("norm.weight", v + "layernorm.weight", [D])
        one("norm.bias", v + "layernorm.bias", [D])
        guard let blocks = layout.decoderBlocks else { return plan }
        let Dd = c.decoderHiddenSize
        one("mask_token", "decoder.mask_token", [1, 1, Dd])
        one("decoder_pos_embed", "decoder.decoder_pos_embed", [1, L + 1, Dd])
        one("decoder_embed.weight", "decoder.decoder_embed.weight", [Dd, D])
        one("decoder_embed.bias", "decoder.decoder_embed.bias", [Dd])
        for i in 0..<c.decoderNumHiddenLayers {
            block("decoder_blocks.\(i)", blocks + "\(i)", width: Dd, hidden: c.decoderIntermediateSize)
        }
        one("decoder_norm.weight", "decoder.decoder_norm.weight", [Dd])
        one("decoder_norm.bias", "decoder.decoder_norm.bias", [Dd])
        let P = p * p * c.numChannels
        one("decoder_pred.weight", "decoder.decoder_pred.weight", [P, Dd])
        one("decoder_pred.bias", "decoder.decoder_pred.bias", [P])
        return plan
    }

    /// The file under the authors' names. Every tensor the plan needs must be in the file with
    /// its shape, and the file may hold nothing else but the layout's ignored names; errors
    /// name the first few of each.
    static func authorsView(_ file: TensorSource, layout: Layout, config: HuggingFaceConfig) throws(CheckpointError) -> TensorSource {
        let plan = plan(layout, config: config)
        var found: [String: [Int]] = [:]
        for (name, shape) in file.shapes { found[name] = shape }
        var used = Set(layout.ignored)
        var missing: [(String, [Int])] = []
        for entry in plan {
            for part in entry.source.parts {
                guard let name = part.name else { continue }
                used.insert(name)
                guard let shape = found[name] else { missing.append((name, part.shape)); continue }
                if shape != part.shape {
                    throw .shapeMismatch(path: file.path, tensor: name, expected: part.shape, found: shape)
                }
            }
        }
        let unexpected = file.shapes.filter { !used.contains($0.name) }
        if missing.count == 1 && unexpected.isEmpty {
            throw .missingTensor(path: file.path, tensor: missing[0].0, expected: missing[0].1)
        }
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("lacks " + CheckpointError.list(missing.map(\.0))) }
            if !unexpected.isEmpty { parts.append("has tensors the model does not, " + CheckpointError.list(unexpected.map(\.name))) }
            let odd = missing.map(\.0) + unexpected.map(\.name)
            let hint = odd.contains { $0.hasSuffix(".query.bias") } ? " (its config.json says qkv_bias: \(config.qkvBias))" : ""
            throw .unusable(path: file.path, reason: "does not match its config.json as a ViTMAE: it "
                            + parts.joined(separator: " and ") + hint)
        }
        let sources = Dictionary(plan.map { ($0.name, $0.source) }, uniquingKeysWith: { a, _ in a })
        var dtypes: [String: String] = [:]
        for entry in plan {
            let kinds = Set(entry.source.parts.compactMap { $0.name.flatMap { file.dtypes[$0] } })
            if let only = kinds.first, kinds.count == 1 { dtypes[entry.name] = only }
        }
        return file.renamed(shapes: plan.map { ($0.name, $0.shape) }, dtypes: dtypes) {
            (file: TensorSource, name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            guard let source = sources[name] else { throw .badTensor(path: file.path, tensor: name, reason: "not in the file") }
            var start = 0
            for part in source.parts {
                let count = part.shape.reduce(1, *)
                let slice = UnsafeMutableBufferPointer(rebasing: out[start..<(start + count)])
                if let hf = part.name { try file.floats(hf, into: slice) } else { slice.update(repeating: 0) }
                start += count
            }
        }
    }
}
