import Foundation

/// The authors' per-iteration learning rate (`util/lr_sched.py`): linear warmup, then a
/// half-cycle cosine down to `minLR`.
///
///     e < W:  lr · e / W
///     else:   minLR + (lr − minLR) · ½ · (1 + cos(π · (e − W) / (E − W)))
///
/// e, W and E share one unit: the authors use fractional epochs (epoch + iteration / iterations
/// per epoch); maex converts everything to optimizer steps, which is the same curve. The value
/// for a step is taken *before* that step, so the first step of a run with warmup has lr 0, as
/// in the authors' loop.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    /// The peak rate, reached at the end of the warmup.
    public var peak: Double
    public var minLR: Double
    /// W, in the same unit as `total`.
    public var warmup: Double
    /// E: where the cosine reaches `minLR`.
    public var total: Double

    public init(peak: Double, minLR: Double = 0, warmup: Double, total: Double) {
        self.peak = peak
        self.minLR = minLR
        self.warmup = warmup
        self.total = total
    }

    /// The authors' rule for the absolute rate: blr · effective batch / 256.
    public static func absoluteLR(blr: Double, effectiveBatch: Int) -> Double {
        blr * Double(effectiveBatch) / 256
    }

    /// The rate at progress `e` (fractional, same unit as `warmup` and `total`).
    public func lr(at e: Double) -> Double {
        if e < warmup { return peak * e / warmup }
        let span = total - warmup
        // A run no longer than its warmup stays at the peak rather than dividing by zero.
        guard span > 0 else { return peak }
        let t = min(e - warmup, span) / span
        return minLR + (peak - minLR) * 0.5 * (1 + cos(Double.pi * t))
    }
}
