/// Offsets into the flat parameter buffer (and, the same, into a gradient buffer) of every tensor
/// the forward and backward read, resolved once from the `ParameterTable` so that the layers never
/// look names up.
struct BlockLayout: Sendable {
    let norm1Weight, norm1Bias, qkvWeight, qkvBias, projWeight, projBias: Int
    let norm2Weight, norm2Bias, fc1Weight, fc1Bias, fc2Weight, fc2Bias: Int
    let width, hidden, heads: Int
    /// Both LayerNorms' eps (the model's `layerNormEps`).
    let eps: Float

    init(table: ParameterTable, prefix: String, width: Int, hidden: Int, heads: Int, eps: Float) {
        func at(_ name: String) -> Int { table.offset(of: "\(prefix).\(name)") }
        norm1Weight = at("norm1.weight"); norm1Bias = at("norm1.bias")
        qkvWeight = at("attn.qkv.weight"); qkvBias = at("attn.qkv.bias")
        projWeight = at("attn.proj.weight"); projBias = at("attn.proj.bias")
        norm2Weight = at("norm2.weight"); norm2Bias = at("norm2.bias")
        fc1Weight = at("mlp.fc1.weight"); fc1Bias = at("mlp.fc1.bias")
        fc2Weight = at("mlp.fc2.weight"); fc2Bias = at("mlp.fc2.bias")
        self.width = width
        self.hidden = hidden
        self.heads = heads
        self.eps = eps
    }
}

struct ModelLayout: Sendable {
    let clsToken, posEmbed, maskToken, decoderPosEmbed, patchWeight, patchBias: Int
    let blocks: [BlockLayout]
    let normWeight, normBias, decoderEmbedWeight, decoderEmbedBias: Int
    let decoderBlocks: [BlockLayout]
    let decoderNormWeight, decoderNormBias, predWeight, predBias: Int
    /// Every LayerNorm's eps, `norm` and `decoder_norm` included.
    let layerNormEps: Float

    init(table t: ParameterTable, config c: MAEConfig) {
        clsToken = t.offset(of: "cls_token"); posEmbed = t.offset(of: "pos_embed")
        maskToken = t.offset(of: "mask_token"); decoderPosEmbed = t.offset(of: "decoder_pos_embed")
        patchWeight = t.offset(of: "patch_embed.proj.weight"); patchBias = t.offset(of: "patch_embed.proj.bias")
        blocks = (0..<c.depth).map {
            BlockLayout(table: t, prefix: "blocks.\($0)", width: c.embedDim, hidden: c.mlpHidden, heads: c.numHeads,
                        eps: Float(c.layerNormEps))
        }
        normWeight = t.offset(of: "norm.weight"); normBias = t.offset(of: "norm.bias")
        decoderEmbedWeight = t.offset(of: "decoder_embed.weight"); decoderEmbedBias = t.offset(of: "decoder_embed.bias")
        decoderBlocks = (0..<c.decoderDepth).map {
            BlockLayout(table: t, prefix: "decoder_blocks.\($0)", width: c.decoderEmbedDim,
                        hidden: c.decoderMlpHidden, heads: c.decoderNumHeads, eps: Float(c.layerNormEps))
        }
        decoderNormWeight = t.offset(of: "decoder_norm.weight"); decoderNormBias = t.offset(of: "decoder_norm.bias")
        predWeight = t.offset(of: "decoder_pred.weight"); predBias = t.offset(of: "decoder_pred.bias")
        layerNormEps = Float(c.layerNormEps)
    }
}

extension ParameterTable {
    /// The offset of a tensor the table is built to hold; a missing name is a bug in this module.
    func offset(of name: String) -> Int {
        guard let entry = self[name] else { preconditionFailure("ParameterTable has no \(name)") }
        return entry.offset
    }
}
