/// The end of the training forward, on the removed patches' rows only.
///
/// The loss reads only the removed patches' predictions, and everything after the last decoder
/// block's attention works token by token (the MLP, decoder_norm, decoder_pred). So a training
/// pass runs that attention on every token as usual, gathers the M = N·(L − K) rows of removed
/// patches, and runs the rest of the model on those alone: at 75% masking 48 of 65 rows per
/// image, a quarter less work in those products forward and backward. The gradients are the
/// same (the rows left out have none); inference keeps every row, since the explorer shows
/// every prediction.
final class TrainingHead {
    /// M: removed patches in the batch.
    let rows: Int
    let decoderRows: UnsafeMutablePointer<Int>  // [M] n·(1 + L) + 1 + l of removed patch (n, l), ascending
    let patchRows: UnsafeMutablePointer<Int>    // [M] n·L + l, same order

    // Forward, [M, ·]: the last block's MLP, decoder_norm, decoder_pred, the targets.
    let ln2: UnsafeMutablePointer<Float>        // [M, Dd] gathered from the last block
    let residual2: UnsafeMutablePointer<Float>  // [M, Dd] gathered from the last block
    let fch: UnsafeMutablePointer<Float>        // [M, H] GELU's derivative (a training forward)
    let fchGelu: UnsafeMutablePointer<Float>    // [M, H]
    let output: UnsafeMutablePointer<Float>     // [M, Dd] the last block's output rows
    let normed: UnsafeMutablePointer<Float>     // [M, Dd] decoder_norm
    let mean: UnsafeMutablePointer<Float>       // [M]
    let rstd: UnsafeMutablePointer<Float>       // [M]
    let pred: UnsafeMutablePointer<Float>       // [M, P]
    let target: UnsafeMutablePointer<Float>     // [M, P] gathered from the workspace's targets

    // Backward scratch, [M, ·].
    let dPred: UnsafeMutablePointer<Float>      // [M, P]
    let dNormed: UnsafeMutablePointer<Float>    // [M, Dd]
    let dStream: UnsafeMutablePointer<Float>    // [M, Dd] d(last block output), then its MLP-skipping part
    let dLn2: UnsafeMutablePointer<Float>       // [M, Dd]
    let dHidden: UnsafeMutablePointer<Float>    // [M, H]

    init(pool: BufferPool, config c: MAEConfig, batch N: Int, keep K: Int) {
        let M = N * (c.numPatches - K), Dd = c.decoderEmbedDim, H = c.decoderMlpHidden, P = c.patchDim
        rows = M
        decoderRows = pool.ints(M)
        patchRows = pool.ints(M)
        ln2 = pool.floats(M * Dd); residual2 = pool.floats(M * Dd)
        fch = pool.floats(M * H); fchGelu = pool.floats(M * H); output = pool.floats(M * Dd)
        normed = pool.floats(M * Dd); mean = pool.floats(M); rstd = pool.floats(M)
        pred = pool.floats(M * P); target = pool.floats(M * P)
        dPred = pool.floats(M * P); dNormed = pool.floats(M * Dd); dStream = pool.floats(M * Dd)
        dLn2 = pool.floats(M * Dd); dHidden = pool.floats(M * H)
    }

    /// Lists the removed patches of mask [N, L] (1 = removed) in (image, patch) order.
    func selectRemoved(mask: UnsafePointer<Float>, batch N: Int, patches L: Int) {
        var j = 0
        for n in 0..<N {
            for l in 0..<L where mask[n * L + l] != 0 {
                precondition(j < rows, "more removed patches than the workspace's shape allows")
                decoderRows[j] = n * (L + 1) + 1 + l
                patchRows[j] = n * L + l
                j += 1
            }
        }
        precondition(j == rows, "fewer removed patches than the workspace's shape expects")
    }
}

extension MAEModel {
    /// After the last decoder block's attention half (acts.ln2 and acts.residual2 filled for
    /// every token) and the targets: the rest of a training forward on the removed rows; returns
    /// the loss.
    func trainingHeadForward(_ h: TrainingHead, _ ws: Workspace) -> Float {
        let c = config, l = layout, w = UnsafePointer(parameters.baseAddress!)
        let Dd = c.decoderEmbedDim, P = c.patchDim, M = h.rows
        let b = l.decoderBlocks[l.decoderBlocks.count - 1], last = ws.decoderBlocks[l.decoderBlocks.count - 1]
        h.selectRemoved(mask: ws.mask, batch: ws.batch, patches: c.numPatches)
        gatherRows(h.ln2, from: last.ln2, rows: h.decoderRows, count: M, width: Dd)
        gatherRows(h.residual2, from: last.residual2, rows: h.decoderRows, count: M, width: Dd)
        blockMLPForward(ln2: h.ln2, residual2: h.residual2, fch: h.fch, fchGelu: h.fchGelu, output: h.output,
                        params: w, layout: b, rows: M, training: true)
        layerNormForward(out: h.normed, mean: h.mean, rstd: h.rstd, inp: h.output,
                         weight: w + l.decoderNormWeight, bias: w + l.decoderNormBias, rows: M, width: Dd,
                         eps: l.layerNormEps)
        linearForward(out: h.pred, inp: h.normed, weight: w + l.predWeight, bias: w + l.predBias,
                      rows: M, inDim: Dd, outDim: P)
        gatherRows(h.target, from: ws.target, rows: h.patchRows, count: M, width: P)
        return removedPatchMSEForward(pred: h.pred, target: h.target, rows: M, width: P)
    }

    /// Reverses `trainingHeadForward` and the last decoder block, adding parameter gradients into
    /// g; on return d.decoder.stream holds dLoss/d(last block's input) for every token.
    func trainingHeadBackward(_ h: TrainingHead, _ ws: Workspace, _ d: WorkspaceGradients,
                              gradients g: UnsafeMutablePointer<Float>) {
        let c = config, l = layout, w = UnsafePointer(parameters.baseAddress!)
        let Dd = c.decoderEmbedDim, P = c.patchDim, M = h.rows, N = ws.batch, Td = c.numPatches + 1
        let i = l.decoderBlocks.count - 1, b = l.decoderBlocks[i], last = ws.decoderBlocks[i]
        removedPatchMSEBackward(dPred: h.dPred, pred: h.pred, target: h.target, rows: M, width: P)
        linearBackward(dInp: h.dNormed, dWeight: g + l.predWeight, dBias: g + l.predBias, dOut: h.dPred,
                       inp: h.normed, weight: w + l.predWeight, rows: M, inDim: Dd, outDim: P, accumulateInput: false)
        layerNormBackward(dInp: h.dStream, dWeight: g + l.decoderNormWeight, dBias: g + l.decoderNormBias,
                          dOut: h.dNormed, inp: h.output, weight: w + l.decoderNormWeight, mean: h.mean,
                          rstd: h.rstd, rows: M, width: Dd, accumulate: false)
        blockMLPBackward(dStream: h.dStream, dLn2: h.dLn2, dHidden: h.dHidden, paramGrads: g,
                         ln2: h.ln2, fch: h.fch, fchGelu: h.fchGelu, params: w, layout: b, rows: M)
        // The kept patches' and class tokens' rows took no part: their gradients are zero.
        scatterRows(d.decoder.ln, total: N * Td, from: h.dLn2, rows: h.decoderRows, count: M, width: Dd)
        scatterRows(d.decoder.stream, total: N * Td, from: h.dStream, rows: h.decoderRows, count: M, width: Dd)
        let input = i == 0 ? UnsafePointer(ws.decoderInput) : UnsafePointer(ws.decoderBlocks[i - 1].output)
        blockAttentionBackward(grads: d.decoder, paramGrads: g, acts: last, input: input, params: w, layout: b,
                               batch: N, tokens: Td)
    }
}
