#if canImport(Glibc)
import Glibc
#endif

/// The exact GELU of `F.gelu` (erf form, not the tanh approximation):
/// gelu(x) = ½·x·(1 + erf(x/√2)).

/// out [count] = ½·x·(1 + erf(x/√2))
func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    let invSqrt2: Float = 0.70710678118654752
    for i in 0..<count {
        let x = inp[i]
        out[i] = 0.5 * x * (1 + erff(x * invSqrt2))
    }
}

/// Undoes `out = ½·x·(1 + erf(x/√2))`: dInp [count] += dOut · (Φ(x) + x·φ(x)), where Φ is the
/// normal CDF and φ its density.
func geluBackward(dInp: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                  inp: UnsafePointer<Float>, count: Int) {
    let invSqrt2: Float = 0.70710678118654752
    let invSqrt2Pi: Float = 0.39894228040143268
    for i in 0..<count {
        let x = inp[i]
        let cdf = 0.5 * (1 + erff(x * invSqrt2))
        let pdf = invSqrt2Pi * expf(-0.5 * x * x)
        dInp[i] += dOut[i] * (cdf + x * pdf)
    }
}
