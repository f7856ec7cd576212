/// The authors' loss: per-patch MSE = mean over P of (pred − target)², averaged over the removed
/// patches only: loss = Σ(per-patch · mask) / Σ mask (NaN when nothing is masked, as in PyTorch).
/// Targets (patchified images, optionally norm-pix normalised) take no gradient.

/// loss = Σ_r mask[r]·mean_P (pred − target)² / Σ_r mask[r]; pred, target [rows, P], mask [rows]
func maskedMSEForward(pred: UnsafePointer<Float>, target: UnsafePointer<Float>,
                      mask: UnsafePointer<Float>, rows: Int, width P: Int) -> Float {
    var total = 0.0, maskSum = 0.0
    for r in 0..<rows where mask[r] != 0 {
        let a = pred + r * P, b = target + r * P
        var sq: Float = 0
        for i in 0..<P {
            let d = a[i] - b[i]
            sq += d * d
        }
        total += Double(mask[r]) * Double(sq) / Double(P)
        maskSum += Double(mask[r])
    }
    return Float(total / maskSum)
}

/// Undoes `loss = Σ mask·mean_P (pred − target)² / Σ mask`:
/// dPred [rows, P] += dLoss · 2·mask·(pred − target) / (P·Σ mask). When `accumulate` is false,
/// every row is overwritten instead (the unmasked ones, and all when nothing is masked, with 0).
func maskedMSEBackward(dPred: UnsafeMutablePointer<Float>, pred: UnsafePointer<Float>,
                       target: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                       rows: Int, width P: Int, dLoss: Float = 1, accumulate: Bool = true) {
    var maskSum: Float = 0
    for r in 0..<rows { maskSum += mask[r] }
    let scale = maskSum == 0 ? 0 : dLoss * 2 / (Float(P) * maskSum)
    for r in 0..<rows {
        let a = pred + r * P, b = target + r * P, d = dPred + r * P
        let s = scale * mask[r]
        if s == 0 {
            if !accumulate { d.update(repeating: 0, count: P) }
        } else if accumulate {
            for i in 0..<P { d[i] += s * (a[i] - b[i]) }
        } else {
            for i in 0..<P { d[i] = s * (a[i] - b[i]) }
        }
    }
}
