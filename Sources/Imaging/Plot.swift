/// A chart described once and drawn twice: in braille cells on the terminal (the explorer's
/// BraillePlot) and in pixels for slides (plotFigure). Coordinates are data values; each
/// drawing maps `xRange` and `yRange` onto its own area.
public struct Plot: Sendable {
    public enum Style: Sendable, Equatable {
        /// A line through the points.
        case solid
        /// A dashed line: a reference, not a measurement of the thing studied.
        case dashed
        /// The area between `low` and `high` at each x (a min–max band), drawn under the lines.
        case band(low: [Double], high: [Double])
        /// A single mark at each point, with a bar from `low` to `high` (a point's range).
        case marker(low: [Double], high: [Double])
    }

    public struct Series: Sendable {
        /// What the legend calls it; empty: not in the legend (a band belongs to its line).
        public var label: String
        public var xs: [Double]
        /// NaN and infinite values are skipped (and break a line).
        public var ys: [Double]
        public var style: Style
        /// sRGB, 0...255.
        public var colour: (UInt8, UInt8, UInt8)

        public init(label: String, xs: [Double], ys: [Double], style: Style, colour: (UInt8, UInt8, UInt8)) {
            self.label = label
            self.xs = xs
            self.ys = ys
            self.style = style
            self.colour = colour
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Drawn in order: later series over earlier ones.
    public var series: [Series]
    public var xRange: ClosedRange<Double>
    /// x ticks and their labels (e.g. 0.25 → "25%").
    public var xTicks: [(value: Double, label: String)]

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xRange: ClosedRange<Double>,
                xTicks: [(value: Double, label: String)]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.xTicks = xTicks
    }

    /// The finite y values of every series, bands and bars included, padded by 4% of their
    /// span (a flat chart gets a visible band); nil without data.
    public var yRange: ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        func take(_ v: Double) { if v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v) } }
        for s in series {
            s.ys.forEach(take)
            switch s.style {
            case .band(let low, let high), .marker(let low, let high): low.forEach(take); high.forEach(take)
            case .solid, .dashed: break
            }
        }
        guard lo <= hi else { return nil }
        let pad = hi > lo ? 0.04 * (hi - lo) : Swift.max(abs(lo) * 0.05, 1e-6)
        return (lo - pad)...(hi + pad)
    }

    /// About `count` y ticks at 1-2-5 steps inside the y range.
    public func yTicks(count: Int) -> [Double] {
        guard let r = yRange else { return [] }
        return NiceTicks.linear(r.lowerBound, r.upperBound, count: count)
    }
}
