/// The floating-point work of the model's matrix products, for throughput figures (`maex bench`).
///
/// A product of [m, k] by [k, n] counts 2·m·n·k. The encoder sees the class token and the kept
/// patches only (T = 1 + keep tokens), the decoder every patch (Td = 1 + L). Attention counts
/// q·kᵀ and a·v per head. The backward of a product computes both input gradients, 2× its
/// forward, except the patch embedding, whose input (the image) needs none: 1×. Element-wise
/// work (LayerNorm, GELU, softmax, the loss, AdamW) is left out, as is usual for such counts.
public struct MatmulFLOPs: Sendable, Equatable {
    public var forward: Double
    public var backward: Double
    /// One training step: forward and backward.
    public var training: Double { forward + backward }
}

extension MAEConfig {
    /// FLOPs of the matmuls of one forward and one backward for `batch` images keeping `keep`
    /// patches each.
    public func matmulFLOPs(batch N: Int, keep K: Int) -> MatmulFLOPs {
        func mm(_ m: Int, _ n: Int, _ k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }
        let L = numPatches, T = K + 1, Td = L + 1
        let fanIn = inChans * patchSize * patchSize
        // One pre-norm block of `rows` tokens, width W, MLP hidden H, attention over `tokens`.
        func block(tokens: Int, width W: Int, hidden H: Int) -> Double {
            let rows = N * tokens
            let linears = mm(rows, 3 * W, W) + mm(rows, W, W) + mm(rows, H, W) + mm(rows, W, H)
            // Per image: q·kᵀ [T, T] over the width W (all heads together) and a·v [T, W] over T.
            let attention = Double(N) * (mm(tokens, tokens, W) + mm(tokens, W, tokens))
            return linears + attention
        }
        let patchEmbed = mm(N * K, embedDim, fanIn)
        let encoder = Double(depth) * block(tokens: T, width: embedDim, hidden: mlpHidden)
        let decoderEmbed = mm(N * T, decoderEmbedDim, embedDim)
        let decoder = Double(decoderDepth) * block(tokens: Td, width: decoderEmbedDim, hidden: decoderMlpHidden)
        let pred = mm(N * L, patchDim, decoderEmbedDim)
        let differentiable = encoder + decoderEmbed + decoder + pred
        return MatmulFLOPs(forward: patchEmbed + differentiable, backward: patchEmbed + 2 * differentiable)
    }
}
