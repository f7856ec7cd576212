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

/// The same loss on rows that are all removed patches (the training head's compact rows):
/// loss = mean over rows of mean_P (pred − target)², NaN when there are no rows.
func removedPatchMSEForward(pred: UnsafePointer<Float>, target: UnsafePointer<Float>, rows: Int,
                            width P: Int) -> Float {
    var total = 0.0
    for r in 0..<rows {
        let a = pred + r * P, b = target + r * P
        var sq: Float = 0
        for i in 0..<P {
            let d = a[i] - b[i]
            sq += d * d
        }
        total += Double(sq) / Double(P)
    }
    return Float(total / Double(rows))
}

/// Undoes `removedPatchMSEForward`: dPred [rows, P] = 2·(pred − target) / (P·rows), overwritten.
func removedPatchMSEBackward(dPred: UnsafeMutablePointer<Float>, pred: UnsafePointer<Float>,
                             target: UnsafePointer<Float>, rows: Int, width P: Int) {
    let scale = 2 / (Float(P) * Float(rows))
    for r in 0..<rows {
        let a = pred + r * P, b = target + r * P, d = dPred + r * P
        for i in 0..<P { d[i] = scale * (a[i] - b[i]) }
    }
}
