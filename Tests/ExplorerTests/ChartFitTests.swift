import Foundation
import Testing
@testable import Explorer

/// The x axis of a live chart spans the run so far with doubling headroom, not the whole plan:
/// step 500 of a 100,000-step plan uses the chart's width; `x` shows the plan.
@Suite struct ChartFitTests {
    @Test func theEndDoublesAndStopsAtThePlan() {
        #expect(XAxisSpan.end(last: 500, unit: 8, planned: 100_000, wholePlan: false) == 512)
        #expect(XAxisSpan.end(last: 512, unit: 8, planned: 100_000, wholePlan: false) == 512)
        #expect(XAxisSpan.end(last: 513, unit: 8, planned: 100_000, wholePlan: false) == 1024)
        #expect(XAxisSpan.end(last: 70_000, unit: 8, planned: 100_000, wholePlan: false) == 100_000)
        #expect(XAxisSpan.end(last: 500, unit: 8, planned: 100_000, wholePlan: true) == 100_000)
        #expect(XAxisSpan.end(last: 3, unit: 8, planned: nil, wholePlan: true) == 8)
        #expect(XAxisSpan.end(last: 40, unit: 1, planned: 41, wholePlan: false) == 41)
        // Between doublings the end does not move: the chart is not redrawn at every step.
        let ends = Set((257...512).map { XAxisSpan.end(last: Double($0), unit: 8, planned: 100_000, wholePlan: false) })
        #expect(ends == [512])
    }

    static func young() -> LiveViewState {
        var s = LiveViewState(source: .watching(path: "/runs/long"))
        s.totalSteps = 100_000
        for i in 1...500 { s.append(MetricPoint(step: i, loss: 1 + 0.5 * exp(-Double(i) / 100), lr: 1e-4)) }
        return s
    }

    /// The rightmost braille column of the loss chart, as a fraction of its width.
    static func curveEnd(_ grid: CellGrid, _ layout: LiveViewRenderer.Layout) -> Double {
        var rightmost = 0
        for y in (layout.loss.y + 1)..<(layout.loss.y + layout.loss.height - 1) {
            for x in 0..<layout.loss.width where grid[x, y].glyph.value > 0x2800 && grid[x, y].glyph.value < 0x2900 {
                rightmost = max(rightmost, x)
            }
        }
        return Double(rightmost) / Double(layout.loss.width)
    }

    @Test(arguments: [(160, 48), (80, 24)])
    func stepFiveHundredOfAHundredThousandFillsTheChart(width: Int, height: Int) throws {
        var s = Self.young()
        let layout = try #require(LiveViewRenderer.layout(width: width, height: height, side: nil))
        var grid = LiveViewRenderer.render(s, width: width, height: height).grid
        let axisRow = grid.text(row: layout.loss.y + layout.loss.height - 1)
        #expect(Self.curveEnd(grid, layout) > 0.9, "\(Self.curveEnd(grid, layout))")
        #expect(axisRow.contains("512"))
        if width >= 160 { #expect(axisRow.contains("plan ends at 100000"), "\(axisRow)") }
        #expect(grid.text(row: 0).contains("step 500/100000"))

        // x: the whole plan, where 500 steps are the left edge.
        _ = s.handle(.character("x"))
        #expect(s.wholePlan)
        grid = LiveViewRenderer.render(s, width: width, height: height).grid
        #expect(Self.curveEnd(grid, layout) < 0.1)
        #expect(grid.text(row: layout.loss.y + layout.loss.height - 1).contains("1e5"))
    }

    /// The training view draws its charts with the same function: it fits too.
    @Test func theTrainingViewsChartsFitTheRun() throws {
        var s = Self.young()
        s.source = .training(run: "/runs/long")
        var grid = CellGrid(width: 120, height: 30)
        _ = LiveViewRenderer.charts(s, in: (x: 0, y: 0, width: 120, height: 30), into: &grid)
        let (loss, _) = LiveViewRenderer.split((x: 0, y: 0, width: 120, height: 30))
        let layout = LiveViewRenderer.Layout(loss: loss, lr: nil, panels: nil)
        #expect(Self.curveEnd(grid, layout) > 0.9)
    }
}

/// Several runs on one chart: one colour and a legend entry each, x in epochs when every run
/// tells its epochs, else the fraction of each run's plan.
@Suite struct RunsChartTests {
    static func run(_ name: String, epochs: Bool, planned: Double?, epochIsX: Bool = false) -> LiveViewState.RunCurve {
        let steps = (1...50).map(Double.init)
        return .init(name: name, steps: steps, epochs: epochs ? steps.map { $0 / 10 } : steps.map { _ in .nan },
                     losses: steps.map { 1 / $0 }, planned: planned, xIsEpoch: epochIsX)
    }

    @Test func theUnitIsEpochsThenFractionThenSteps() {
        #expect(RunsChart.unit([Self.run("a", epochs: true, planned: 100), Self.run("b", epochs: false, planned: 10, epochIsX: true)]) == .epochs)
        #expect(RunsChart.unit([Self.run("a", epochs: false, planned: 100), Self.run("b", epochs: true, planned: 400)]) == .fractionOfPlan)
        #expect(RunsChart.unit([Self.run("a", epochs: false, planned: nil), Self.run("b", epochs: true, planned: 400)]) == .steps)
        #expect(RunsChart.xs(Self.run("a", epochs: false, planned: 100), .fractionOfPlan).last == 0.5)
        #expect(RunsChart.planned([Self.run("a", epochs: true, planned: 100)], .epochs) == 10)
    }

    @Test func eachRunHasItsColourAndItsNameInTheLegend() {
        var s = LiveViewState(source: .watching(path: "a"))
        for i in 1...50 { s.append(MetricPoint(step: i, loss: 1 / Double(i), lr: 1e-3)) }
        s.runs = [Self.run("mask-75", epochs: false, planned: 100), Self.run("mask-90", epochs: false, planned: 200)]
        s.runs[1].losses = s.runs[1].losses.map { $0 * 2 }
        let grid = LiveViewRenderer.render(s, width: 160, height: 48).grid
        let title = grid.text(row: 2)
        #expect(title.contains("━ mask-75") && title.contains("━ mask-90"))
        #expect(grid.text.contains("fraction of each run's plan"))
        let palette = Palette(.truecolor)
        var colours = Set<String>()
        for y in 3..<44 { for x in 0..<100 where grid[x, y].glyph.value > 0x2800 && grid[x, y].glyph.value < 0x2900 {
            colours.insert("\(grid[x, y].fg)")
        } }
        #expect(colours.contains("\(palette.runColors[0])") && colours.contains("\(palette.runColors[1])"))
    }
}
