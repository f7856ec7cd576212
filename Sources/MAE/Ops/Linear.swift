import CKernels

/// A PyTorch `nn.Linear`: `out = inp · Wᵀ + b` with the weight as stored in the state dict,
/// [outDim, inDim], so no transpose is ever materialised.

/// out [rows, outDim] = inp [rows, inDim] · weight[outDim, inDim]ᵀ + bias [outDim]
func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   rows: Int, inDim: Int, outDim: Int) {
    // Start from the bias in every row, then let sgemm add the product (beta = 1).
    if let bias { ck_add_rows(out, nil, bias, rows, outDim) }
    sgemm(transB: true, m: rows, n: outDim, k: inDim, a: inp, lda: inDim, b: weight, ldb: inDim,
          beta: bias == nil ? 0 : 1, c: out, ldc: outDim)
}

/// A Linear whose output is added to the residual stream, the pre-norm block's
/// `x + proj(y)`: out [rows, outDim] = residual + inp · Wᵀ + bias, without keeping proj(y).
func linearResidualForward(out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                           rows: Int, inDim: Int, outDim: Int) {
    ck_add_rows(out, residual, bias, rows, outDim)
    sgemm(transB: true, m: rows, n: outDim, k: inDim, a: inp, lda: inDim, b: weight, ldb: inDim,
          beta: 1, c: out, ldc: outDim)
}

/// Undoes `out = inp · Wᵀ + b`. Accumulates (+=) into dInp [rows, inDim] (when given; or
/// overwrites it when `accumulateInput` is false), dWeight [outDim, inDim] and dBias [outDim],
/// from dOut [rows, outDim].
func linearBackward(dInp: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                    dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    rows: Int, inDim: Int, outDim: Int, accumulateInput: Bool = true) {
    // dInp [rows, in] (+)= dOut [rows, out] · W [out, in]
    if let dInp {
        sgemm(m: rows, n: inDim, k: outDim, a: dOut, lda: outDim, b: weight, ldb: inDim,
              beta: accumulateInput ? 1 : 0, c: dInp, ldc: inDim)
    }
    // dW [out, in] += dOutᵀ [out, rows] · inp [rows, in]
    sgemm(transA: true, m: outDim, n: inDim, k: rows, a: dOut, lda: outDim, b: inp, ldb: inDim,
          beta: 1, c: dWeight, ldc: inDim)
    // dBias [out] += Σ_rows dOut
    if let dBias { ck_column_sums(dBias, dOut, rows, outDim) }
}
