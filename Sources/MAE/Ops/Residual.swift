import CKernels

/// The residual connections of a pre-norm block: `x = x + f(x)`. The block itself folds the add
/// into the Linear before it (`linearResidualForward`); these serve the token assembly's short
/// rows and large buffers alike.

/// out [count] = a [count] + b [count]
func residualForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>,
                     b: UnsafePointer<Float>, count: Int) {
    if count >= 16384 {
        ck_add(out, a, b, count)
    } else {
        for i in 0..<count { out[i] = a[i] + b[i] }
    }
}

/// Undoes `out = a + b`: both inputs receive dOut unchanged (+=). The model's backward uses the
/// identity directly, letting one gradient buffer stand for out, a and b.
func residualBackward(dA: UnsafeMutablePointer<Float>, dB: UnsafeMutablePointer<Float>,
                      dOut: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
        dA[i] += dOut[i]
        dB[i] += dOut[i]
    }
}
