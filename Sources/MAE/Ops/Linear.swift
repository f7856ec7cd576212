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
