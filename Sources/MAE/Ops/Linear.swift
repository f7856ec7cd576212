import CKernels

/// A PyTorch `nn.Linear`: `out = inp · Wᵀ + b` with the weight as stored in the state dict,
/// [outDim, inDim], so no transpose is ever materialised. CKernels runs each as one region of
/// the kernel pool: product blocks that start from the bias (and the residual), and in the
/// backward the two products and the bias sums side by side.

/// out [rows, outDim] = inp [rows, inDim] · weight[outDim, inDim]ᵀ + bias [outDim]
func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   rows: Int, inDim: Int, outDim: Int) {
    ck_linear_forward(out, inp, weight, bias, nil, rows, inDim, outDim)
}

/// A Linear whose output is added to the residual stream, the pre-norm block's
/// `x + proj(y)`: out [rows, outDim] = residual + inp · Wᵀ + bias, without keeping proj(y).
func linearResidualForward(out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                           rows: Int, inDim: Int, outDim: Int) {
    ck_linear_forward(out, inp, weight, bias, residual, rows, inDim, outDim)
}

/// The attention branch's Linear with the LayerNorm after it, as the pre-norm block runs them:
/// out = residual + inp · Wᵀ + bias, then norm.out = LayerNorm(out) (norm.mean, norm.rstd
/// cached), each block of rows normalised while still in cache.
func linearResidualLayerNormForward(out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>,
                                    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    bias: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int,
                                    normOut: UnsafeMutablePointer<Float>, normMean: UnsafeMutablePointer<Float>,
                                    normRstd: UnsafeMutablePointer<Float>, normWeight: UnsafePointer<Float>,
                                    normBias: UnsafePointer<Float>, normEps: Float) {
    ck_linear_forward_ln(out, inp, weight, bias, residual, rows, inDim, outDim, normOut, normMean, normRstd,
                         normWeight, normBias, normEps)
}

/// The MLP's fc1 and GELU: pre [rows, hidden] = inp · Wᵀ + bias, out = gelu(pre); with
/// `training`, pre then holds gelu'(pre) = Φ(pre) + pre·φ(pre), all the backward needs of it.
func linearGELUForward(pre: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                       weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int, inDim: Int, hidden: Int,
                       training: Bool) {
    ck_linear_gelu(pre, out, inp, weight, bias, rows, inDim, hidden, training ? 1 : 0)
}

/// Undoes `out = inp · Wᵀ + b`. Accumulates (+=) into dInp [rows, inDim] (when given; or
/// overwrites it when `accumulateInput` is false), dWeight [outDim, inDim] and dBias [outDim],
/// from dOut [rows, outDim]:
///
///     dInp += dOut [rows, out] · W [out, in];  dW += dOutᵀ · inp;  dBias += Σ_rows dOut
func linearBackward(dInp: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                    dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    rows: Int, inDim: Int, outDim: Int, accumulateInput: Bool = true) {
    if rows == 0 { return }
    ck_linear_backward(dInp, dWeight, dBias, dOut, inp, weight, rows, inDim, outDim, accumulateInput ? 1 : 0)
}

/// The MLP's fc2 backward followed by GELU's: dInp = dOut · W (overwritten), dW += dOutᵀ · inp,
/// dBias += Σ dOut, and dPre = dInp ∘ derivative (gelu' from the training forward) block by block;
/// dPre may be dInp (then it holds dPre on return).
func linearGELUBackward(dInp: UnsafeMutablePointer<Float>, dPre: UnsafeMutablePointer<Float>,
                        derivative: UnsafePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                        dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                        weight: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int) {
    if rows == 0 { return }
    ck_linear_backward_scaled(dInp, dWeight, dBias, dOut, inp, weight, rows, inDim, outDim, 0, dPre, derivative)
}
