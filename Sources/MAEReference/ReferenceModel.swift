import MAE

/// The whole MAE of He et al. (2021) as the authors' `models_mae.py` computes it, written with
/// the plain layers of ReferenceLayers.swift: `forward` reads top to bottom as `forward_encoder`,
/// `forward_decoder` and `forward_loss`, and `gradients` is the same list read bottom to top,
/// each step undoing the forward line quoted above it. Parameters and gradients are flat arrays
/// in the layout of MAE's `ParameterTable` (the authors' state-dict order and shapes).
///
/// Shapes: N images, C channels, side S, patch p, L = (S/p)² patches of P = p²·C values, K kept,
/// T = 1 + K encoder tokens, Td = 1 + L decoder tokens, widths D (encoder), Dd (decoder).
public struct ReferenceMAE {
    public let config: MAEConfig
    public let table: ParameterTable
    public var parameters: [Float]
    /// nn.LayerNorm's eps: the config's (1e-6 in the authors' models).
    var layerNormEps: Float { Float(config.layerNormEps) }

    public init(config: MAEConfig, parameters: [Float]) {
        precondition(parameters.count == ParameterTable(config: config).count, "parameters do not fit the config")
        self.config = config
        self.table = ParameterTable(config: config)
        self.parameters = parameters
    }

    func p(_ name: String) -> [Float] { Array(parameters[table[name]!.range]) }

    /// What one transformer block keeps for its backward (rows = N·T tokens, width W).
    public struct BlockPass {
        var x: [Float]                                     // [rows, W] the block's input
        var ln1: (y: [Float], mean: [Float], rstd: [Float]) // norm1(x)
        var qkv: [Float]                                   // [rows, 3W]
        var att: [Float]                                   // [N, heads, T, T]
        var atty: [Float]                                  // [rows, W] attention output
        var residual2: [Float]                             // [rows, W] x + proj(atty)
        var ln2: (y: [Float], mean: [Float], rstd: [Float]) // norm2(residual2)
        var fc1: [Float]                                   // [rows, hidden]
        var gelu: [Float]                                  // [rows, hidden]
        public var output: [Float]                         // [rows, W] residual2 + fc2(gelu)
    }

    /// Every intermediate of a forward pass.
    public struct Pass {
        public var idsShuffle: [Int], idsRestore: [Int]  // [N, L]
        public var mask: [Float]                         // [N, L] 1 = removed
        var keep: Int
        var cols: [Float]                                // [N·K, C·p·p] kept patches, (c, i, j) order
        var encoderInput: [Float]                        // [N·T, D]
        var encoder: [BlockPass]
        public var latent: [Float]                       // [N·T, D] norm(encoder output)
        var latentMean: [Float], latentRstd: [Float]
        var decoderEmbedded: [Float]                     // [N·T, Dd]
        var decoderInput: [Float]                        // [N·Td, Dd]
        var decoder: [BlockPass]
        var decoderNorm: (y: [Float], mean: [Float], rstd: [Float])
        public var pred: [Float]                         // [N, L, P]
        public var target: [Float]                       // [N, L, P] patchified, norm-pix if set
        public var loss: Float
    }

    // MARK: blocks

    /// x = x + attn.proj(attention(attn.qkv(norm1(x)))); x = x + mlp.fc2(gelu(mlp.fc1(norm2(x))))
    func blockForward(_ x: [Float], _ prefix: String, batch N: Int, tokens T: Int, width W: Int, heads: Int) -> BlockPass {
        let rows = N * T, hidden = table[prefix + ".mlp.fc1.bias"]!.count, eps = layerNormEps
        let ln1 = Reference.layerNormForward(x, weight: p(prefix + ".norm1.weight"), bias: p(prefix + ".norm1.bias"),
                                             rows: rows, width: W, eps: eps)
        let qkv = Reference.linearForward(ln1.y, weight: p(prefix + ".attn.qkv.weight"), bias: p(prefix + ".attn.qkv.bias"),
                                          rows: rows, in: W, out: 3 * W)
        let (atty, att) = Reference.attentionForward(qkv, batch: N, tokens: T, width: W, heads: heads)
        let proj = Reference.linearForward(atty, weight: p(prefix + ".attn.proj.weight"), bias: p(prefix + ".attn.proj.bias"),
                                           rows: rows, in: W, out: W)
        let residual2 = zip(x, proj).map { $0 + $1 }
        let ln2 = Reference.layerNormForward(residual2, weight: p(prefix + ".norm2.weight"), bias: p(prefix + ".norm2.bias"),
                                             rows: rows, width: W, eps: eps)
        let fc1 = Reference.linearForward(ln2.y, weight: p(prefix + ".mlp.fc1.weight"), bias: p(prefix + ".mlp.fc1.bias"),
                                          rows: rows, in: W, out: hidden)
        let gelu = Reference.geluForward(fc1)
        let fc2 = Reference.linearForward(gelu, weight: p(prefix + ".mlp.fc2.weight"), bias: p(prefix + ".mlp.fc2.bias"),
                                          rows: rows, in: hidden, out: W)
        return BlockPass(x: x, ln1: ln1, qkv: qkv, att: att, atty: atty, residual2: residual2, ln2: ln2, fc1: fc1,
                         gelu: gelu, output: zip(residual2, fc2).map { $0 + $1 })
    }

    /// Undoes `blockForward`: from dOut [rows, W] returns dx, adding parameter gradients into g.
    func blockBackward(_ dOut: [Float], _ b: BlockPass, _ prefix: String, batch N: Int, tokens T: Int, width W: Int,
                       heads: Int, into g: inout [Float]) -> [Float] {
        let rows = N * T, hidden = table[prefix + ".mlp.fc1.bias"]!.count
        // output = residual2 + fc2(gelu)
        let fc2 = Reference.linearBackward(dOut, input: b.gelu, weight: p(prefix + ".mlp.fc2.weight"),
                                           rows: rows, in: hidden, out: W)
        add(fc2.dw, prefix + ".mlp.fc2.weight", &g); add(fc2.db, prefix + ".mlp.fc2.bias", &g)
        // gelu = gelu(fc1)
        let dFc1 = Reference.geluBackward(fc2.dx, input: b.fc1)
        // fc1 = mlp.fc1(ln2)
        let fc1 = Reference.linearBackward(dFc1, input: b.ln2.y, weight: p(prefix + ".mlp.fc1.weight"),
                                           rows: rows, in: W, out: hidden)
        add(fc1.dw, prefix + ".mlp.fc1.weight", &g); add(fc1.db, prefix + ".mlp.fc1.bias", &g)
        // ln2 = norm2(residual2)
        let ln2 = Reference.layerNormBackward(fc1.dx, input: b.residual2, weight: p(prefix + ".norm2.weight"),
                                              mean: b.ln2.mean, rstd: b.ln2.rstd, rows: rows, width: W)
        add(ln2.dw, prefix + ".norm2.weight", &g); add(ln2.db, prefix + ".norm2.bias", &g)
        // residual2 feeds the output directly and norm2
        let dResidual2 = zip(dOut, ln2.dx).map { $0 + $1 }
        // residual2 = x + attn.proj(atty)
        let proj = Reference.linearBackward(dResidual2, input: b.atty, weight: p(prefix + ".attn.proj.weight"),
                                            rows: rows, in: W, out: W)
        add(proj.dw, prefix + ".attn.proj.weight", &g); add(proj.db, prefix + ".attn.proj.bias", &g)
        // atty = attention(qkv)
        let dQKV = Reference.attentionBackward(proj.dx, qkv: b.qkv, att: b.att, batch: N, tokens: T, width: W, heads: heads)
        // qkv = attn.qkv(ln1)
        let qkv = Reference.linearBackward(dQKV, input: b.ln1.y, weight: p(prefix + ".attn.qkv.weight"),
                                           rows: rows, in: W, out: 3 * W)
        add(qkv.dw, prefix + ".attn.qkv.weight", &g); add(qkv.db, prefix + ".attn.qkv.bias", &g)
        // ln1 = norm1(x)
        let ln1 = Reference.layerNormBackward(qkv.dx, input: b.x, weight: p(prefix + ".norm1.weight"),
                                              mean: b.ln1.mean, rstd: b.ln1.rstd, rows: rows, width: W)
        add(ln1.dw, prefix + ".norm1.weight", &g); add(ln1.db, prefix + ".norm1.bias", &g)
        // x feeds residual2 directly and norm1
        return zip(dResidual2, ln1.dx).map { $0 + $1 }
    }

    func add(_ values: [Float], _ name: String, _ g: inout [Float]) {
        let e = table[name]!
        for i in 0..<e.count { g[e.offset + i] += values[i] }
    }

    // MARK: the model

    /// images [N, C, S, S] (normalised), noise [N, L]: the authors' `forward(imgs, mask_ratio)`.
    public func forward(images: [Float], noise: [Float], batch N: Int, maskRatio: Double) -> Pass {
        let c = config, L = c.numPatches, K = c.keepCount(maskRatio: maskRatio), T = K + 1, Td = L + 1
        let D = c.embedDim, Dd = c.decoderEmbedDim, P = c.patchDim, pp = c.patchSize, S = c.imgSize, C = c.inChans
        let g = S / pp, eps = layerNormEps

        // random_masking: ids_shuffle = argsort(noise), ids_restore = argsort(ids_shuffle),
        // the first K of ids_shuffle kept, mask 1 = removed (in spatial order).
        var idsShuffle = [Int](), idsRestore = [Int](repeating: 0, count: N * L), mask = [Float](repeating: 1, count: N * L)
        for n in 0..<N {
            let order = (0..<L).sorted { (noise[n * L + $0], $0) < (noise[n * L + $1], $1) }
            idsShuffle += order
            for (j, l) in order.enumerated() {
                idsRestore[n * L + l] = j
                if j < K { mask[n * L + l] = 0 }
            }
        }

        // patch_embed (a stride-p convolution) of the kept patches, as a Linear on their pixels
        // in the weight's (c, i, j) order
        var cols = [Float]()
        for n in 0..<N {
            for t in 0..<K {
                let l = idsShuffle[n * L + t], row = l / g, col = l % g
                for ch in 0..<C {
                    for i in 0..<pp {
                        for j in 0..<pp { cols.append(images[((n * C + ch) * S + row * pp + i) * S + col * pp + j]) }
                    }
                }
            }
        }
        let embedded = Reference.linearForward(cols, weight: p("patch_embed.proj.weight"), bias: p("patch_embed.proj.bias"),
                                               rows: N * K, in: C * pp * pp, out: D)
        // x = cat(cls_token + pos_embed[0], embedded + pos_embed[1 + l]) per image
        let cls = p("cls_token"), pos = p("pos_embed")
        var x = [Float]()
        for n in 0..<N {
            x += (0..<D).map { cls[$0] + pos[$0] }
            for t in 0..<K {
                let l = idsShuffle[n * L + t]
                x += (0..<D).map { embedded[(n * K + t) * D + $0] + pos[(1 + l) * D + $0] }
            }
        }
        let encoderInput = x
        // x = blk(x) for each encoder block; latent = norm(x)
        var encoder = [BlockPass]()
        for i in 0..<c.depth {
            encoder.append(blockForward(x, "blocks.\(i)", batch: N, tokens: T, width: D, heads: c.numHeads))
            x = encoder[i].output
        }
        let norm = Reference.layerNormForward(x, weight: p("norm.weight"), bias: p("norm.bias"), rows: N * T, width: D, eps: eps)

        // decoder_embed; mask tokens appended and un-shuffled: token 1 + l is the kept patch's
        // embedding when ids_restore[l] < K, else mask_token; + decoder_pos_embed
        let y = Reference.linearForward(norm.y, weight: p("decoder_embed.weight"), bias: p("decoder_embed.bias"),
                                        rows: N * T, in: D, out: Dd)
        let maskToken = p("mask_token"), dpos = p("decoder_pos_embed")
        var z = [Float]()
        for n in 0..<N {
            z += (0..<Dd).map { y[n * T * Dd + $0] + dpos[$0] }
            for l in 0..<L {
                let j = idsRestore[n * L + l]
                z += (0..<Dd).map { (j < K ? y[(n * T + 1 + j) * Dd + $0] : maskToken[$0]) + dpos[(1 + l) * Dd + $0] }
            }
        }
        let decoderInput = z
        var decoder = [BlockPass]()
        for i in 0..<c.decoderDepth {
            decoder.append(blockForward(z, "decoder_blocks.\(i)", batch: N, tokens: Td, width: Dd, heads: c.decoderNumHeads))
            z = decoder[i].output
        }
        let decoderNorm = Reference.layerNormForward(z, weight: p("decoder_norm.weight"), bias: p("decoder_norm.bias"),
                                                     rows: N * Td, width: Dd, eps: eps)
        // decoder_pred; the class token's row dropped
        let predAll = Reference.linearForward(decoderNorm.y, weight: p("decoder_pred.weight"), bias: p("decoder_pred.bias"),
                                              rows: N * Td, in: Dd, out: P)
        var pred = [Float]()
        for n in 0..<N { pred += predAll[((n * Td + 1) * P)..<((n + 1) * Td * P)] }

        // forward_loss: target = patchify(imgs) ('nchpwq->nhwpqc': values (i, j, c) in a patch),
        // per patch (t − mean)/√(unbiased var + 1e-6) with norm_pix_loss
        var target = [Float]()
        for n in 0..<N {
            for l in 0..<L {
                var patch = [Float]()
                for i in 0..<pp {
                    for j in 0..<pp {
                        for ch in 0..<C { patch.append(images[((n * C + ch) * S + (l / g) * pp + i) * S + (l % g) * pp + j]) }
                    }
                }
                if c.normPixLoss {
                    let m = patch.reduce(0.0) { $0 + Double($1) } / Double(P)
                    let v = patch.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(P - 1)
                    patch = patch.map { Float((Double($0) - m) / (v + 1e-6).squareRoot()) }
                }
                target += patch
            }
        }
        let loss = Reference.maskedMSEForward(pred: pred, target: target, mask: mask, rows: N * L, width: P)
        return Pass(idsShuffle: idsShuffle, idsRestore: idsRestore, mask: mask, keep: K, cols: cols,
                    encoderInput: encoderInput, encoder: encoder, latent: norm.y, latentMean: norm.mean,
                    latentRstd: norm.rstd, decoderEmbedded: y, decoderInput: decoderInput, decoder: decoder,
                    decoderNorm: decoderNorm, pred: pred, target: target, loss: loss)
    }

    /// dLoss/dParam for the pass, in table layout; the position embeddings get none.
    public func gradients(_ f: Pass, images: [Float], batch N: Int) -> [Float] {
        let c = config, L = c.numPatches, K = f.keep, T = K + 1, Td = L + 1
        let D = c.embedDim, Dd = c.decoderEmbedDim, P = c.patchDim, fanIn = c.inChans * c.patchSize * c.patchSize
        var g = [Float](repeating: 0, count: table.count)

        // loss = masked MSE(pred, target)
        let dPred = Reference.maskedMSEBackward(pred: f.pred, target: f.target, mask: f.mask, rows: N * L, width: P)
        // pred = decoder_pred(decoder_norm(x))[:, 1:]: the class token's row gets no gradient
        var dPredAll = [Float](repeating: 0, count: N * Td * P)
        for n in 0..<N {
            for i in 0..<(L * P) { dPredAll[(n * Td + 1) * P + i] = dPred[n * L * P + i] }
        }
        let predBack = Reference.linearBackward(dPredAll, input: f.decoderNorm.y, weight: p("decoder_pred.weight"),
                                                rows: N * Td, in: Dd, out: P)
        add(predBack.dw, "decoder_pred.weight", &g); add(predBack.db, "decoder_pred.bias", &g)
        let decoderOut = f.decoder.last?.output ?? f.decoderInput
        let normBack = Reference.layerNormBackward(predBack.dx, input: decoderOut, weight: p("decoder_norm.weight"),
                                                   mean: f.decoderNorm.mean, rstd: f.decoderNorm.rstd, rows: N * Td, width: Dd)
        add(normBack.dw, "decoder_norm.weight", &g); add(normBack.db, "decoder_norm.bias", &g)
        // x = blk(x) for each decoder block, last first
        var dz = normBack.dx
        for i in stride(from: c.decoderDepth - 1, through: 0, by: -1) {
            dz = blockBackward(dz, f.decoder[i], "decoder_blocks.\(i)", batch: N, tokens: Td, width: Dd,
                               heads: c.decoderNumHeads, into: &g)
        }
        // the decoder's tokens: class token and kept patches from decoder_embed, the rest mask_token
        var dy = [Float](repeating: 0, count: N * T * Dd), dMaskToken = [Float](repeating: 0, count: Dd)
        for n in 0..<N {
            for i in 0..<Dd { dy[n * T * Dd + i] += dz[n * Td * Dd + i] }
            for l in 0..<L {
                let j = f.idsRestore[n * L + l]
                for i in 0..<Dd {
                    if j < K { dy[(n * T + 1 + j) * Dd + i] += dz[(n * Td + 1 + l) * Dd + i] } else { dMaskToken[i] += dz[(n * Td + 1 + l) * Dd + i] }
                }
            }
        }
        add(dMaskToken, "mask_token", &g)
        // y = decoder_embed(latent)
        let embedBack = Reference.linearBackward(dy, input: f.latent, weight: p("decoder_embed.weight"), rows: N * T, in: D, out: Dd)
        add(embedBack.dw, "decoder_embed.weight", &g); add(embedBack.db, "decoder_embed.bias", &g)
        // latent = norm(x)
        let encoderOut = f.encoder.last?.output ?? f.encoderInput
        let latentBack = Reference.layerNormBackward(embedBack.dx, input: encoderOut, weight: p("norm.weight"),
                                                     mean: f.latentMean, rstd: f.latentRstd, rows: N * T, width: D)
        add(latentBack.dw, "norm.weight", &g); add(latentBack.db, "norm.bias", &g)
        var dx = latentBack.dx
        for i in stride(from: c.depth - 1, through: 0, by: -1) {
            dx = blockBackward(dx, f.encoder[i], "blocks.\(i)", batch: N, tokens: T, width: D, heads: c.numHeads, into: &g)
        }
        // x = cat(cls_token + pos_embed[0], embedded + pos_embed[1 + l])
        var dCls = [Float](repeating: 0, count: D), dEmbedded = [Float](repeating: 0, count: N * K * D)
        for n in 0..<N {
            for i in 0..<D { dCls[i] += dx[n * T * D + i] }
            for t in 0..<K {
                for i in 0..<D { dEmbedded[(n * K + t) * D + i] = dx[(n * T + 1 + t) * D + i] }
            }
        }
        add(dCls, "cls_token", &g)
        // embedded = patch_embed(cols)
        let patchBack = Reference.linearBackward(dEmbedded, input: f.cols, weight: p("patch_embed.proj.weight"),
                                                 rows: N * K, in: fanIn, out: D)
        add(patchBack.dw, "patch_embed.proj.weight", &g); add(patchBack.db, "patch_embed.proj.bias", &g)
        return g
    }
}
