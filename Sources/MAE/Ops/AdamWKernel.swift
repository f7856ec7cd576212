import CKernels

/// PyTorch's AdamW update (single-tensor path: decoupled decay first, then the moments, then the
/// bias-corrected step) as a vectorised loop split over the kernel pool, for an optimizer that
/// keeps its state in flat buffers (Training's AdamW). Per value:
///
///     w = p · decayFactor            (when decayFactor is given)
///     m = m + (g − m)·oneMinusBeta1
///     v = beta2·v + oneMinusBeta2·g²
///     p = w − stepSize · m / (√v / biasCorrection2Sqrt + eps)
///
/// The operations are the ones a plain Swift loop of that formula does, in that order, without
/// fused multiply-adds: the results are bit-identical to such a loop, only faster.
public enum AdamWKernel {
    public static func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                              m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
                              stepSize: Float, beta2: Float, oneMinusBeta1: Float, oneMinusBeta2: Float,
                              biasCorrection2Sqrt: Float, eps: Float, decayFactor: Float?) {
        var args = ck_adamw_args(step_size: stepSize, beta2: beta2, one_minus_beta1: oneMinusBeta1,
                                 one_minus_beta2: oneMinusBeta2, bias_correction2_sqrt: biasCorrection2Sqrt,
                                 eps: eps, decay_factor: decayFactor ?? 1)
        PassThreads.begin()
        defer { PassThreads.end() }
        ck_adamw(parameters, gradients, m, v, count, &args)
    }
}
