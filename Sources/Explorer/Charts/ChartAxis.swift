/// The y range of a chart, in plotted units (log10 of the value on a log axis).
///
/// It grows at once when data leaves it, but shrinks only when the data fills less than 70%
/// of it: a live curve does not make the axis jump at every step.
public struct ChartAxis: Equatable, Sendable {
    public var lo: Double
    public var hi: Double
    public var isLog: Bool

    public init(lo: Double, hi: Double, isLog: Bool) {
        self.lo = lo
        self.hi = hi
        self.isLog = isLog
    }

    /// The axis for data spanning dataLo...dataHi (plotted units), given the axis shown before.
    public static func fitted(previous: ChartAxis?, dataLo: Double, dataHi: Double, isLog: Bool) -> ChartAxis {
        let snug = padded(dataLo, dataHi, isLog: isLog)
        guard let p = previous, p.isLog == isLog else { return snug }
        if dataLo < p.lo || dataHi > p.hi { return snug }
        if (dataHi - dataLo) < 0.7 * (p.hi - p.lo) { return snug }
        return p
    }

    /// A small margin around the data; a flat series gets a visible band around its value.
    static func padded(_ lo: Double, _ hi: Double, isLog: Bool) -> ChartAxis {
        let span = hi - lo
        if span <= 0 {
            let pad = isLog ? 0.05 : Swift.max(abs(lo) * 0.05, 1e-6)
            return ChartAxis(lo: lo - pad, hi: hi + pad, isLog: isLog)
        }
        return ChartAxis(lo: lo - 0.02 * span, hi: hi + 0.02 * span, isLog: isLog)
    }
}
