/// The backward pass: the forward's call list in reverse, each line undoing one forward line.
/// Gradients of parameters are accumulated (+=) into a buffer laid out like `parameters`; the
/// position embeddings receive none.
extension MAEModel {
    /// Images [N, C, S, S] normalised, noise [N, L]: returns the loss and adds dLoss/dParam into
    /// `gradients` (table layout, table.count values).
    public func lossAndGradients(images: UnsafePointer<Float>, noise: UnsafePointer<Float>, batch: Int,
                                 maskRatio: Double, gradients: UnsafeMutableBufferPointer<Float>) -> Float {
        precondition(gradients.count == table.count, "gradients need \(table.count) values, got \(gradients.count)")
        // One thread set-up for both passes (they nest; see PassThreads).
        PassThreads.begin()
        defer { PassThreads.end() }
        let ws = maskedWorkspace(noise: noise, batch: batch, maskRatio: maskRatio)
        let loss = forwardPass(ws, images: images, training: true)
        backwardPass(ws, gradients: gradients.baseAddress!)
        return loss
    }

    /// As above with explicit masks (one per image, all with the same visible count: the block and
    /// grid strategies give that), for training with a mask strategy other than random.
    public func lossAndGradients(images: UnsafePointer<Float>, masks: [PatchMask],
                                 gradients: UnsafeMutableBufferPointer<Float>) -> Float {
        precondition(gradients.count == table.count, "gradients need \(table.count) values, got \(gradients.count)")
        PassThreads.begin()
        defer { PassThreads.end() }
        let ws = explicitWorkspace(masks: masks)
        let loss = forwardPass(ws, images: images, training: true)
        backwardPass(ws, gradients: gradients.baseAddress!)
        return loss
    }

    /// Reverses `forwardPass(_:images:training: true)` on the activations it left in `ws`.
    func backwardPass(_ ws: Workspace, gradients g: UnsafeMutablePointer<Float>) {
        let c = config, l = layout, w = UnsafePointer(parameters.baseAddress!)
        let d = ws.gradientScratch(config: c)
        let N = ws.batch, K = ws.keep, T = K + 1, L = c.numPatches, Td = L + 1
        let D = c.embedDim, Dd = c.decoderEmbedDim
        let fanIn = c.inChans * c.patchSize * c.patchSize

        PassThreads.begin()
        defer { PassThreads.end() }
        // The removed rows' end and the last decoder block (see TrainingHead; a config always has
        // at least one decoder block).
        trainingHeadBackward(ws.trainingHead(config: c), ws, d, gradients: g)
        // x = decoder_blocks[i](x), last but one to first
        for i in stride(from: l.decoderBlocks.count - 2, through: 0, by: -1) {
            let input = i == 0 ? UnsafePointer(ws.decoderInput) : UnsafePointer(ws.decoderBlocks[i - 1].output)
            blockBackward(grads: d.decoder, paramGrads: g, acts: ws.decoderBlocks[i], input: input, params: w,
                          layout: l.decoderBlocks[i], batch: N, tokens: Td)
        }
        // decoderInput = unshuffle(cat(decoderEmbedded, mask tokens)) + decoder_pos_embed: a scatter
        // (ids_restore is a permutation: each row of dEmbedded receives exactly one row)
        d.decoderEmbedded.update(repeating: 0, count: N * T * Dd)
        decoderTokensBackward(dY: d.decoderEmbedded, dMaskToken: g + l.maskToken, dX: d.decoder.stream,
                              idsRestore: ws.idsRestore, batch: N, keep: K, patches: L, width: Dd)
        // decoderEmbedded = decoder_embed(latent)
        let dLatent = d.encoder.ln   // [N·T, D], free until the encoder blocks run
        linearBackward(dInp: dLatent, dWeight: g + l.decoderEmbedWeight, dBias: g + l.decoderEmbedBias,
                       dOut: d.decoderEmbedded, inp: ws.latent, weight: w + l.decoderEmbedWeight,
                       rows: N * T, inDim: D, outDim: Dd, accumulateInput: false)
        // latent = norm(last encoder block's output)
        let depth = l.blocks.count
        let encoderLast = depth == 0 ? UnsafePointer(ws.encoderInput) : UnsafePointer(ws.encoderBlocks[depth - 1].output)
        layerNormBackward(dInp: d.encoder.stream, dWeight: g + l.normWeight, dBias: g + l.normBias, dOut: dLatent,
                          inp: encoderLast, weight: w + l.normWeight, mean: ws.latentMean, rstd: ws.latentRstd,
                          rows: N * T, width: D, accumulate: false)
        // x = blocks[i](x), last to first
        for i in stride(from: l.blocks.count - 1, through: 0, by: -1) {
            let input = i == 0 ? UnsafePointer(ws.encoderInput) : UnsafePointer(ws.encoderBlocks[i - 1].output)
            blockBackward(grads: d.encoder, paramGrads: g, acts: ws.encoderBlocks[i], input: input, params: w,
                          layout: l.blocks[i], batch: N, tokens: T)
        }
        // encoderInput = cat(cls_token + pos_embed[0], patchEmbedded + pos_embed[1 + kept ids])
        d.patchEmbedded.update(repeating: 0, count: N * K * D)
        encoderTokensBackward(dEmb: d.patchEmbedded, dCls: g + l.clsToken, dX: d.encoder.stream,
                              batch: N, keep: K, width: D)
        // patchEmbedded = patch_embed(cols)
        patchEmbedBackward(dWeight: g + l.patchWeight, dBias: g + l.patchBias, dOut: d.patchEmbedded,
                           cols: ws.cols, rows: N * K, fanIn: fanIn, width: D)
    }
}
