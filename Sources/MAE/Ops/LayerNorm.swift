import CKernels

/// `nn.LayerNorm(width, eps)` over the last dimension, biased variance, as the authors' blocks
/// use it. eps is the model's (`MAEConfig.layerNormEps`): 1e-6 in the authors' models, 1e-12 in
/// Hugging Face's ViTMAE configs. The forward caches each row's mean and 1/σ for the backward,
/// which therefore needs no eps. The loops are CKernels' vector code, rows split over the kernel
/// pool.

/// out [rows, width] = (x − mean) · rstd · weight + bias, rstd = 1/√(var + eps); mean [rows],
/// rstd [rows] cached.
func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                      rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                      weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                      rows: Int, width: Int, eps: Float) {
    ck_layernorm_forward(out, mean, rstd, inp, weight, bias, rows, width, eps)
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
