import CKernels

/// The exact GELU of `F.gelu` (erf form, not the tanh approximation):
/// gelu(x) = ½·x·(1 + erf(x/√2)).
///
/// erf and exp are evaluated by branch-free polynomials (below) instead of libm calls, so the
/// loops vectorise; both are accurate to a few 1e-7 absolute, the rounding level of Float. The
/// loops run in CKernels (the same polynomials in C, compiled for the CPU's vector units); the
/// Swift copies below define them and are what the tests check the C ones against.

/// out [count] = ½·x·(1 + erf(x/√2))
func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    ck_gelu_forward(out, inp, count)
}

/// Undoes `out = ½·x·(1 + erf(x/√2))`: dInp [count] += dOut · (Φ(x) + x·φ(x)), where Φ is the
/// normal CDF and φ its density (dInp = … when `accumulate` is false). The model's blocks run
/// GELU fused into their MLP's Linears instead (`linearGELUForward`, `linearGELUBackward`),
/// keeping gelu'(x) from the forward.
func geluBackward(dInp: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                  inp: UnsafePointer<Float>, count: Int, accumulate: Bool = true) {
    ck_gelu_backward(dInp, dOut, inp, count, accumulate ? 1 : 0)
}

/// erf(x) as the rational minimax fit x·P(x²)/Q(x²) on [−4, 4] used by Eigen and XLA for
/// float (|error| < 5e-7; erf(±4) is ±1 in Float).
@inline(__always)
func fastErf(_ x: Float) -> Float {
    let c = min(max(x, -4), 4)
    let c2 = c * c
    var p: Float = -2.72614225801306e-10
    p = p * c2 + 2.77068142495902e-08
    p = p * c2 + -2.10102402082508e-06
    p = p * c2 + -5.69250639462346e-05
    p = p * c2 + -7.34990630326855e-04
    p = p * c2 + -2.95459980854025e-03
    p = p * c2 + -1.60960333262415e-02
    var q: Float = -1.45660718464996e-05
    q = q * c2 + -2.13374055278905e-04
    q = q * c2 + -1.68282697438203e-03
    q = q * c2 + -7.37332916720468e-03
    q = q * c2 + -1.42647390514189e-02
    return c * p / q
}

/// eˣ for x in Float's range (clamped to [−87.3, 88.7]): x = k·ln2 + r with |r| ≤ ln2/2,
/// eʳ by its degree-6 Taylor polynomial (relative error < 2e-7), 2ᵏ put into the exponent bits.
/// NaN maps to the lower bound (≈ 1e-38), never to an integer conversion of NaN, which traps;
/// callers still propagate NaN through their other terms (GELU's x and erf(x)).
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let c = x > -87.3 ? (x < 88.7 ? x : 88.7) : -87.3
    // Round c·log2(e) to the nearest integer without a rounding instruction: adding 1.5·2²³
    // pushes the fraction out of the mantissa.
    let shifter: Float = 12_582_912
    let k = (c * 1.44269504088896341 + shifter) - shifter
    let r = (c - k * 0.693145751953125) - k * 1.428606765330187045e-06
    var p: Float = 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = Float(bitPattern: UInt32(bitPattern: (Int32(k) &+ 127) &<< 23))
    return p * scale
}
