import Foundation
import Imaging

/// A Plot (Imaging's chart description, which plotFigure draws in pixels) drawn with braille
/// dots into a rectangle of a cell grid:
///
///     title                                  (one row)
///     ━ model, random  ┅ mean fill  ■ grid … (legend, one row or more)
///     label ┤ ⠉⠒⠤⣀ …                        (plot: y ticks in a gutter, braille)
///           5%      25%      50%   …         (x ticks, one row)
///
/// A cell shows one colour: lines and marks take the series drawn last in the cell; a band
/// shows, dim and sparse, only in cells no line or mark passes through.
public enum BraillePlot {
    /// Draws `plot` into (x, y, width, height); `colour` turns a series' sRGB into what this
    /// terminal shows.
    public static func draw(_ plot: Plot, into grid: inout CellGrid, x: Int, y: Int, width: Int, height: Int,
                            colour: ((UInt8, UInt8, UInt8)) -> TerminalColor) {
        guard width > 0, height > 0 else { return }
        grid.put(plot.title, x: x, y: y, maxWidth: width, attrs: .bold)
        var row = y + 1
        // Legend entries, wrapped; each a sample glyph in the series' colour and its label.
        var lx = x
        for s in plot.series where !s.label.isEmpty && row < y + height {
            let sample: Unicode.Scalar, attrs: CellAttributes
            switch s.style {
            case .solid: (sample, attrs) = ("━", [])
            case .dashed: (sample, attrs) = ("╍", [])
            case .band: (sample, attrs) = ("░", .dim)
            case .marker: (sample, attrs) = ("■", [])
            }
            let needed = 2 + s.label.unicodeScalars.count + 2
            if lx > x && lx + needed > x + width { lx = x; row += 1 }
            guard row < y + height else { break }
            grid[lx, row] = Cell(sample, fg: colour(s.colour), attrs: attrs)
            grid.put(s.label, x: lx + 2, y: row, maxWidth: x + width - lx - 2, attrs: .dim)
            lx += needed
        }
        row += 1
        let plotTop = row, plotHeight = y + height - 1 - plotTop
        guard let range = plot.yRange else {
            if plotTop < y + height { grid.put("computing…", x: x, y: plotTop, maxWidth: width, attrs: .dim) }
            return
        }
        guard plotHeight >= 2 else { return }
        let ticks = NiceTicks.linear(range.lowerBound, range.upperBound, count: max(2, plotHeight / 3 + 1))
        let labels = ticks.map(NiceTicks.label)
        let gutter = min(max(labels.map(\.count).max() ?? 1, 3) + 1, max(0, width - 2))
        let plotX = x + gutter, plotWidth = width - gutter
        guard plotWidth >= 4 else { return }

        var lines = BrailleCanvas(columns: plotWidth, rows: plotHeight)
        var bands = BrailleCanvas(columns: plotWidth, rows: plotHeight)
        let x0 = plot.xRange.lowerBound, x1 = plot.xRange.upperBound
        func dotX(_ v: Double) -> Int { Int(((v - x0) / max(x1 - x0, 1e-12) * Double(lines.dotWidth - 1)).rounded()) }
        func dotY(_ v: Double) -> Int {
            Int(((range.upperBound - v) / (range.upperBound - range.lowerBound) * Double(lines.dotHeight - 1)).rounded())
        }
        for (layer, s) in plot.series.enumerated() {
            switch s.style {
            case .band(let low, let high):
                let n = min(s.xs.count, low.count, high.count)
                for i in 0..<max(0, n - 1) where low[i].isFinite && high[i].isFinite && low[i + 1].isFinite && high[i + 1].isFinite {
                    let a = dotX(s.xs[i]), b = dotX(s.xs[i + 1])
                    guard b > a else { continue }
                    for dx in a...b {
                        let t = Double(dx - a) / Double(b - a)
                        let top = dotY(high[i] + t * (high[i + 1] - high[i])), bottom = dotY(low[i] + t * (low[i + 1] - low[i]))
                        // A sparse texture (every other dot column, every fourth dot row): a band
                        // that the lines stay readable over, not a block.
                        for dy in stride(from: top + (4 - top % 4) % 4, through: bottom, by: 4) where dx % 2 == 0 {
                            bands.set(x: dx, y: dy, layer: layer)
                        }
                    }
                }
            case .solid, .dashed:
                var last: (x: Int, y: Int)?, phase = 0
                for (vx, vy) in zip(s.xs, s.ys) {
                    guard vx.isFinite, vy.isFinite else { last = nil; continue }
                    let p = (x: dotX(vx), y: dotY(vy))
                    if let a = last {
                        phase = lines.line(from: a, to: p, layer: layer, dash: s.style == .dashed ? 2 : 0, phase: phase)
                    } else {
                        lines.set(x: p.x, y: p.y, layer: layer)
                    }
                    last = p
                }
            case .marker(let low, let high):
                for i in 0..<min(s.xs.count, s.ys.count) where s.ys[i].isFinite {
                    let px = dotX(s.xs[i]), py = dotY(s.ys[i])
                    if i < low.count, i < high.count, low[i].isFinite, high[i].isFinite {
                        lines.line(from: (px, dotY(high[i])), to: (px, dotY(low[i])), layer: layer)
                    }
                    for dx in -1...1 { for dy in -1...1 { lines.set(x: px + dx, y: py + dy, layer: layer) } }
                }
            }
        }

        for r in 0..<plotHeight { grid[plotX - 1, plotTop + r] = Cell("│", attrs: .dim) }
        for (tick, label) in zip(ticks, labels) {
            let r = dotY(tick) / 4
            guard r >= 0, r < plotHeight else { continue }
            grid[plotX - 1, plotTop + r] = Cell("┤")
            let text = String(label.suffix(gutter - 1))
            grid.put(text, x: plotX - 1 - text.count, y: plotTop + r)
        }
        for r in 0..<plotHeight {
            for c in 0..<plotWidth {
                if let glyph = lines.glyph(column: c, row: r), let layer = lines.layer(column: c, row: r) {
                    grid[plotX + c, plotTop + r] = Cell(glyph, fg: colour(plot.series[layer].colour))
                } else if let glyph = bands.glyph(column: c, row: r), let layer = bands.layer(column: c, row: r) {
                    grid[plotX + c, plotTop + r] = Cell(glyph, fg: colour(plot.series[layer].colour), attrs: .dim)
                }
            }
        }
        // X ticks under their dot columns, skipped where they would touch the previous one.
        var free = plotX
        for tick in plot.xTicks where plot.xRange.contains(tick.value) {
            let n = tick.label.unicodeScalars.count
            let cx = min(max(plotX, plotX + dotX(tick.value) / 2 - n / 2), plotX + plotWidth - n)
            guard cx >= free else { continue }
            grid.put(tick.label, x: cx, y: plotTop + plotHeight, attrs: .dim)
            free = cx + n + 1
        }
    }
}
