import Foundation
import Imaging

/// A line chart drawn with braille dots into a rectangle of a cell grid:
///
///     title                       (one row)
///     label ┤ ⠉⠒⠤⣀ …             (plot: y tick labels in a gutter, braille curve)
///     first step        last step (one row)
///
/// Several series share the x values (steps); later series are drawn over earlier ones (the
/// smoothed curve over the raw one). When there are more points than dot columns, consecutive
/// points are still joined, so each column shows the min–max span of its points and spikes
/// stay visible. NaN and infinite values are skipped and break the line.
public struct LineChart: Sendable {
    public enum LogScale: String, Sendable, CaseIterable {
        /// Logarithmic when every value is positive and max/min > 20.
        case auto
        case on
        case off
    }

    public struct Colors: Sendable {
        public var title: TerminalColor
        public var axis: TerminalColor
        /// One colour per series, by index.
        public var series: [TerminalColor]
        /// Attributes per series (e.g. dim for raw values, bold for the smoothed curve).
        public var seriesAttributes: [CellAttributes]

        public init(title: TerminalColor = .standard, axis: TerminalColor = .standard,
                    series: [TerminalColor], seriesAttributes: [CellAttributes] = []) {
            self.title = title
            self.axis = axis
            self.series = series
            self.seriesAttributes = seriesAttributes
        }
    }

    public var title: String
    public var steps: [Double]
    public var series: [[Double]]
    public var logScale: LogScale
    /// Words for the x axis's row, between its first and last labels when they fit: what x
    /// counts and where the plan ends.
    public var xNote: String?

    public init(title: String, steps: [Double], series: [[Double]], logScale: LogScale = .auto, xNote: String? = nil) {
        self.title = title
        self.steps = steps
        self.series = series
        self.logScale = logScale
        self.xNote = xNote
    }

    /// Whether values spanning lo...hi (finite values only) are drawn on a log axis.
    public static func usesLog(_ mode: LogScale, lo: Double, hi: Double) -> Bool {
        switch mode {
        case .off: false
        case .on: lo > 0
        case .auto: lo > 0 && hi / lo > 20
        }
    }

    /// The finite (and, on a log axis, positive) range of all series.
    func valueRange() -> (lo: Double, hi: Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        for s in series { for v in s where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        return lo <= hi ? (lo, hi) : nil
    }

    /// Draws the chart and returns the axis it used, to pass back as `previous` next frame.
    @discardableResult
    public func draw(into grid: inout CellGrid, x: Int, y: Int, width: Int, height: Int,
                     colors: Colors, previous: ChartAxis? = nil) -> ChartAxis? {
        guard width > 0, height > 0 else { return previous }
        grid.put(title, x: x, y: y, maxWidth: width, fg: colors.title, attrs: .bold)
        guard let range = valueRange() else {
            if height > 1 { grid.put("no data yet", x: x, y: y + 1, maxWidth: width, fg: colors.axis, attrs: .dim) }
            return previous
        }
        let isLog = Self.usesLog(logScale, lo: range.lo, hi: range.hi)
        let t: (Double) -> Double = isLog ? { log10($0) } : { $0 }
        let axis = ChartAxis.fitted(previous: previous, dataLo: t(range.lo), dataHi: t(range.hi), isLog: isLog)

        let ticks = isLog ? NiceTicks.logarithmic(pow(10, axis.lo), pow(10, axis.hi))
                          : NiceTicks.linear(axis.lo, axis.hi, count: max(2, (height - 2) / 3 + 1))
        let labels = ticks.map(NiceTicks.label)
        let gutter = min(max(labels.map(\.count).max() ?? 1, 3) + 1, max(0, width - 2))
        let plotX = x + gutter, plotY = y + 1
        let plotWidth = width - gutter, plotHeight = height - 2
        guard plotWidth >= 1, plotHeight >= 1 else { return axis }

        var canvas = BrailleCanvas(columns: plotWidth, rows: plotHeight)
        let xs = steps.filter(\.isFinite)
        let xLo = xs.min() ?? 0, xHi = xs.max() ?? 0
        func column(_ s: Double) -> Int {
            xHi > xLo ? Int(((s - xLo) / (xHi - xLo) * Double(canvas.dotWidth - 1)).rounded()) : 0
        }
        func row(_ v: Double) -> Int {
            Int(((axis.hi - v) / (axis.hi - axis.lo) * Double(canvas.dotHeight - 1)).rounded())
        }
        for (layer, values) in series.enumerated() {
            var last: (x: Int, y: Int)?
            for (i, v) in values.enumerated() where i < steps.count {
                guard v.isFinite, steps[i].isFinite, !isLog || v > 0 else { last = nil; continue }
                let p = (x: column(steps[i]), y: row(t(v)))
                if let a = last { canvas.line(from: a, to: p, layer: layer) } else { canvas.set(x: p.x, y: p.y, layer: layer) }
                last = p
            }
        }

        // Gutter: the axis line, with a tick mark and a label at each tick's row.
        for r in 0..<plotHeight {
            grid[plotX - 1, plotY + r] = Cell("│", fg: colors.axis, attrs: .dim)
        }
        for (tick, label) in zip(ticks, labels) {
            let r = row(t(tick)) / 4
            guard r >= 0, r < plotHeight else { continue }
            grid[plotX - 1, plotY + r] = Cell("┤", fg: colors.axis)
            let text = String(label.suffix(gutter - 1))
            grid.put(text, x: plotX - 1 - text.count, y: plotY + r, fg: colors.axis)
        }
        for r in 0..<plotHeight {
            for c in 0..<plotWidth {
                guard let glyph = canvas.glyph(column: c, row: r), let layer = canvas.layer(column: c, row: r) else { continue }
                let fg = layer < colors.series.count ? colors.series[layer] : .standard
                let attrs = layer < colors.seriesAttributes.count ? colors.seriesAttributes[layer] : []
                grid[plotX + c, plotY + r] = Cell(glyph, fg: fg, attrs: attrs)
            }
        }

        // X axis: the first and last step under the plot's ends.
        if !xs.isEmpty {
            let first = NiceTicks.label(xLo), lastLabel = NiceTicks.label(xHi)
            grid.put(first, x: plotX, y: plotY + plotHeight, maxWidth: plotWidth, fg: colors.axis, attrs: .dim)
            if xHi > xLo && lastLabel.count + first.count + 1 <= plotWidth {
                grid.put(lastLabel, x: plotX + plotWidth - lastLabel.count, y: plotY + plotHeight, fg: colors.axis, attrs: .dim)
            }
            // The note centred between the labels, or left out where it would touch them.
            if let note = xNote, !note.isEmpty {
                let room = plotWidth - first.count - lastLabel.count - 4
                let length = note.unicodeScalars.count
                if length <= room {
                    let x0 = plotX + first.count + 2 + (room - length) / 2
                    grid.put(note, x: x0, y: plotY + plotHeight, fg: colors.axis, attrs: .dim)
                }
            }
        }
        return axis
    }
}
