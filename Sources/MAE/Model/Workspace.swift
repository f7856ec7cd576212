/// Every activation of one forward pass (and, once a backward has run, the gradient scratch) for
/// one (batch, keep) shape, allocated once and reused. N images, K kept patches, T = 1 + K encoder
/// tokens, Td = 1 + L decoder tokens.
final class Workspace {
    let batch: Int, keep: Int
    let pool = BufferPool()

    // Masking
    let idsShuffle: UnsafeMutablePointer<Int>      // [N, L]: first K kept, in noise order
    let idsRestore: UnsafeMutablePointer<Int>      // [N, L]: argsort(idsShuffle)
    let mask: UnsafeMutablePointer<Float>          // [N, L]: 1 = removed

    // Encoder
    let cols: UnsafeMutablePointer<Float>          // [N·K, C·p·p] kept patches, (c, i, j) order
    let patchEmbedded: UnsafeMutablePointer<Float> // [N·K, D]
    let encoderInput: UnsafeMutablePointer<Float>  // [N·T, D] cls + kept, with pos_embed
    let encoderBlocks: [BlockActivations]          // depth × [N·T, …]
    let latent: UnsafeMutablePointer<Float>        // [N·T, D] final norm
    let latentMean: UnsafeMutablePointer<Float>    // [N·T]
    let latentRstd: UnsafeMutablePointer<Float>    // [N·T]

    // Decoder
    let decoderEmbedded: UnsafeMutablePointer<Float> // [N·T, Dd]
    let decoderInput: UnsafeMutablePointer<Float>    // [N·Td, Dd] unshuffled, with mask tokens
    let decoderBlocks: [BlockActivations]            // decoder_depth × [N·Td, …]
    let decoderNormed: UnsafeMutablePointer<Float>   // [N·Td, Dd]
    let decoderMean: UnsafeMutablePointer<Float>     // [N·Td]
    let decoderRstd: UnsafeMutablePointer<Float>     // [N·Td]
    let predAll: UnsafeMutablePointer<Float>         // [N·Td, P] decoder_pred of every token
    let pred: UnsafeMutablePointer<Float>            // [N, L, P] (class token dropped)

    // Loss
    let target: UnsafeMutablePointer<Float>          // [N, L, P] patchified, norm-pix if configured
    let targetMean: UnsafeMutablePointer<Float>      // [N·L] per-patch mean of the raw patches (norm-pix)
    let targetStd: UnsafeMutablePointer<Float>       // [N·L] √(unbiased var + 1e-6) (norm-pix)

    /// Backward scratch, allocated on the first backward at this shape.
    private(set) var gradients: WorkspaceGradients?
    /// The removed-rows end of a training pass, allocated on the first training forward.
    private(set) var head: TrainingHead?

    init(config c: MAEConfig, batch N: Int, keep K: Int) {
        batch = N
        keep = K
        let L = c.numPatches, P = c.patchDim, D = c.embedDim, Dd = c.decoderEmbedDim
        let T = K + 1, Td = L + 1
        idsShuffle = pool.ints(N * L)
        idsRestore = pool.ints(N * L)
        mask = pool.floats(N * L)
        cols = pool.floats(N * K * c.inChans * c.patchSize * c.patchSize)
        patchEmbedded = pool.floats(N * K * D)
        encoderInput = pool.floats(N * T * D)
        encoderBlocks = (0..<c.depth).map { [pool] _ in
            BlockActivations(pool: pool, batch: N, tokens: T, width: D, hidden: c.mlpHidden, heads: c.numHeads)
        }
        latent = pool.floats(N * T * D)
        latentMean = pool.floats(N * T)
        latentRstd = pool.floats(N * T)
        decoderEmbedded = pool.floats(N * T * Dd)
        decoderInput = pool.floats(N * Td * Dd)
        decoderBlocks = (0..<c.decoderDepth).map { [pool] _ in
            BlockActivations(pool: pool, batch: N, tokens: Td, width: Dd, hidden: c.decoderMlpHidden,
                             heads: c.decoderNumHeads)
        }
        decoderNormed = pool.floats(N * Td * Dd)
        decoderMean = pool.floats(N * Td)
        decoderRstd = pool.floats(N * Td)
        predAll = pool.floats(N * Td * P)
        pred = pool.floats(N * L * P)
        target = pool.floats(N * L * P)
        targetMean = pool.floats(N * L)
        targetStd = pool.floats(N * L)
    }

    func trainingHead(config c: MAEConfig) -> TrainingHead {
        if let h = head { return h }
        let h = TrainingHead(pool: pool, config: c, batch: batch, keep: keep)
        head = h
        return h
    }

    func gradientScratch(config c: MAEConfig) -> WorkspaceGradients {
        if let g = gradients { return g }
        let g = WorkspaceGradients(pool: pool, config: c, batch: batch, keep: keep)
        gradients = g
        return g
    }
}

/// What one pre-norm block keeps from its forward for its backward; rows = N·T.
struct BlockActivations {
    let ln1: UnsafeMutablePointer<Float>       // [rows, W]
    let ln1Mean: UnsafeMutablePointer<Float>   // [rows]
    let ln1Rstd: UnsafeMutablePointer<Float>   // [rows]
    let qkv: UnsafeMutablePointer<Float>       // [rows, 3W] q | k | v
    let att: UnsafeMutablePointer<Float>       // [N, heads, T, T] softmax
    let atty: UnsafeMutablePointer<Float>      // [rows, W] heads concatenated, before proj
    let residual2: UnsafeMutablePointer<Float> // [rows, W] x + attn
    let ln2: UnsafeMutablePointer<Float>       // [rows, W]
    let ln2Mean: UnsafeMutablePointer<Float>   // [rows]
    let ln2Rstd: UnsafeMutablePointer<Float>   // [rows]
    let fch: UnsafeMutablePointer<Float>       // [rows, hidden] fc1 output, bias included (GELU's derivative there after a training forward)
    let fchGelu: UnsafeMutablePointer<Float>   // [rows, hidden]
    let output: UnsafeMutablePointer<Float>    // [rows, W] residual2 + mlp

    init(pool: BufferPool, batch N: Int, tokens T: Int, width W: Int, hidden H: Int, heads: Int) {
        let rows = N * T
        ln1 = pool.floats(rows * W); ln1Mean = pool.floats(rows); ln1Rstd = pool.floats(rows)
        qkv = pool.floats(rows * 3 * W)
        att = pool.floats(N * heads * T * T)
        atty = pool.floats(rows * W)
        residual2 = pool.floats(rows * W)
        ln2 = pool.floats(rows * W); ln2Mean = pool.floats(rows); ln2Rstd = pool.floats(rows)
        fch = pool.floats(rows * H)
        fchGelu = pool.floats(rows * H)
        output = pool.floats(rows * W)
    }
}

/// Gradient scratch of one block width, reused by every block of that width in turn.
struct BlockGradients {
    let stream: UnsafeMutablePointer<Float>   // [rows, W] dLoss/d(residual stream)
    let ln: UnsafeMutablePointer<Float>       // [rows, W] d(ln1 or ln2 output)
    let qkv: UnsafeMutablePointer<Float>      // [rows, 3W]
    let atty: UnsafeMutablePointer<Float>     // [rows, W]
    let hidden: UnsafeMutablePointer<Float>   // [rows, hidden] d(fchGelu), then d(fch) in place

    init(pool: BufferPool, rows: Int, width W: Int, hidden H: Int) {
        stream = pool.floats(rows * W); ln = pool.floats(rows * W); qkv = pool.floats(rows * 3 * W)
        atty = pool.floats(rows * W); hidden = pool.floats(rows * H)
    }
}

struct WorkspaceGradients {
    let encoder: BlockGradients                    // rows N·T, width D
    let decoder: BlockGradients                    // rows N·Td, width Dd
    let decoderEmbedded: UnsafeMutablePointer<Float> // [N·T, Dd]
    let patchEmbedded: UnsafeMutablePointer<Float> // [N·K, D]

    init(pool: BufferPool, config c: MAEConfig, batch N: Int, keep K: Int) {
        let T = K + 1, Td = c.numPatches + 1
        encoder = BlockGradients(pool: pool, rows: N * T, width: c.embedDim, hidden: c.mlpHidden)
        decoder = BlockGradients(pool: pool, rows: N * Td, width: c.decoderEmbedDim,
                                 hidden: c.decoderMlpHidden)
        decoderEmbedded = pool.floats(N * T * c.decoderEmbedDim)
        patchEmbedded = pool.floats(N * K * c.embedDim)
    }
}
