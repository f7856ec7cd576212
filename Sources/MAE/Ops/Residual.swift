import CKernels

/// The residual connections of a pre-norm block: `x = x + f(x)`. The block itself folds the add
/// into the Linear before it (`linearResidualForward`); this serves the token assembly's short
/// rows and large buffers alike. Its backward is the identity, which the model's backward uses
/// directly (one gradient buffer stands for out, a and b).

/// out [count] = a [count] + b [count]
func residualForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>,
                     b: UnsafePointer<Float>, count: Int) {
    if count >= 16384 {
        ck_add(out, a, b, count)
    } else {
        for i in 0..<count { out[i] = a[i] + b[i] }
    }
}
