/// One pre-norm ViT block of the authors' models, as a call list of ops:
///
///     x = x + attn.proj(attention(attn.qkv(norm1(x))))
///     x = x + mlp.fc2(gelu(mlp.fc1(norm2(x))))
///
/// `w` and `g` are the parameter and gradient buffers; `b` holds the block's offsets in both.

/// acts.output [N·T, W] = block(x [N·T, W]); every intermediate kept in `acts`.
func blockForward(acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                  layout b: BlockLayout, batch N: Int, tokens T: Int) {
    let rows = N * T, W = b.width, H = b.hidden
    layerNormForward(out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: x,
                     weight: w + b.norm1Weight, bias: w + b.norm1Bias, rows: rows, width: W)
    linearForward(out: a.qkv, inp: a.ln1, weight: w + b.qkvWeight, bias: w + b.qkvBias,
                  rows: rows, inDim: W, outDim: 3 * W)
    attentionForward(out: a.atty, att: a.att, qkv: a.qkv, batch: N, tokens: T, width: W, heads: b.heads)
    linearForward(out: a.attProj, inp: a.atty, weight: w + b.projWeight, bias: w + b.projBias,
                  rows: rows, inDim: W, outDim: W)
    residualForward(out: a.residual2, a: x, b: a.attProj, count: rows * W)
    layerNormForward(out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, inp: a.residual2,
                     weight: w + b.norm2Weight, bias: w + b.norm2Bias, rows: rows, width: W)
    linearForward(out: a.fch, inp: a.ln2, weight: w + b.fc1Weight, bias: w + b.fc1Bias,
                  rows: rows, inDim: W, outDim: H)
    geluForward(out: a.fchGelu, inp: a.fch, count: rows * H)
    linearForward(out: a.fcProj, inp: a.fchGelu, weight: w + b.fc2Weight, bias: w + b.fc2Bias,
                  rows: rows, inDim: H, outDim: W)
    residualForward(out: a.output, a: a.residual2, b: a.fcProj, count: rows * W)
}

/// The reverse call list. On entry d.stream [N·T, W] holds dLoss/d(output); on return it holds
/// dLoss/dx. Parameter gradients are accumulated (+=) into g at the block's offsets.
func blockBackward(grads d: BlockGradients, paramGrads g: UnsafeMutablePointer<Float>,
                   acts a: BlockActivations, input x: UnsafePointer<Float>, params w: UnsafePointer<Float>,
                   layout b: BlockLayout, batch N: Int, tokens T: Int) {
    let rows = N * T, W = b.width, H = b.hidden
    // output = residual2 + fcProj: the residual passes d.stream unchanged to both, so from here
    // d.stream stands for dFcProj and for the part of dResidual2 that skips the MLP.
    d.fchGelu.update(repeating: 0, count: rows * H)
    // fcProj = fc2(fchGelu)
    linearBackward(dInp: d.fchGelu, dWeight: g + b.fc2Weight, dBias: g + b.fc2Bias, dOut: d.stream,
                   inp: a.fchGelu, weight: w + b.fc2Weight, rows: rows, inDim: H, outDim: W)
    // fchGelu = gelu(fch)
    d.fch.update(repeating: 0, count: rows * H)
    geluBackward(dInp: d.fch, dOut: d.fchGelu, inp: a.fch, count: rows * H)
    // fch = fc1(ln2)
    d.ln.update(repeating: 0, count: rows * W)
    linearBackward(dInp: d.ln, dWeight: g + b.fc1Weight, dBias: g + b.fc1Bias, dOut: d.fch,
                   inp: a.ln2, weight: w + b.fc1Weight, rows: rows, inDim: W, outDim: H)
    // ln2 = norm2(residual2): adds the MLP branch's share, so d.stream is now dResidual2
    layerNormBackward(dInp: d.stream, dWeight: g + b.norm2Weight, dBias: g + b.norm2Bias, dOut: d.ln,
                      inp: a.residual2, weight: w + b.norm2Weight, mean: a.ln2Mean, rstd: a.ln2Rstd,
                      rows: rows, width: W)
    // residual2 = x + attProj: d.stream stands for dAttProj and the skip part of dx
    // attProj = proj(atty)
    d.atty.update(repeating: 0, count: rows * W)
    linearBackward(dInp: d.atty, dWeight: g + b.projWeight, dBias: g + b.projBias, dOut: d.stream,
                   inp: a.atty, weight: w + b.projWeight, rows: rows, inDim: W, outDim: W)
    // atty = attention(qkv)
    d.qkv.update(repeating: 0, count: rows * 3 * W)
    attentionBackward(dQKV: d.qkv, dOut: d.atty, qkv: a.qkv, att: a.att, scratch: d.attScratch,
                      batch: N, tokens: T, width: W, heads: b.heads)
    // qkv = qkv(ln1)
    d.ln.update(repeating: 0, count: rows * W)
    linearBackward(dInp: d.ln, dWeight: g + b.qkvWeight, dBias: g + b.qkvBias, dOut: d.qkv,
                   inp: a.ln1, weight: w + b.qkvWeight, rows: rows, inDim: W, outDim: 3 * W)
    // ln1 = norm1(x): adds the attention branch's share, so d.stream is now dx
    layerNormBackward(dInp: d.stream, dWeight: g + b.norm1Weight, dBias: g + b.norm1Bias, dOut: d.ln,
                      inp: x, weight: w + b.norm1Weight, mean: a.ln1Mean, rstd: a.ln1Rstd,
                      rows: rows, width: W)
}
