/// The forward pass as a call list of ops, exactly the authors' `forward_encoder`,
/// `forward_decoder` and `forward_loss`. The encoder embeds and attends over the kept patches only.
extension MAEModel {
    /// Images [N, C, S, S] normalised, noise [N, L] (ids_shuffle = argsort(noise)); the masking
    /// keeps ⌊L·(1 − maskRatio)⌋ patches per image.
    public func forward(images: UnsafePointer<Float>, noise: UnsafePointer<Float>, batch: Int,
                        maskRatio: Double) -> ForwardOutput {
        let ws = maskedWorkspace(noise: noise, batch: batch, maskRatio: maskRatio)
        let loss = forwardPass(ws, images: images)
        let c = config, N = batch, T = ws.keep + 1, L = c.numPatches
        return ForwardOutput(
            batch: N, tokens: T,
            latent: Array(UnsafeBufferPointer(start: ws.latent, count: N * T * c.embedDim)),
            pred: Array(UnsafeBufferPointer(start: ws.pred, count: N * L * c.patchDim)),
            mask: Array(UnsafeBufferPointer(start: ws.mask, count: N * L)),
            idsRestore: Array(UnsafeBufferPointer(start: ws.idsRestore, count: N * L)),
            loss: loss)
    }

    /// The loss alone (no outputs copied).
    public func loss(images: UnsafePointer<Float>, noise: UnsafePointer<Float>, batch: Int,
                     maskRatio: Double) -> Float {
        forwardPass(maskedWorkspace(noise: noise, batch: batch, maskRatio: maskRatio), images: images)
    }

    /// The workspace for this batch and ratio with the authors' random masking filled in.
    func maskedWorkspace(noise: UnsafePointer<Float>, batch: Int, maskRatio: Double) -> Workspace {
        precondition(batch >= 1, "batch must be at least 1")
        let L = config.numPatches
        let keep = min(max(config.keepCount(maskRatio: maskRatio), 0), L)
        let ws = workspace(batch: batch, keep: keep)
        randomMasking(noise: noise, batch: batch, patches: L, keep: keep,
                      idsShuffle: ws.idsShuffle, idsRestore: ws.idsRestore, mask: ws.mask)
        return ws
    }

    /// The workspace for `masks` (one per image, all with the same visible count, as a batch of
    /// block or grid masks has) with their ids_shuffle, ids_restore and mask filled in.
    func explicitWorkspace(masks: [PatchMask]) -> Workspace {
        let L = config.numPatches
        precondition(!masks.isEmpty, "at least one mask is needed")
        let keep = masks[0].visibleCount
        for m in masks {
            precondition(m.count == L, "a mask has \(m.count) patches, the model has \(L)")
            precondition(m.visibleCount == keep, "masks of one batch must keep the same number of patches")
        }
        let ws = workspace(batch: masks.count, keep: keep)
        for (n, m) in masks.enumerated() {
            m.writeShuffle(into: ws.idsShuffle + n * L)
            completeMasking(idsShuffle: ws.idsShuffle + n * L, idsRestore: ws.idsRestore + n * L,
                            mask: ws.mask + n * L, patches: L, keep: keep)
        }
        return ws
    }

    /// The batch-1 workspace for one explicit mask (no array of masks built: nothing allocated
    /// once the shape has been seen).
    func explicitWorkspace(mask m: PatchMask) -> Workspace {
        let L = config.numPatches
        precondition(m.count == L, "a mask has \(m.count) patches, the model has \(L)")
        var keep = 0
        for k in 0..<L where !m.masked[k] { keep += 1 }
        let ws = workspace(batch: 1, keep: keep)
        m.writeShuffle(into: ws.idsShuffle)
        completeMasking(idsShuffle: ws.idsShuffle, idsRestore: ws.idsRestore, mask: ws.mask, patches: L, keep: keep)
        return ws
    }

    /// The loss for images [N, C, S, S] under explicit masks (N of them, equal visible counts).
    public func loss(images: UnsafePointer<Float>, masks: [PatchMask]) -> Float {
        forwardPass(explicitWorkspace(masks: masks), images: images)
    }

    /// Runs everything after the masking (ws.idsShuffle, idsRestore, mask already set) and returns
    /// the loss; every activation stays in `ws` for a backward, which needs `training` (the MLPs
    /// then keep GELU's derivative rather than its input, and the pass ends on the removed
    /// patches' rows in `ws.head`, leaving `ws.pred` unset).
    func forwardPass(_ ws: Workspace, images: UnsafePointer<Float>, training: Bool = false) -> Float {
        PassThreads.begin()
        defer { PassThreads.end() }
        let c = config, l = layout, w = UnsafePointer(parameters.baseAddress!)
        let N = ws.batch, K = ws.keep, T = K + 1, L = c.numPatches, Td = L + 1
        let D = c.embedDim, Dd = c.decoderEmbedDim, P = c.patchDim

        encoderForward(ws, images: images, training: training)

        // Decoder: embed, mask tokens, unshuffle, + decoder_pos_embed, blocks, norm, pred.
        linearForward(out: ws.decoderEmbedded, inp: ws.latent, weight: w + l.decoderEmbedWeight,
                      bias: w + l.decoderEmbedBias, rows: N * T, inDim: D, outDim: Dd)
        decoderTokensForward(x: ws.decoderInput, y: ws.decoderEmbedded, maskToken: w + l.maskToken,
                             pos: w + l.decoderPosEmbed, idsRestore: ws.idsRestore, batch: N, keep: K,
                             patches: L, width: Dd)
        // Loss targets: the patchified images, per-patch normalised for norm_pix_loss.
        patchify(patches: ws.target, images: images, batch: N, channels: c.inChans, side: c.imgSize,
                 patch: c.patchSize)
        if c.normPixLoss {
            patchStatistics(mean: ws.targetMean, std: ws.targetStd, patches: ws.target, rows: N * L, width: P)
            normalizePatches(ws.target, mean: ws.targetMean, std: ws.targetStd, rows: N * L, width: P)
        }
        var x = UnsafePointer(ws.decoderInput)
        let decoderDepth = l.decoderBlocks.count
        for i in 0..<decoderDepth {
            if training && i == decoderDepth - 1 {
                // A training pass finishes on the removed patches' rows (see TrainingHead).
                blockAttentionForward(acts: ws.decoderBlocks[i], input: x, params: w, layout: l.decoderBlocks[i],
                                      batch: N, tokens: Td)
                return trainingHeadForward(ws.trainingHead(config: c), ws)
            }
            blockForward(acts: ws.decoderBlocks[i], input: x, params: w, layout: l.decoderBlocks[i], batch: N,
                         tokens: Td, training: training)
            x = UnsafePointer(ws.decoderBlocks[i].output)
        }
        layerNormForward(out: ws.decoderNormed, mean: ws.decoderMean, rstd: ws.decoderRstd, inp: x,
                         weight: w + l.decoderNormWeight, bias: w + l.decoderNormBias, rows: N * Td, width: Dd,
                         eps: l.layerNormEps)
        // decoder_pred on every token in one product (the class tokens' rows are 1/Td extra work,
        // against N products of L rows), then each image's L patch rows; the class token's row
        // is dropped.
        linearForward(out: ws.predAll, inp: ws.decoderNormed, weight: w + l.predWeight, bias: w + l.predBias,
                      rows: N * Td, inDim: Dd, outDim: P)
        for n in 0..<N {
            (ws.pred + n * L * P).update(from: ws.predAll + (n * Td + 1) * P, count: L * P)
        }
        return maskedMSEForward(pred: ws.pred, target: ws.target, mask: ws.mask, rows: N * L, width: P)
    }

    /// The encoder half of `forwardPass`: the kept patches (ws.idsShuffle's first ws.keep) of
    /// images [N, C, S, S] → ws.latent [N, 1 + keep, D], every activation kept in `ws`.
    func encoderForward(_ ws: Workspace, images: UnsafePointer<Float>, training: Bool) {
        let c = config, l = layout, w = UnsafePointer(parameters.baseAddress!)
        let N = ws.batch, K = ws.keep, T = K + 1, L = c.numPatches, D = c.embedDim
        let fanIn = c.inChans * c.patchSize * c.patchSize
        // Patch embedding of the kept patches, + pos_embed, class token first.
        patchColumns(cols: ws.cols, images: images, ids: ws.idsShuffle, idsStride: L, batch: N, count: K,
                     channels: c.inChans, side: c.imgSize, patch: c.patchSize)
        patchEmbedForward(out: ws.patchEmbedded, cols: ws.cols, weight: w + l.patchWeight, bias: w + l.patchBias,
                          rows: N * K, fanIn: fanIn, width: D)
        encoderTokensForward(x: ws.encoderInput, emb: ws.patchEmbedded, cls: w + l.clsToken, pos: w + l.posEmbed,
                             ids: ws.idsShuffle, idsStride: L, batch: N, keep: K, width: D)
        var x = UnsafePointer(ws.encoderInput)
        for i in 0..<l.blocks.count {
            blockForward(acts: ws.encoderBlocks[i], input: x, params: w, layout: l.blocks[i], batch: N, tokens: T,
                         training: training)
            x = UnsafePointer(ws.encoderBlocks[i].output)
        }
        layerNormForward(out: ws.latent, mean: ws.latentMean, rstd: ws.latentRstd, inp: x,
                         weight: w + l.normWeight, bias: w + l.normBias, rows: N * T, width: D, eps: l.layerNormEps)
    }
}
