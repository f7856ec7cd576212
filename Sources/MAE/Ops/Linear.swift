/// A PyTorch `nn.Linear`: `out = inp · Wᵀ + b` with the weight as stored in the state dict,
/// [outDim, inDim], so no transpose is ever materialised.

/// out [rows, outDim] = inp [rows, inDim] · weight[outDim, inDim]ᵀ + bias [outDim]
func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   rows: Int, inDim: Int, outDim: Int) {
    // Start from the bias in every row, then let sgemm add the product (beta = 1).
    if let bias {
        for r in 0..<rows { (out + r * outDim).update(from: bias, count: outDim) }
    }
    sgemm(transB: true, m: rows, n: outDim, k: inDim, a: inp, lda: inDim, b: weight, ldb: inDim,
          beta: bias == nil ? 0 : 1, c: out, ldc: outDim)
}

/// Undoes `out = inp · Wᵀ + b`. Accumulates (+=) into dInp [rows, inDim] (when given),
/// dWeight [outDim, inDim] and dBias [outDim], from dOut [rows, outDim].
func linearBackward(dInp: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                    dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    rows: Int, inDim: Int, outDim: Int) {
    // dInp [rows, in] += dOut [rows, out] · W [out, in]
    if let dInp {
        sgemm(m: rows, n: inDim, k: outDim, a: dOut, lda: outDim, b: weight, ldb: inDim,
              beta: 1, c: dInp, ldc: inDim)
    }
    // dW [out, in] += dOutᵀ [out, rows] · inp [rows, in]
    sgemm(transA: true, m: outDim, n: inDim, k: rows, a: dOut, lda: outDim, b: inp, ldb: inDim,
          beta: 1, c: dWeight, ldc: inDim)
    // dBias [out] += Σ_rows dOut
    if let dBias {
        for r in 0..<rows {
            let row = dOut + r * outDim
            for o in 0..<outDim { dBias[o] += row[o] }
        }
    }
}
