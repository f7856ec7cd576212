import Imaging

/// The loss chart of several watched runs (`maex watch RUN1 RUN2 …`): each run's smoothed loss
/// in a colour of its own, named in a legend after its folder, the selected run's bold, and the
/// selected run's learning rate beside it. Runs count x differently (maex in steps, the authors'
/// log.txt in epochs, their TensorBoard in epoch × 1000), so the x axis is epochs when every run
/// tells its epochs, else each run's fraction of its plan when every run has a plan, else steps,
/// and the axis says which.
enum RunsChart {
    enum Unit: Equatable {
        case epochs, fractionOfPlan, steps

        var name: String {
            switch self {
            case .epochs: "epochs"
            case .fractionOfPlan: "fraction of each run's plan"
            case .steps: "steps"
            }
        }
    }

    static func unit(_ runs: [LiveViewState.RunCurve]) -> Unit {
        let told = runs.filter { !$0.steps.isEmpty }
        if !told.isEmpty, told.allSatisfy({ $0.xIsEpoch || $0.epochs.allSatisfy(\.isFinite) }) { return .epochs }
        if runs.allSatisfy({ $0.planned != nil }) { return .fractionOfPlan }
        return .steps
    }

    /// The run's x values in `unit`.
    static func xs(_ r: LiveViewState.RunCurve, _ unit: Unit) -> [Double] {
        switch unit {
        case .epochs: r.xIsEpoch ? r.steps : r.epochs
        case .fractionOfPlan: r.steps.map { $0 / max(r.planned ?? 1, 1e-9) }
        case .steps: r.steps
        }
    }

    /// The plan's end in `unit`: the longest run's.
    static func planned(_ runs: [LiveViewState.RunCurve], _ unit: Unit) -> Double? {
        switch unit {
        case .fractionOfPlan: return 1
        case .steps: return runs.allSatisfy { $0.planned != nil } ? runs.compactMap(\.planned).max() : nil
        case .epochs:
            // A run counted in steps plans planned·(epoch/step) epochs, at its latest pace.
            var ends: [Double] = []
            for r in runs {
                guard let p = r.planned else { return nil }
                if r.xIsEpoch { ends.append(p); continue }
                guard let step = r.steps.last, let epoch = r.epochs.last, step > 0, epoch.isFinite else { return nil }
                ends.append(p * epoch / step)
            }
            return ends.max()
        }
    }

    static func draw(_ s: LiveViewState, loss: (x: Int, y: Int, width: Int, height: Int),
                     lr: (x: Int, y: Int, width: Int, height: Int)?, into grid: inout CellGrid,
                     palette: Palette) -> (ChartAxis?, ChartAxis?) {
        let unit = unit(s.runs)
        var steps: [Double] = [0]
        var series: [[Double]] = []
        var last = 0.0
        for r in s.runs {
            let x = xs(r, unit)
            let keep = SeriesEnvelope.indices(xs: x, series: [r.losses], buckets: 8 * grid.width)
            let start = steps.count
            steps += keep.map { x[$0] }
            for k in series.indices { series[k] += [Double](repeating: .nan, count: keep.count) }
            series.append([Double](repeating: .nan, count: start) + keep.map { r.losses[$0] })
            if let l = x.last(where: \.isFinite) { last = max(last, l) }
        }
        let planned = planned(s.runs, unit)
        let end = XAxisSpan.end(last: last, unit: unit == .fractionOfPlan ? 1.0 / 64 : unit == .epochs ? 1 : 8,
                                planned: planned, wholePlan: s.wholePlan)
        steps.append(end)
        for k in series.indices { series[k].append(.nan) }
        // The selected run last, so it is drawn over the others.
        let order = s.runs.indices.filter { $0 != s.selectedRun } + [s.selectedRun]
        let colors = s.runs.indices.map { palette.runColors[$0 % palette.runColors.count] }
        var chartColors = palette.lossColors
        chartColors.series = order.map { colors[$0] }
        chartColors.seriesAttributes = order.map { $0 == s.selectedRun ? .bold : [] }
        var note = unit.name
        if let planned, planned > last { note += s.wholePlan ? " · whole plan (x: fit)" : " · plan ends at \(NiceTicks.label(planned)) (x)" }
        let chart = LineChart(title: String(format: "loss · EMA %.3g", s.smoothing), steps: steps,
                              series: order.map { series[$0] }, logScale: s.logScale, xNote: note)
        let lossAxis = chart.draw(into: &grid, x: loss.x, y: loss.y, width: loss.width, height: loss.height,
                                  colors: chartColors, previous: s.lossAxis)
        legend(s, colors: colors, at: loss, into: &grid)

        var lrAxis = s.lrAxis
        if let r = lr, s.selectedRun < s.runs.count {
            let x = xs(s.runs[s.selectedRun], unit)
            let lrs = s.learningRates.count == x.count ? s.learningRates : []
            let lrChart = LineChart(title: "learning rate · \(s.runs[s.selectedRun].name)", steps: [0] + x + [end],
                                    series: [[.nan] + lrs + [.nan]], logScale: .off)
            lrAxis = lrChart.draw(into: &grid, x: r.x, y: r.y, width: r.width, height: r.height, colors: palette.lrColors,
                                  previous: s.lrAxis)
        }
        return (lossAxis, lrAxis)
    }

    /// "━ name" for each run in its colour, right-aligned on the chart's title row.
    static func legend(_ s: LiveViewState, colors: [TerminalColor], at rect: (x: Int, y: Int, width: Int, height: Int),
                       into grid: inout CellGrid) {
        let items = s.runs.enumerated().map { "━ " + $0.element.name }
        let title = String(format: "loss · EMA %.3g", s.smoothing).unicodeScalars.count + 2
        var total = items.reduce(0) { $0 + $1.unicodeScalars.count + 2 }
        var shown = items.count
        while shown > 0 && title + total > rect.width {
            shown -= 1
            total -= items[shown].unicodeScalars.count + 2
        }
        var x = rect.x + rect.width - total
        for (i, item) in items.prefix(shown).enumerated() {
            grid.put(item, x: x, y: rect.y, fg: colors[i], attrs: i == s.selectedRun ? .bold : [])
            x += item.unicodeScalars.count + 2
        }
    }
}
