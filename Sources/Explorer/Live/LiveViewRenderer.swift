import Foundation
import Imaging

/// Draws the live view into a cell grid. Pure: the same state and size give the same cells.
///
///     header: trainer, step, epoch, loss, EMA, lr, images/s, ETA, phase  (row 0)
///     source, failure, malformed lines, probe, message                   (row 1)
///     loss chart (raw dim, EMA bright)          │ learning-rate chart   (the rows between)
///     original │ masked │ reconstruction │ reconstruction + visible     (titles and pictures)
///     keys                                                              (last row)
public enum LiveViewRenderer {
    /// The grid and the y axes the charts used (to hand back as `previous` next frame).
    public struct Frame: Sendable {
        public var grid: CellGrid
        public var lossAxis: ChartAxis?
        public var lrAxis: ChartAxis?
    }

    /// Where things go at a size; nil parts do not fit.
    public struct Layout: Equatable, Sendable {
        public var loss: (x: Int, y: Int, width: Int, height: Int)
        public var lr: (x: Int, y: Int, width: Int, height: Int)?
        /// Panel pictures: the top-left of each, and their common size in cells.
        public var panels: (xs: [Int], y: Int, cols: Int, rows: Int)?

        public static func == (a: Layout, b: Layout) -> Bool {
            a.loss == b.loss && a.lr?.x == b.lr?.x && a.lr?.width == b.lr?.width && a.lr?.height == b.lr?.height
                && a.panels?.xs == b.panels?.xs && a.panels?.y == b.panels?.y && a.panels?.cols == b.panels?.cols
        }
    }

    public static let minimumWidth = 40
    public static let minimumHeight = 12
    static let panelGap = 2
    static let minimumChartRows = 8

    /// Lays out a width × height screen for pictures of `side` pixels (nil: no pictures).
    /// `gridSize`: patches a side, for whole cells per patch at any scale (the explorer's); without
    /// it the scales are 1, ½, ¼ and ⅛ of the side.
    public static func layout(width: Int, height: Int, side: Int?, gridSize: Int? = nil) -> Layout? {
        guard width >= minimumWidth, height >= minimumHeight else { return nil }
        let body = height - 3  // two header rows, the keys row
        var panels: (xs: [Int], y: Int, cols: Int, rows: Int)?
        if let side, side > 0 {
            // Whole cells per patch keep patch borders on cell borders; the largest scale that
            // leaves the charts enough rows and takes under half the body.
            let candidates = gridSize.flatMap { g in g > 0 && side % g == 0 ? ScreenLayout.scales(patchSize: side / g).map { g * $0 } : nil }
                ?? [side, side / 2, side / 4, side / 8]
            for cols in candidates where cols >= 8 {
                let rows = cols / 2
                let total = 4 * cols + 3 * panelGap
                if total <= width, rows + 1 <= body - minimumChartRows, rows + 1 <= body / 2 + 2 {
                    let x0 = (width - total) / 2
                    panels = ((0..<4).map { x0 + $0 * (cols + panelGap) }, height - 1 - rows, cols, rows)
                    break
                }
            }
        }
        let chartRows = body - (panels.map { $0.rows + 1 } ?? 0)
        let (loss, lr) = split((x: 0, y: 2, width: width, height: chartRows))
        return Layout(loss: loss, lr: lr, panels: panels)
    }

    public static func render(_ s: LiveViewState, width: Int, height: Int) -> Frame {
        var grid = CellGrid(width: width, height: height)
        guard let layout = layout(width: width, height: height, side: s.probe?.original.width, gridSize: s.probe?.gridSize) else {
            grid.put("maex needs at least \(minimumWidth)×\(minimumHeight) (now \(width)×\(height))", x: 0, y: 0)
            return Frame(grid: grid, lossAxis: s.lossAxis, lrAxis: s.lrAxis)
        }
        let palette = Palette(s.colors)
        header(s, into: &grid, palette: palette)
        let (lossAxis, lrAxis) = charts(s, loss: layout.loss, lr: layout.lr, into: &grid, palette: palette)
        if let p = layout.panels, let probe = s.probe { panels(probe, at: p, into: &grid, state: s) }
        grid.put(keysLine(s, width: width), x: 0, y: height - 1, maxWidth: width, attrs: .dim)
        if s.showHelp { help(s, into: &grid) }
        return Frame(grid: grid, lossAxis: lossAxis, lrAxis: lrAxis)
    }

    // MARK: parts

    /// The loss chart (raw dim, the EMA bright over it) and, when there is room, the learning
    /// rate's beside it; returns the y axes they used.
    static func charts(_ s: LiveViewState, loss: (x: Int, y: Int, width: Int, height: Int),
                       lr: (x: Int, y: Int, width: Int, height: Int)?, into grid: inout CellGrid,
                       palette: Palette) -> (ChartAxis?, ChartAxis?) {
        if s.runs.count > 1 { return RunsChart.draw(s, loss: loss, lr: lr, into: &grid, palette: palette) }
        let (xs, lossValues, smoothed, lrs) = thinned(series(s), buckets: 8 * grid.width)
        let finite = lossValues.filter(\.isFinite) + smoothed.filter(\.isFinite)
        let isLog = finite.isEmpty ? false : LineChart.usesLog(s.logScale, lo: finite.min()!, hi: finite.max()!)
        let note = xNote(s)
        let lossChart = LineChart(title: lossTitle(s, isLog: isLog), steps: xs, series: [lossValues, smoothed], logScale: s.logScale,
                                  xNote: note)
        let lossAxis = lossChart.draw(into: &grid, x: loss.x, y: loss.y, width: loss.width,
                                      height: loss.height, colors: palette.lossColors, previous: s.lossAxis)
        emaOverlay(xs: xs, raw: lossValues, ema: smoothed, state: s, rect: loss, palette: palette, into: &grid)
        var lrAxis = s.lrAxis
        if let r = lr {
            let lrChart = LineChart(title: "learning rate", steps: xs, series: [lrs], logScale: .off)
            lrAxis = lrChart.draw(into: &grid, x: r.x, y: r.y, width: r.width, height: r.height,
                                  colors: palette.lrColors, previous: s.lrAxis)
        }
        return (lossAxis, lrAxis)
    }

    /// The charts in one rectangle (see `split`).
    public static func charts(_ s: LiveViewState, in rect: (x: Int, y: Int, width: Int, height: Int),
                              into grid: inout CellGrid) -> (loss: ChartAxis?, lr: ChartAxis?) {
        let (loss, lr) = split(rect)
        return charts(s, loss: loss, lr: lr, into: &grid, palette: Palette(s.colors))
    }

    /// The loss chart on the left and, when `rect` is 70 cells wide or more, the learning
    /// rate's on the right, three tenths of the width.
    static func split(_ rect: (x: Int, y: Int, width: Int, height: Int))
        -> (loss: (x: Int, y: Int, width: Int, height: Int), lr: (x: Int, y: Int, width: Int, height: Int)?) {
        let lrWidth = rect.width >= 70 ? max(24, rect.width * 3 / 10) : 0
        let loss = (x: rect.x, y: rect.y, width: rect.width - (lrWidth > 0 ? lrWidth + 1 : 0), height: rect.height)
        let lr = lrWidth > 0 ? (x: rect.x + rect.width - lrWidth, y: rect.y, width: lrWidth, height: rect.height) : nil
        return (loss, lr)
    }

    /// The x values and series, with NaN sentinels at step 0 and at the axis's end (XAxisSpan:
    /// the points so far with headroom that doubles, or the whole plan after `x`), so new
    /// points only add cells at the curve's end instead of shifting the whole curve (which
    /// would resend the chart every frame), and a young run of a long plan still uses the width.
    static func series(_ s: LiveViewState) -> ([Double], [Double], [Double], [Double]) {
        var xs = s.steps, loss = s.losses, ema = s.smoothedLosses, lr = s.learningRates
        if !s.xIsEpoch, !xs.isEmpty {
            xs.insert(0, at: 0); loss.insert(.nan, at: 0); ema.insert(.nan, at: 0); lr.insert(.nan, at: 0)
        }
        if let last = xs.last {
            let end = XAxisSpan.end(last: last, unit: s.xIsEpoch ? 1 : 8, planned: s.totalSteps.map(Double.init),
                                    wholePlan: s.wholePlan)
            if end > last { xs.append(end); loss.append(.nan); ema.append(.nan); lr.append(.nan) }
        }
        return (xs, loss, ema, lr)
    }

    /// What the x axis counts and where the plan ends, under the loss chart.
    static func xNote(_ s: LiveViewState) -> String {
        let unit = s.xIsEpoch ? "epochs" : "steps"
        guard let total = s.totalSteps, let last = s.steps.last, Double(total) > last else { return unit }
        return s.wholePlan ? "\(unit) · whole plan (x: fit)" : "\(unit) · plan ends at \(total) (x: whole plan)"
    }

    /// A braille cell has one colour, so where the EMA passes through the raw curve's cells
    /// every dot would take the EMA's colour and the curve would read as a band. The EMA alone is
    /// drawn again on the same axis and its cells replace the mixed ones: the bright line stays a
    /// line. The same axis comes from the same value range: the raw extremes ride along as a
    /// vertical line at the first x, whose column is left as the first draw made it.
    static func emaOverlay(xs: [Double], raw: [Double], ema: [Double], state s: LiveViewState,
                           rect: (x: Int, y: Int, width: Int, height: Int), palette: Palette, into grid: inout CellGrid) {
        let finite = raw.filter(\.isFinite) + ema.filter(\.isFinite)
        guard let first = xs.first, let lo = finite.min(), let hi = finite.max() else { return }
        let extremes = [lo, hi] + [Double](repeating: .nan, count: xs.count)
        var scratch = CellGrid(width: grid.width, height: grid.height)
        LineChart(title: "", steps: [first, first] + xs, series: [extremes, [.nan, .nan] + ema], logScale: s.logScale)
            .draw(into: &scratch, x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                  colors: palette.lossColors, previous: s.lossAxis)
        let emaColor = palette.lossColors.series[1], emaAttrs = palette.lossColors.seriesAttributes[1]
        func isBraille(_ c: Cell) -> Bool { c.glyph.value >= 0x2800 && c.glyph.value < 0x2900 }
        let rows = (rect.y + 1)..<(rect.y + rect.height - 1)
        guard let firstColumn = (rect.x..<(rect.x + rect.width)).first(where: { x in rows.contains { isBraille(scratch[x, $0]) } })
        else { return }
        for y in rows {
            for x in (firstColumn + 1)..<(rect.x + rect.width) {
                let c = scratch[x, y]
                if c.fg == emaColor && c.attrs == emaAttrs && isBraille(c) {
                    grid[x, y] = c
                }
            }
        }
    }

    static func thinned(_ all: ([Double], [Double], [Double], [Double]), buckets: Int)
        -> ([Double], [Double], [Double], [Double]) {
        let (xs, a, b, c) = all
        let keep = SeriesEnvelope.indices(xs: xs, series: [a, b, c], buckets: buckets)
        guard keep.count < xs.count else { return all }
        return (keep.map { xs[$0] }, keep.map { a[$0] }, keep.map { b[$0] }, keep.map { c[$0] })
    }

    static func lossTitle(_ s: LiveViewState, isLog: Bool) -> String {
        let log: String
        switch s.logScale {
        case .auto: log = isLog ? "log y (auto)" : "linear y (auto)"
        case .on: log = "log y"
        case .off: log = "linear y"
        }
        return String(format: "loss · EMA %.3g (bright) · %@", s.smoothing, log) + (s.xIsEpoch ? " · per epoch" : "")
    }

    static func header(_ s: LiveViewState, into grid: inout CellGrid, palette: Palette) {
        grid.fill(x: 0, y: 0, width: grid.width, height: 1, with: Cell(" ", fg: palette.headerFG, bg: palette.headerBG))
        grid.put(headerLine(s, width: grid.width), x: 0, y: 0, maxWidth: grid.width, fg: palette.headerFG,
                 bg: palette.headerBG, attrs: .bold)

        var second: [String] = []
        switch s.source {
        case .training(let run): second.append("run \(run)")
        case .watching(let path): second.append(path)
        }
        // What went wrong last comes first: the row keeps only what fits.
        if let m = s.message { second.append(m) }
        if case .failed(let step, let reason) = s.trainer { second.append("the trainer failed at step \(step): \(reason)") }
        if s.runs.count > 1 { second.insert("run \(s.selectedRun + 1)/\(s.runs.count) (Tab)", at: 0) }
        if let note = s.sourceNote { second.append(note) }
        if s.malformedLines > 0 { second.append("\(s.malformedLines) malformed line\(s.malformedLines == 1 ? "" : "s") skipped") }
        if s.badRecords > 0 { second.append("\(s.badRecords) bad record\(s.badRecords == 1 ? "" : "s") skipped") }
        if s.restarts > 0 { second.append("file restarted \(s.restarts)×") }
        if let probe = s.probe {
            second.append("probe \(probe.name)" + (probe.label.map { " @ \($0)" } ?? probe.step.map { " @ step \($0)" } ?? ""))
        }
        if let t = s.timeline { second.append(timelineText(t)) }
        grid.put(StatusBar.pack(second, width: grid.width, separator: " · ", maxLines: 1).first ?? "",
                 x: 0, y: 1, maxWidth: grid.width, attrs: .dim)
    }

    /// "checkpoints 0 [20] 40 (, .)": the epochs saved, the one shown in brackets.
    static func timelineText(_ t: LiveViewState.Timeline) -> String {
        let marks = t.epochs.enumerated().map { $0.offset == t.selected ? "[\($0.element)]" : "\($0.element)" }
        var text = marks.isEmpty ? "no checkpoint yet" : "checkpoints " + marks.joined(separator: " ") + (marks.count > 1 ? " (, .)" : "")
        if let w = t.writing { text += " · \(w) is being written" }
        return text
    }

    /// The first header row: who trains, step, epoch, loss, EMA, lr, images/s, ETA and phase,
    /// in the widest form that fits `width`.
    public static func headerLine(_ s: LiveViewState, width: Int) -> String {
        var fields: [String] = []
        switch s.source {
        case .training: fields.append("maex train")
        case .watching: fields.append("maex watch")
        }
        if let t = s.trainer { fields.append(trainerField(t, localHost: s.localHost)) }
        if let p = s.latest {
            if s.xIsEpoch {
                fields.append("epoch \(p.step)" + (s.totalSteps.map { "/\($0)" } ?? ""))
            } else {
                fields.append("step \(p.step)" + (s.totalSteps.map { "/\($0)" } ?? ""))
                if let e = p.epoch { fields.append(String(format: "epoch %.2f", e)) }
            }
            fields.append("loss " + number(p.loss))
            if let ema = s.smoothedLosses.last(where: { $0.isFinite }) { fields.append("EMA " + number(ema)) }
            if let lr = p.lr { fields.append(String(format: "lr %.3g", lr)) }
            if let ips = p.imagesPerSecond { fields.append(String(format: "%.0f img/s", ips)) }
            let running = s.trainer.map { if case .running = $0 { true } else { false } } ?? true
            if running, let eta = s.etaSeconds { fields.append("ETA " + duration(eta)) }
        } else {
            fields.append("no points yet")
        }
        if let phase = s.phase { fields.append(phase) }
        // The widest form that fits: with the program's name and bars, then tighter.
        var line = ""
        for (from, separator) in [(0, " │ "), (1, " │ "), (1, "  "), (1, " ")] {
            let candidate = " " + fields.dropFirst(from).joined(separator: separator)
            line = candidate
            if candidate.unicodeScalars.count <= width { break }
        }
        return line
    }

    /// The trainer of a watched run, in a few words (a failure's reason goes on the second row).
    static func trainerField(_ t: TrainerActivity.State, localHost: String) -> String {
        func on(_ host: String) -> String { host.isEmpty || host == localHost ? "" : " on \(host)" }
        switch t {
        case .running(let pid, let host): return "running (pid \(pid)\(on(host)))"
        case .stalled(let pid, let host, let since): return "stalled: no line since \(clock(since)) (pid \(pid)\(on(host)))"
        case .finished: return "finished"
        case .stopped(_, let reason): return reason.isEmpty ? "stopped" : "stopped: \(reason)"
        case .failed: return "failed"
        case .gone(let pid): return "gone: pid \(pid) ended without a final event"
        }
    }

    /// "10:42:13", local time.
    static func clock(_ unixSeconds: Double) -> String {
        var t = time_t(unixSeconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func panels(_ probe: LiveViewState.Probe, at p: (xs: [Int], y: Int, cols: Int, rows: Int),
                       into grid: inout CellGrid, state s: LiveViewState) {
        let glyphs: GlyphMode = s.glyphs == .sextant ? .halfBlock : s.glyphs
        let pictures = [PanelPicture(image: probe.original), PanelPicture(image: probe.original, hidden: probe.hidden),
                        PanelPicture(image: probe.reconstruction), PanelPicture(image: probe.pasted)]
        let titles = p.cols >= 24 ? ["original", "masked", "reconstruction", "reconstruction + visible"]
            : p.cols >= 15 ? ["original", "masked", "reconstruction", "recon + visible"]
            : ["original", "masked", "recon", "recon+vis"]
        for (i, picture) in pictures.enumerated() {
            let x = p.xs[i]
            grid.put(titles[i], x: x, y: p.y - 1, maxWidth: p.cols, attrs: .bold)
            let cells = picture.cells(cols: p.cols, rows: p.rows, gridSize: probe.gridSize, glyphs: glyphs, colors: s.colors)
            guard cells.count == p.cols * p.rows else { continue }
            for r in 0..<p.rows {
                for c in 0..<p.cols { grid[x + c, p.y + r] = cells[r * p.cols + c] }
            }
        }
    }

    /// The keys of `maex watch` (training in this process has the explorer's screen and keys).
    static func keysLine(_ s: LiveViewState, width: Int) -> String {
        let runs = s.runs.count > 1 ? " · Tab run" : "", timeline = s.timeline != nil ? " · , . checkpoint" : ""
        let long = " p probe · n mask · s/S smoothing · l log y · x plan\(timeline)\(runs) · ? help · q quit"
        let short = " p probe  n mask  s/S smooth  l log  x plan\(s.timeline != nil ? "  , ." : "")\(s.runs.count > 1 ? "  Tab" : "")  ? help  q quit"
        return long.unicodeScalars.count <= width ? long : short
    }

    static func help(_ s: LiveViewState, into grid: inout CellGrid) {
        let rows = [("p", "next probe image"), ("n", "new probe mask"),
                    ("s / S", "less / more smoothing of the EMA curve"),
                    ("l", "log y axis: auto (log when max/min > 20), then on or off"),
                    ("x", "x axis: the whole planned run, or the points so far (the default)"),
                    (", / .", "probe from the previous / next checkpoint (the authors' output_dir)"),
                    ("Tab", "next run, when several are watched"),
                    ("?", "this help (any key closes it)"), ("q", "quit (the run is only read, never written)")]
        let keyWidth = rows.map { $0.0.count }.max() ?? 0
        let lines = rows.map { $0.0.padding(to: keyWidth) + "   " + $0.1 }
        let w = min(grid.width, (lines.map { $0.unicodeScalars.count }.max() ?? 0) + 4)
        let h = min(grid.height, lines.count + 2)
        let x0 = (grid.width - w) / 2, y0 = (grid.height - h) / 2
        grid.fill(x: x0, y: y0, width: w, height: h, with: .blank)
        for x in x0..<(x0 + w) { grid[x, y0] = Cell("─"); grid[x, y0 + h - 1] = Cell("─") }
        for y in y0..<(y0 + h) { grid[x0, y] = Cell("│"); grid[x0 + w - 1, y] = Cell("│") }
        grid[x0, y0] = Cell("┌"); grid[x0 + w - 1, y0] = Cell("┐")
        grid[x0, y0 + h - 1] = Cell("└"); grid[x0 + w - 1, y0 + h - 1] = Cell("┘")
        grid.put(" live view keys ", x: x0 + 2, y: y0, maxWidth: w - 4, attrs: .bold)
        for (i, line) in lines.enumerated() where i + 1 < h - 1 {
            grid.put(line, x: x0 + 2, y: y0 + 1 + i, maxWidth: w - 4)
        }
    }

    // MARK: formatting

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "+inf" : "-inf") }
        return abs(v) >= 0.001 && abs(v) < 1e5 ? String(format: "%.4f", v) : String(format: "%.3e", v)
    }

    static func duration(_ seconds: Double) -> String {
        let t = Int(seconds.rounded())
        if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
        if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
        return "\(t)s"
    }
}

/// The colours of the live view in a colour mode.
struct Palette {
    var lossColors: LineChart.Colors
    var lrColors: LineChart.Colors
    var headerFG: TerminalColor
    var headerBG: TerminalColor
    var runColors: [TerminalColor]

    init(_ mode: ColorMode) {
        let q = ColorQuantizer(mode: mode)
        func c(_ r: Float, _ g: Float, _ b: Float) -> TerminalColor {
            mode == .mono ? .standard : q.color(r, g, b, x: 0, y: 0, dither: false)
        }
        // Raw loss: a muted blue, dim; the EMA: TensorBoard's orange, bold, drawn over it.
        lossColors = LineChart.Colors(axis: .standard, series: [c(0.45, 0.55, 0.75), c(1.0, 0.55, 0.1)],
                                      seriesAttributes: [.dim, .bold])
        lrColors = LineChart.Colors(axis: .standard, series: [c(0.35, 0.75, 0.55)], seriesAttributes: [[]])
        // Several runs: distinct hues, the first TensorBoard's orange as for one run.
        runColors = mode == .mono ? [.standard]
            : [c(1.0, 0.55, 0.1), c(0.3, 0.6, 1.0), c(0.35, 0.85, 0.4), c(0.9, 0.35, 0.8), c(0.95, 0.9, 0.3), c(0.3, 0.9, 0.9)]
        headerFG = mode == .mono ? .standard : c(0.95, 0.95, 0.95)
        headerBG = mode == .mono ? .standard : c(0.15, 0.22, 0.35)
    }
}
