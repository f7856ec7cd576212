/// TensorBoard's smoothing of a noisy curve: an exponential moving average, debiased so the
/// first points are not pulled towards zero.
///
///     last = last·w + (1 − w)·v;  n += 1;  shown = last / (1 − wⁿ)
///
/// Values that are NaN or infinite are skipped (they neither move the average nor count).
public enum SmoothedSeries {
    /// The smoothed value at each index of `values`; NaN where the input was not finite.
    /// `weight` is w in 0..<1; 0 returns the finite values unchanged.
    public static func smooth(_ values: [Double], weight: Double) -> [Double] {
        let w = min(max(weight, 0), 0.999)
        var last = 0.0, n = 0.0
        return values.map { v in
            guard v.isFinite else { return .nan }
            last = last * w + (1 - w) * v
            n += 1
            return w == 0 ? v : last / (1 - pow(w, n))
        }
    }

    private static func pow(_ x: Double, _ n: Double) -> Double {
        var result = 1.0, base = x, e = Int(n)
        while e > 0 {  // square-and-multiply: exact for the integer exponents used here
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
