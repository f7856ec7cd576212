import Foundation

/// Axis ticks at "nice" values: 1, 2 or 5 times a power of ten on a linear axis, whole
/// decades on a log axis.
public enum NiceTicks {
    /// About `count` ticks covering lo...hi, at multiples of a 1-2-5 step.
    public static func linear(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, count > 0 else { return [] }
        if hi <= lo { return [lo] }
        let step = niceStep((hi - lo) / Double(max(1, count - 1)))
        let first = (lo / step).rounded(.up)
        let last = (hi / step).rounded(.down)
        guard last >= first else { return [] }
        // Multiplying integers by the step (not accumulating) keeps 0.3 from becoming 0.30000000004.
        return stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }
    }

    /// The 1-2-5 step nearest to `raw` (rounded on a log scale).
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * magnitude
    }

    /// Powers of ten within lo...hi (both positive). When the range spans less than a decade,
    /// the 1-2-5 values inside it.
    public static func logarithmic(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo > 0, hi >= lo, hi.isFinite else { return [] }
        let a = Int(log10(lo).rounded(.up)), b = Int(log10(hi).rounded(.down))
        if b >= a { return (a...b).map { Foundation.pow(10, Double($0)) } }
        let base = Foundation.pow(10, log10(lo).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * base }.filter { $0 >= lo && $0 <= hi }
    }

    /// Short label for a tick: 3 significant digits, exponent form when very small or large.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 {
            // Two significant digits, so that neighbouring ticks such as 1.5e-4 and 2e-4 differ.
            let s = String(format: "%.1e", v).replacingOccurrences(of: ".0e", with: "e")  // 2.5e-04
            return s.replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
                .replacingOccurrences(of: "e+", with: "e")
        }
        if a >= 100 { return String(format: "%.0f", v) }
        var s = String(format: "%.3g", v)
        if s.contains(".") && !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    private static func clean(_ v: Double, step: Double) -> Double {
        let digits = max(0, -Int(log10(step).rounded(.down)) + 1)
        let scale = Foundation.pow(10, Double(digits))
        return (v * scale).rounded() / scale
    }
}
