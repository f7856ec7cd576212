import CKernels

/// `nn.LayerNorm(width, eps=1e-6)` over the last dimension, biased variance, as the authors'
/// blocks use it. The forward caches each row's mean and 1/σ for the backward. The loops are
/// CKernels' vector code, rows split over the kernel pool.

let layerNormEpsilon: Float = 1e-6

/// out [rows, width] = (x − mean) · rstd · weight + bias; mean [rows], rstd [rows] cached.
func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                      rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                      weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                      rows: Int, width: Int) {
    ck_layernorm_forward(out, mean, rstd, inp, weight, bias, rows, width, layerNormEpsilon)
}

/// Undoes `out = (x − mean)·rstd·weight + bias`. Accumulates (+=) into dInp [rows, width]
/// (overwrites it when `accumulate` is false),
/// dWeight [width], dBias [width], from dOut [rows, width], the input and the cached mean, rstd:
/// with norm = (x − m)·s and dnorm = dy·w, dx = s·(dnorm − mean(dnorm) − norm·mean(dnorm·norm)).
func layerNormBackward(dInp: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                       dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                       inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                       mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                       rows: Int, width: Int, accumulate: Bool = true) {
    ck_layernorm_backward(dInp, dWeight, dBias, dOut, inp, weight, mean, rstd, rows, width, accumulate ? 1 : 0)
}
