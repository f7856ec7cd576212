/// Initialisation from scratch as the authors' `initialize_weights`, drawn from the project's
/// seeded generator in state-dict order (same seed, same model on every machine):
/// - every Linear weight xavier_uniform, U(±√(6/(fan_in + fan_out))), its bias 0 (qkv as one
///   [3D, D] matrix);
/// - `patch_embed.proj.weight` xavier_uniform on its [D, C·p·p] view; its bias keeps PyTorch's
///   Conv2d default U(±1/√(C·p²));
/// - `cls_token`, `mask_token` N(0, 0.02); LayerNorm weight 1, bias 0;
/// - the position embeddings the fixed sin-cos table.
func initialiseParameters(_ values: UnsafeMutableBufferPointer<Float>, table: ParameterTable,
                          config c: MAEConfig, seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    func uniform(_ entry: ParameterTable.Entry, bound: Double) {
        for i in entry.range { values[i] = Float((rng.nextDouble() * 2 - 1) * bound) }
    }
    func fill(_ entry: ParameterTable.Entry, _ value: Float) {
        for i in entry.range { values[i] = value }
    }
    let fanInPatch = c.inChans * c.patchSize * c.patchSize
    for entry in table.entries {
        switch entry.name {
        case "cls_token", "mask_token":
            for i in entry.range { values[i] = Float(rng.nextNormal() * 0.02) }
        case "pos_embed":
            copyPositionEmbedding(values, entry, width: c.embedDim, gridSize: c.gridSize)
        case "decoder_pos_embed":
            copyPositionEmbedding(values, entry, width: c.decoderEmbedDim, gridSize: c.gridSize)
        case "patch_embed.proj.weight":
            uniform(entry, bound: (6.0 / Double(fanInPatch + c.embedDim)).squareRoot())
        case "patch_embed.proj.bias":
            uniform(entry, bound: 1 / Double(fanInPatch).squareRoot())
        default:
            let isNorm = entry.name.contains("norm")
            if entry.name.hasSuffix(".bias") {
                fill(entry, 0)
            } else if isNorm {
                fill(entry, 1)
            } else {
                // A Linear weight [out, in].
                let fanOut = entry.shape[0], fanIn = entry.shape[1]
                uniform(entry, bound: (6.0 / Double(fanIn + fanOut)).squareRoot())
            }
        }
    }
}

func copyPositionEmbedding(_ values: UnsafeMutableBufferPointer<Float>, _ entry: ParameterTable.Entry,
                           width: Int, gridSize: Int) {
    let table = sinCosPositionEmbedding(width: width, gridSize: gridSize)
    precondition(table.count == entry.count, "position embedding size mismatch for \(entry.name)")
    for i in 0..<entry.count { values[entry.offset + i] = table[i] }
}
