import Foundation
import Testing
@testable import Explorer
import Imaging

/// The live training view without a terminal: state, keys and the pure renderer.
enum LiveFixture {
    /// A training view 40% through a 1000-step run, with a probe at the tiny model's 64 px.
    static func training(points: Int = 400, probe: Bool = true, losses: ((Int) -> Double)? = nil) -> LiveViewState {
        var s = LiveViewState(source: .training(run: "/runs/demo"))
        s.totalSteps = 1000
        for i in 1...max(1, points) {
            let loss = losses?(i) ?? (1.0 + 0.5 * exp(-Double(i) / 100) + 0.05 * sin(Double(i)))
            s.append(MetricPoint(step: i, epoch: Double(i) / 50, loss: loss, lr: 1e-3 * min(1, Double(i) / 50),
                                 imagesPerSecond: 250, wallTime: Double(i) * 0.1))
        }
        if probe {
            let img = Fixture.image(side: 64)
            s.probe = .init(name: "probe.png", original: img, hidden: (0..<64).map { $0 % 4 != 0 }, reconstruction: img,
                            pasted: img, gridSize: 8, step: points)
        }
        return s
    }

    static func render(_ s: LiveViewState, _ w: Int, _ h: Int) -> CellGrid {
        LiveViewRenderer.render(s, width: w, height: h).grid
    }
}

@Suite struct LiveViewRendererTests {
    @Test(arguments: [(160, 48), (100, 30), (80, 24)])
    func headerChartsAndPanelsAtCommonSizes(width: Int, height: Int) throws {
        let s = LiveFixture.training()
        let grid = LiveFixture.render(s, width, height)
        #expect(grid.width == width && grid.height == height)
        let header = grid.text(row: 0)
        for field in ["step 400/1000", "epoch 8.00", "loss 0.9666", "EMA ", "lr 0.001", "250 img/s", "ETA 1m00s"] {
            #expect(header.contains(field), "\(field) missing from \(header)")
        }
        // 600 steps left at 0.1 s a step: "ETA 1m00s" above.
        #expect(grid.text(row: 2).hasPrefix("loss"))
        #expect(grid.text(row: 2).contains("learning rate"))
        let layout = try #require(LiveViewRenderer.layout(width: width, height: height, side: 64))
        let panels = try #require(layout.panels)
        #expect(grid.text(row: panels.y - 1).contains("original"))
        #expect(grid.text(row: panels.y - 1).contains("masked"))
        // Panels sit below the charts, inside the screen, above the keys row.
        #expect(layout.loss.y + layout.loss.height <= panels.y - 1)
        #expect(panels.y + panels.rows == height - 1)
        #expect((panels.xs.last ?? 0) + panels.cols <= width)
        // Picture cells are half blocks in direct colour.
        let cell = grid[panels.xs[0] + 2, panels.y + 2]
        #expect(cell.glyph == Cell.upperHalf)
        if case .rgb = cell.fg {} else { Issue.record("picture cell not in direct colour: \(cell)") }
        #expect(grid.text(row: height - 1).contains("q quit"))
    }

    @Test func panelsKeepWholePatchesAtAWholeScale() throws {
        let l160 = try #require(LiveViewRenderer.layout(width: 160, height: 48, side: 64)?.panels)
        #expect(l160.cols == 32 && l160.rows == 16)
        let l100 = try #require(LiveViewRenderer.layout(width: 100, height: 30, side: 64)?.panels)
        #expect(l100.cols == 16 && l100.rows == 8)
        let base = try #require(LiveViewRenderer.layout(width: 160, height: 48, side: 224)?.panels)
        #expect(base.cols == 28)  // 224 / 8: 2 columns a patch of 16 px
        // With the patch grid, any whole number of cells a patch: 6 for 8 pixels on a big screen.
        let big = try #require(LiveViewRenderer.layout(width: 220, height: 60, side: 64, gridSize: 8)?.panels)
        #expect(big.cols == 48 && big.rows == 24 && big.cols % 8 == 0)
        #expect(try #require(LiveViewRenderer.layout(width: 220, height: 60, side: 64)?.panels).cols == 32)
    }

    @Test(arguments: [(39, 12), (40, 11), (20, 5), (1, 1), (0, 0), (40, 12), (45, 13)])
    func tinySizesDoNotCrash(width: Int, height: Int) {
        let grid = LiveFixture.render(LiveFixture.training(), width, height)
        #expect(grid.width == width && grid.height == height)
        if width >= 12 && (width < 40 || height < 12) { #expect(grid.text(row: 0).hasPrefix("maex needs")) }
    }

    @Test func emptyRunSaysSo() {
        var s = LiveViewState(source: .watching(path: "/runs/x/metrics.jsonl"))
        s.phase = "waiting for /runs/x/metrics.jsonl"
        let grid = LiveFixture.render(s, 100, 30)
        #expect(grid.text(row: 0).contains("no points yet"))
        #expect(grid.text(row: 0).contains("waiting for"))
        #expect(grid.text.contains("no data yet"))
        #expect(!grid.text.contains("original"))  // no probe: no panels
    }

    /// The EMA is drawn over the raw curve, and cells it passes show only its dots (bright),
    /// while raw cells elsewhere stay dim.
    @Test func emaIsBrightAndRawIsDim() {
        let grid = LiveFixture.render(LiveFixture.training(probe: false), 160, 48)
        var bright = 0, dim = 0
        for y in 3..<40 {
            for x in 0..<100 {
                let c = grid[x, y]
                guard c.glyph.value > 0x2800 && c.glyph.value < 0x2900 else { continue }
                if c.attrs.contains(.bold) { bright += 1 } else if c.attrs.contains(.dim) { dim += 1 }
            }
        }
        #expect(bright > 30 && dim > 30, "bright \(bright), dim \(dim)")
    }

    /// The x axis spans the run so far with doubling headroom (step 400 on an axis to 512, the
    /// plan's 1000 named under it); `x` spans the whole plan, where the curve ends 40% across.
    @Test func xAxisFitsTheRunAndXShowsThePlan() throws {
        var s = LiveFixture.training(probe: false)
        let layout = try #require(LiveViewRenderer.layout(width: 160, height: 48, side: nil))
        var grid = LiveFixture.render(s, 160, 48)
        var axisRow = grid.text(row: layout.loss.y + layout.loss.height - 1)
        #expect(axisRow.contains("512") && axisRow.contains("plan ends at 1000"), "\(axisRow)")
        var fraction = ChartFitTests.curveEnd(grid, layout)
        #expect(fraction > 0.7 && fraction < 0.8, "curve ends at \(fraction)")
        _ = s.handle(.character("x"))
        grid = LiveFixture.render(s, 160, 48)
        axisRow = grid.text(row: layout.loss.y + layout.loss.height - 1)
        #expect(axisRow.contains("1000") && axisRow.contains("whole plan"))
        fraction = ChartFitTests.curveEnd(grid, layout)
        #expect(fraction > 0.3 && fraction < 0.5, "curve ends at \(fraction)")
    }

    @Test func helpListsTheKeys() {
        var s = LiveFixture.training()
        #expect(s.handle(.character("?")) == nil)
        let text = LiveFixture.render(s, 160, 48).text
        for key in ["next probe image", "new probe mask", "smoothing", "log y", "only read"] {
            #expect(text.contains(key), "\(key)")
        }
        // Any key closes it, without acting.
        #expect(s.handle(.character("w")) == nil)
        #expect(!s.showHelp)
    }
}

@Suite struct LiveViewStateTests {
    @Test func smoothingStepsDownAndUp() {
        var s = LiveFixture.training()
        #expect(s.smoothing == 0.9)
        _ = s.handle(.character("s"))
        #expect(s.smoothing == 0.8)
        _ = s.handle(.character("S"))
        _ = s.handle(.character("S"))
        #expect(s.smoothing == 0.95)
        for _ in 0..<20 { _ = s.handle(.character("S")) }
        #expect(s.smoothing == 0.999)
        for _ in 0..<20 { _ = s.handle(.character("s")) }
        #expect(s.smoothing == 0)
        // Weight 0: the EMA is the raw curve.
        #expect(s.smoothedLosses == s.losses)
    }

    /// The header's EMA is TensorBoard's debiased EMA, computed here independently.
    @Test func emaMatchesTheDebiasedFormula() {
        let values = [2.0, 1.0, 4.0, .nan, 3.0]
        var s = LiveViewState(source: .training(run: "r"))
        for (i, v) in values.enumerated() { s.append(MetricPoint(step: i + 1, loss: v)) }
        s.smoothing = 0.6
        var last = 0.0, n = 0.0, expected: [Double] = []
        for v in values {
            guard v.isFinite else { expected.append(.nan); continue }
            last = 0.6 * last + 0.4 * v
            n += 1
            expected.append(last / (1 - pow(0.6, n)))
        }
        for (a, b) in zip(s.smoothedLosses, expected) {
            #expect(a.isNaN == b.isNaN)
            if !a.isNaN { #expect(abs(a - b) < 1e-12) }
        }
        let header = LiveFixture.render(s, 160, 48).text(row: 0)
        #expect(header.contains(String(format: "EMA %.4f", expected[4])))
    }

    /// Losses spanning two decades go log by themselves; `l` forces the other scale, again auto.
    @Test func logToggleAndAutomaticLog() {
        var s = LiveFixture.training(losses: { 100 * exp(-Double($0) / 80) + 0.5 })
        var frame = LiveViewRenderer.render(s, width: 160, height: 48)
        s.lossAxis = frame.lossAxis
        #expect(frame.lossAxis?.isLog == true)
        #expect(frame.grid.text(row: 2).contains("log y (auto)"))
        _ = s.handle(.character("l"))
        #expect(s.logScale == .off)
        frame = LiveViewRenderer.render(s, width: 160, height: 48)
        #expect(frame.lossAxis?.isLog == false)
        #expect(frame.grid.text(row: 2).contains("linear y"))
        _ = s.handle(.character("l"))
        #expect(s.logScale == .auto)

        // A flat-ish curve stays linear under auto; `l` turns log on.
        var flat = LiveFixture.training()
        flat.lossAxis = LiveViewRenderer.render(flat, width: 160, height: 48).lossAxis
        #expect(flat.lossAxis?.isLog == false)
        _ = flat.handle(.character("l"))
        #expect(flat.logScale == .on)
        #expect(LiveViewRenderer.render(flat, width: 160, height: 48).lossAxis?.isLog == true)
    }

    @Test func keysAskForActions() {
        var s = LiveFixture.training()
        #expect(s.handle(.character(" ")) == .togglePause)
        #expect(s.handle(.character("w")) == .saveNow)
        #expect(s.handle(.character("p")) == .nextProbe)
        #expect(s.handle(.character("n")) == .newMask)
        #expect(s.handle(.character("q")) == .quit)
        #expect(s.handle(.character("x")) == nil && s.wholePlan)  // a view key: it asks nothing of the feed
    }

    @Test func aSmallerStepStartsTheCurveOver() {
        var s = LiveFixture.training(points: 10)
        s.append(MetricPoint(step: 1, loss: 3))
        #expect(s.steps == [1])
        #expect(s.restarts == 1)
    }
}

@Suite struct DeadBandTests {
    static func picture(_ v: UInt8) -> CellGrid {
        var g = CellGrid(width: 4, height: 1)
        for x in 0..<4 { g[x, 0] = Cell(Cell.upperHalf, fg: .rgb(RGB8(v, v, v)), bg: .rgb(RGB8(v, 100, v))) }
        g[3, 0] = Cell("a")
        return g
    }

    @Test func noiseIsHeldAndRealChangesPass() {
        let shown = Self.picture(100)
        var small = Self.picture(108)
        DeadBand.hold(&small, shown: shown, threshold: 10)
        #expect(small == shown)
        var large = Self.picture(112)
        DeadBand.hold(&large, shown: shown, threshold: 10)
        #expect(large[0, 0].fg == .rgb(RGB8(112, 112, 112)))
        // Text is never held.
        var text = Self.picture(104)
        text[3, 0] = Cell("b")
        DeadBand.hold(&text, shown: shown, threshold: 10)
        #expect(text[3, 0].glyph == "b")
        #expect(text[0, 0] == shown[0, 0])
    }
}

@Suite struct SeriesEnvelopeTests {
    /// A long noisy history thinned to a few points per column draws the same chart cells as the
    /// full history (a cell or two may differ where a join between columns moves).
    @Test func thinnedHistoryDrawsTheSameChart() {
        let full = LiveFixture.training(points: 20_000, probe: false, losses: { i in
            1 + 0.5 * exp(-Double(i) / 3000) + 0.2 * sin(Double(i) * 0.7) + (i == 12_345 ? 3 : 0)
        })
        let (xs, loss, ema, lr) = LiveViewRenderer.series(full)
        let keep = SeriesEnvelope.indices(xs: xs, series: [loss, ema, lr], buckets: 8 * 160)
        #expect(keep.count < 20_000 / 2 && keep.count > 1280)
        // The spike survives (index = step: the sentinel at step 0 comes first).
        #expect(keep.contains(12_345))
        let chart = { (x: [Double], y: [Double]) -> CellGrid in
            var g = CellGrid(width: 160, height: 30)
            LineChart(title: "t", steps: x, series: [y], logScale: .off)
                .draw(into: &g, x: 0, y: 0, width: 160, height: 30, colors: .init(series: [.standard]))
            return g
        }
        let a = chart(xs, loss), b = chart(keep.map { xs[$0] }, keep.map { loss[$0] })
        let differing = zip(a.cells, b.cells).filter { $0 != $1 }.count
        let drawn = a.cells.filter { $0.glyph.value > 0x2800 && $0.glyph.value < 0x2900 }.count
        #expect(differing * 50 <= drawn, "\(differing) of \(drawn) cells differ")
    }

    @Test func shortHistoriesStayWhole() {
        let xs = (0..<50).map(Double.init)
        #expect(SeriesEnvelope.indices(xs: xs, series: [xs], buckets: 100) == Array(0..<50))
    }
}
