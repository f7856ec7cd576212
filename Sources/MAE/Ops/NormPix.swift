/// Per-patch normalisation of the `norm_pix_loss` targets: t' = (t − mean)/√(var + 1e-6), mean and
/// variance over all P values of a patch (channels mixed), variance unbiased (÷ (P − 1)), as
/// `target.var(dim=-1)` in the authors' loss.

let normPixEpsilon: Float = 1e-6

/// mean [rows], std [rows] = mean and √(unbiased var + 1e-6) of each row of patches [rows, P].
func patchStatistics(mean: UnsafeMutablePointer<Float>, std: UnsafeMutablePointer<Float>,
                     patches: UnsafePointer<Float>, rows: Int, width P: Int) {
    for r in 0..<rows {
        let x = patches + r * P
        // Double sums: P is 768 for ViT-B and the fixtures are computed in float64.
        var sum = 0.0
        for i in 0..<P { sum += Double(x[i]) }
        let m = sum / Double(P)
        var sq = 0.0
        for i in 0..<P {
            let d = Double(x[i]) - m
            sq += d * d
        }
        // torch's unbiased var of a single value is NaN; so is ours (0/0).
        let variance = sq / Double(P - 1)
        mean[r] = Float(m)
        std[r] = Float((variance + Double(normPixEpsilon)).squareRoot())
    }
}

/// patches [rows, P] = (patches − mean) / std, in place.
func normalizePatches(_ patches: UnsafeMutablePointer<Float>, mean: UnsafePointer<Float>,
                      std: UnsafePointer<Float>, rows: Int, width P: Int) {
    for r in 0..<rows {
        let x = patches + r * P
        let m = mean[r], inv = 1 / std[r]
        for i in 0..<P { x[i] = (x[i] - m) * inv }
    }
}

/// patches [rows, P] = patches · std + mean, in place: a norm-pix prediction back in image space,
/// using the statistics of the original patches (which leaks information from masked patches).
func denormalizePatches(_ patches: UnsafeMutablePointer<Float>, mean: UnsafePointer<Float>,
                        std: UnsafePointer<Float>, rows: Int, width P: Int) {
    for r in 0..<rows {
        let x = patches + r * P
        let m = mean[r], s = std[r]
        for i in 0..<P { x[i] = x[i] * s + m }
    }
}
