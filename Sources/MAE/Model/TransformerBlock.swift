/// One pre-norm ViT block of the authors' models, as a call list of ops:
///
///     x = x + attn.proj(attention(attn.qkv(norm1(x))))
///     x = x + mlp.fc2(gelu(mlp.fc1(norm2(x))))
///
/// `w` and `g` are the parameter and gradient buffers; `b` holds the block's offsets in both.
/// Each residual add is folded into the Linear before it (the stream plus bias first, then the
/// product added by sgemm); norm2 runs on each block of proj's rows as it is done, fc1's bias
/// and GELU on each block of fc1's, GELU's backward on each block of fc2's input gradient: fewer
/// passes over memory, and the projections' outputs, which no backward reads, are never stored.

/// acts.output [N·T, W] = block(x [N·T, W]); every intermediate the backward needs kept in `acts`
/// (with `training`, acts.fch holds GELU's derivative instead of fc1's output).
func blockForward(acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                  layout b: BlockLayout, batch N: Int, tokens T: Int, training: Bool = false) {
    blockAttentionForward(acts: a, input: x, params: w, layout: b, batch: N, tokens: T)
    blockMLPForward(ln2: a.ln2, residual2: a.residual2, fch: a.fch, fchGelu: a.fchGelu, output: a.output,
                    params: w, layout: b, rows: N * T, training: training)
}

/// The attention half, per image: acts.residual2 = x + proj(attention(qkv(norm1(x)))) and
/// acts.ln2 = norm2(residual2).
func blockAttentionForward(acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                           layout b: BlockLayout, batch N: Int, tokens T: Int) {
    let rows = N * T, W = b.width
    layerNormForward(out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: x,
                     weight: w + b.norm1Weight, bias: w + b.norm1Bias, rows: rows, width: W, eps: b.eps)
    linearForward(out: a.qkv, inp: a.ln1, weight: w + b.qkvWeight, bias: w + b.qkvBias,
                  rows: rows, inDim: W, outDim: 3 * W)
    attentionForward(out: a.atty, att: a.att, qkv: a.qkv, batch: N, tokens: T, width: W, heads: b.heads)
    // residual2 = x + proj(atty); ln2 = norm2(residual2)
    linearResidualLayerNormForward(out: a.residual2, residual: x, inp: a.atty, weight: w + b.projWeight,
                                   bias: w + b.projBias, rows: rows, inDim: W, outDim: W, normOut: a.ln2,
                                   normMean: a.ln2Mean, normRstd: a.ln2Rstd, normWeight: w + b.norm2Weight,
                                   normBias: w + b.norm2Bias, normEps: b.eps)
}

/// The MLP half, row by row (so it can run on any subset of the rows): fch = fc1(ln2),
/// fchGelu = gelu(fch), output [rows, W] = residual2 + fc2(fchGelu).
func blockMLPForward(ln2: UnsafePointer<Float>, residual2: UnsafePointer<Float>, fch: UnsafeMutablePointer<Float>,
                     fchGelu: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                     params w: UnsafePointer<Float>, layout b: BlockLayout, rows: Int, training: Bool) {
    let W = b.width, H = b.hidden
    linearGELUForward(pre: fch, out: fchGelu, inp: ln2, weight: w + b.fc1Weight, bias: w + b.fc1Bias,
                      rows: rows, inDim: W, hidden: H, training: training)
    linearResidualForward(out: output, residual: residual2, inp: fchGelu, weight: w + b.fc2Weight,
                          bias: w + b.fc2Bias, rows: rows, inDim: H, outDim: W)
}

/// The reverse call list. On entry d.stream [N·T, W] holds dLoss/d(output); on return it holds
/// dLoss/dx. Parameter gradients are accumulated (+=) into g at the block's offsets; the
/// activation gradients in `d` are overwritten by the first op that writes them.
func blockBackward(grads d: BlockGradients, paramGrads g: UnsafeMutablePointer<Float>,
                   acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                   layout b: BlockLayout, batch N: Int, tokens T: Int) {
    blockMLPBackward(dStream: d.stream, dLn2: d.ln, dHidden: d.hidden, paramGrads: g,
                     ln2: a.ln2, fch: a.fch, fchGelu: a.fchGelu, params: w, layout: b, rows: N * T)
    blockAttentionBackward(grads: d, paramGrads: g, acts: a, input: x, params: w, layout: b, batch: N, tokens: T)
}

/// Undoes `blockMLPForward` (after a training forward) on its rows. On entry dStream holds
/// dLoss/d(output); on return dLn2 holds dLoss/d(ln2), and dStream, unchanged, stands for the
/// part of dResidual2 that skips the MLP. dHidden [rows, hidden] is scratch.
func blockMLPBackward(dStream: UnsafePointer<Float>, dLn2: UnsafeMutablePointer<Float>,
                      dHidden: UnsafeMutablePointer<Float>, paramGrads g: UnsafeMutablePointer<Float>, ln2: UnsafePointer<Float>, fch: UnsafePointer<Float>,
                      fchGelu: UnsafePointer<Float>, params w: UnsafePointer<Float>, layout b: BlockLayout,
                      rows: Int) {
    let W = b.width, H = b.hidden
    // output = residual2 + fc2(fchGelu): the residual passes dStream unchanged to both, so
    // dStream stands for d(fc2 output); fchGelu = gelu(fch): the training forward left gelu'(fch)
    // in fch, so d(fch) = d(fchGelu) ∘ fch, made in place in dHidden
    linearGELUBackward(dInp: dHidden, dPre: dHidden, derivative: fch, dWeight: g + b.fc2Weight,
                       dBias: g + b.fc2Bias, dOut: dStream, inp: fchGelu, weight: w + b.fc2Weight, rows: rows,
                       inDim: H, outDim: W)
    // fch = fc1(ln2)
    linearBackward(dInp: dLn2, dWeight: g + b.fc1Weight, dBias: g + b.fc1Bias, dOut: dHidden,
                   inp: ln2, weight: w + b.fc1Weight, rows: rows, inDim: W, outDim: H, accumulateInput: false)
}

/// Undoes `blockAttentionForward`. On entry d.ln holds dLoss/d(ln2) and d.stream the MLP-skipping
/// part of dResidual2 (as `blockMLPBackward` leaves them); on return d.stream holds dLoss/dx.
func blockAttentionBackward(grads d: BlockGradients, paramGrads g: UnsafeMutablePointer<Float>,
                            acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                            layout b: BlockLayout, batch N: Int, tokens T: Int) {
    let rows = N * T, W = b.width
    // ln2 = norm2(residual2): adds the MLP branch's share, so d.stream is now dResidual2
    layerNormBackward(dInp: d.stream, dWeight: g + b.norm2Weight, dBias: g + b.norm2Bias, dOut: d.ln,
                      inp: a.residual2, weight: w + b.norm2Weight, mean: a.ln2Mean, rstd: a.ln2Rstd,
                      rows: rows, width: W)
    // residual2 = x + proj(atty): d.stream stands for d(proj output) and the skip part of dx
    linearBackward(dInp: d.atty, dWeight: g + b.projWeight, dBias: g + b.projBias, dOut: d.stream,
                   inp: a.atty, weight: w + b.projWeight, rows: rows, inDim: W, outDim: W, accumulateInput: false)
    // atty = attention(qkv)
    attentionBackward(dQKV: d.qkv, dOut: d.atty, qkv: a.qkv, att: a.att, batch: N, tokens: T, width: W,
                      heads: b.heads, accumulate: false)
    // qkv = qkv(ln1)
    linearBackward(dInp: d.ln, dWeight: g + b.qkvWeight, dBias: g + b.qkvBias, dOut: d.qkv,
                   inp: a.ln1, weight: w + b.qkvWeight, rows: rows, inDim: W, outDim: 3 * W, accumulateInput: false)
    // ln1 = norm1(x): adds the attention branch's share, so d.stream is now dx
    layerNormBackward(dInp: d.stream, dWeight: g + b.norm1Weight, dBias: g + b.norm1Bias, dOut: d.ln,
                      inp: x, weight: w + b.norm1Weight, mean: a.ln1Mean, rstd: a.ln1Rstd,
                      rows: rows, width: W)
}
