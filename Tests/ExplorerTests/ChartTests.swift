import Foundation
import Testing
@testable import Explorer
import Imaging

@Suite struct ChartTests {
    // MARK: smoothing

    @Test func smoothingMatchesTheDebiasedFormula() {
        let values: [Double] = [4, 2, 8, 6, 1]
        let w = 0.6
        var last = 0.0
        var expected: [Double] = []
        for (i, v) in values.enumerated() {
            last = last * w + (1 - w) * v
            expected.append(last / (1 - Foundation.pow(w, Double(i + 1))))
        }
        let got = SmoothedSeries.smooth(values, weight: w)
        for (a, b) in zip(got, expected) { #expect(abs(a - b) < 1e-12) }
        // Debiasing makes the first smoothed value the first value itself.
        #expect(abs(got[0] - 4) < 1e-12)
    }

    @Test func smoothingSkipsNonFiniteValues() {
        let got = SmoothedSeries.smooth([1, .nan, 3, .infinity], weight: 0.5)
        #expect(got[1].isNaN && got[3].isNaN)
        // Only 1 and 3 count: last = 0.5·(0.5·1) + 0.5·3 = 1.75, n = 2, shown = 1.75 / 0.75.
        #expect(abs(got[2] - 1.75 / 0.75) < 1e-12)
    }

    @Test func zeroWeightLeavesValuesAlone() {
        #expect(SmoothedSeries.smooth([3, 1, 2], weight: 0) == [3, 1, 2])
    }

    // MARK: ticks

    @Test func linearTicksUseOneTwoFiveSteps() {
        #expect(NiceTicks.linear(0, 1, count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(NiceTicks.linear(0.13, 0.91, count: 5) == [0.2, 0.4, 0.6, 0.8])
        #expect(NiceTicks.linear(3, 97, count: 3) == [50])
        #expect(NiceTicks.linear(-7, 12, count: 4) == [-5, 0, 5, 10])
        #expect(NiceTicks.niceStep(0.031) == 0.05)
        #expect(NiceTicks.niceStep(170) == 200)
        #expect(NiceTicks.niceStep(4.9) == 5)
    }

    @Test func logTicksAreDecades() {
        #expect(NiceTicks.logarithmic(0.003, 20) == [0.01, 0.1, 1, 10])
        #expect(NiceTicks.logarithmic(0.15, 0.6) == [0.2, 0.5])
    }

    @Test func labelsAreShort() {
        #expect(NiceTicks.label(0.2) == "0.2")
        #expect(NiceTicks.label(1500) == "1500")
        #expect(NiceTicks.label(20000) == "2e4")
        #expect(NiceTicks.label(0.0001) == "1e-4")
        #expect(NiceTicks.label(0.00015) == "1.5e-4")
        #expect(NiceTicks.label(25000) == "2.5e4")
        #expect(NiceTicks.label(0) == "0")
    }

    // MARK: scale and axis

    @Test func logScaleSwitchesOnAboveRatioTwenty() {
        #expect(!LineChart.usesLog(.auto, lo: 0.1, hi: 1.9))
        #expect(LineChart.usesLog(.auto, lo: 0.01, hi: 0.5))
        #expect(!LineChart.usesLog(.auto, lo: -1, hi: 100))
        #expect(!LineChart.usesLog(.off, lo: 0.01, hi: 5))
        #expect(LineChart.usesLog(.on, lo: 0.5, hi: 0.6))
    }

    @Test func axisGrowsAtOnceAndShrinksLate() {
        let a = ChartAxis.fitted(previous: nil, dataLo: 0, dataHi: 10, isLog: false)
        #expect(a.lo < 0 && a.hi > 10)
        // Data inside and filling more than 70%: the axis stays.
        #expect(ChartAxis.fitted(previous: a, dataLo: 1, dataHi: 9, isLog: false) == a)
        // Data filling less than 70%: it shrinks.
        let shrunk = ChartAxis.fitted(previous: a, dataLo: 2, dataHi: 5, isLog: false)
        #expect(shrunk.hi < 6)
        // Data outside: it grows.
        #expect(ChartAxis.fitted(previous: a, dataLo: 0, dataHi: 12, isLog: false).hi > 12)
    }

    // MARK: drawing

    private func render(_ chart: LineChart, width: Int = 30, height: Int = 10) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        chart.draw(into: &grid, x: 0, y: 0, width: width, height: height,
                   colors: .init(series: [.indexed(244), .indexed(226)]))
        return grid
    }

    /// Every braille dot set in the grid, in dot coordinates of the whole grid.
    private func dots(_ grid: CellGrid) -> [(x: Int, y: Int)] {
        var out: [(x: Int, y: Int)] = []
        let bitAt: [(dx: Int, dy: Int, bit: UInt32)] =
            [(0, 0, 1), (0, 1, 2), (0, 2, 4), (0, 3, 0x40), (1, 0, 8), (1, 1, 0x10), (1, 2, 0x20), (1, 3, 0x80)]
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let v = grid[x, y].glyph.value
                guard v > 0x2800, v <= 0x28FF else { continue }
                for b in bitAt where (v - 0x2800) & b.bit != 0 { out.append((x * 2 + b.dx, y * 4 + b.dy)) }
            }
        }
        return out
    }

    @Test func aRisingLineGoesUpFromLeftToRight() {
        let grid = render(LineChart(title: "loss", steps: [0, 1, 2, 3], series: [[1, 2, 3, 4]]))
        #expect(grid.text(row: 0).hasPrefix("loss"))
        let d = dots(grid)
        let left = d.min { $0.x < $1.x }!, right = d.max { $0.x < $1.x }!
        #expect(left.y > right.y)  // screen y grows downwards
    }

    @Test func aSpikeInALongHistoryStaysVisible() {
        // 2,000 points on ~25 dot columns: one spike must still reach the top of the plot.
        var values = [Double](repeating: 1, count: 2000)
        values[1234] = 10
        let grid = render(LineChart(title: "", steps: (0..<2000).map(Double.init), series: [values], logScale: .off))
        let top = dots(grid).map(\.y).min()!
        #expect(top <= 4 + 1)  // the first plot row holds the spike (row 0 is the title)
    }

    @Test func nonFiniteValuesAreSkipped() {
        let grid = render(LineChart(title: "", steps: [0, 1, 2, 3], series: [[1, .nan, .infinity, 2]]))
        #expect(!dots(grid).isEmpty)
        // The labels come from the finite values only.
        #expect(!grid.text.contains("inf") && !grid.text.contains("nan"))
    }

    @Test func aFlatSeriesAndASinglePointDraw() {
        let flat = render(LineChart(title: "", steps: [0, 1, 2], series: [[0.5, 0.5, 0.5]]))
        let ys = Set(dots(flat).map(\.y))
        #expect(ys.count == 1)
        let single = render(LineChart(title: "", steps: [7], series: [[0.3]]))
        #expect(dots(single).count == 1)
        #expect(single.text.contains("7"))
    }

    @Test func noDataSaysSo() {
        let grid = render(LineChart(title: "lr", steps: [], series: [[]]))
        #expect(grid.text.contains("no data yet"))
    }

    @Test func theSmoothedSeriesIsDrawnOverTheRaw() {
        let chart = LineChart(title: "", steps: [0, 1], series: [[1, 2], [1, 2]])
        let grid = render(chart)
        let curve = grid.cells.filter { $0.glyph.value > 0x2800 && $0.glyph.value <= 0x28FF }
        #expect(!curve.isEmpty && curve.allSatisfy { $0.fg == .indexed(226) })
    }

    @Test func aLogAxisLabelsDecades() {
        let values = (0..<50).map { 10 * Foundation.pow(0.85, Double($0)) }  // 10 → 0.004
        let grid = render(LineChart(title: "", steps: (0..<50).map(Double.init), series: [values]), height: 14)
        #expect(grid.text.contains("10"))
        #expect(grid.text.contains("0.1"))
        #expect(grid.text.contains("0.01"))
    }
}
