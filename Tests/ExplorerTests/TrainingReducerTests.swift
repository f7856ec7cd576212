import Foundation
import MAE
import Testing
@testable import Explorer
@testable import Training

/// Training on the explorer's screen, through the pure reducer: the keys, the polls, when the
/// panels are drawn again with newer weights, and how `q` waits for the save.
@Suite struct TrainingReducerTests {
    /// A trainer's kept weights as the worker would see them: a model and the step it stands at.
    final class Weights: @unchecked Sendable {
        let model = try! MAEModel(config: MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                                                    decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2), seed: 0)
        var step = 0
        var feed: WeightFeed { WeightFeed { [self] in (model, step) } }
    }

    static func view(_ weights: Weights, total: Int = 3000) -> TrainingView {
        var live = LiveViewState(source: .training(run: "/runs/today"))
        live.totalSteps = total
        return TrainingView(live: live, weights: weights.feed)
    }

    /// A shown state with training started (and its first request answered).
    static func training(_ weights: Weights, width: Int = 160, height: Int = 48) -> ExplorerState {
        var s = Fixture.shownState(width: width, height: height)
        s.canTrain = true
        _ = Fixture.reducer.reduce(&s, .trainingStarted(view(weights)))
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s)))
        return s
    }

    static func poll(_ steps: ClosedRange<Int> = 1...1, newest: Int?, at now: Double,
                     events: [TrainerEvent] = []) -> ExplorerEvent {
        .trainingPolled(TrainingPoll(points: steps.map { MetricPoint(step: $0, loss: 1 / Double($0), lr: 1e-3, wallTime: Double($0)) },
                                     events: events, newestWeights: newest, now: now))
    }

    static func requests(_ effects: [ExplorerEffect]) -> [ReconstructionRequest] {
        effects.compactMap { if case .reconstruct(let r) = $0 { r } else { nil } }
    }

    @Test func tStartsTrainingOnlyWhereTheShellCan() {
        var s = Fixture.shownState()
        #expect(Fixture.reducer.reduce(&s, .key(.character("T"))).isEmpty)
        #expect(s.message == "training is not available here")
        s.canTrain = true
        let effects = Fixture.reducer.reduce(&s, .key(.character("T")))
        guard case .training(.start)? = effects.first else { Issue.record("T asked for \(effects)"); return }
        // The chart keys do nothing before a run exists; w and W say what starts one.
        #expect(Fixture.reducer.reduce(&s, .key(.character("w"))).isEmpty)
        #expect(s.message?.contains("T starts it") == true)
    }

    /// The core promise: a mask change while training is reconstructed at once, with the newest
    /// weights the trainer keeps, not the model the explorer opened.
    @Test func aMaskChangeDuringTrainingAsksForTheNewestWeights() throws {
        let weights = Weights()
        var s = Self.training(weights)
        weights.step = 40
        #expect(!s.computing)
        let effects = Fixture.reducer.reduce(&s, .key(.character("r")))
        let request = try #require(Self.requests(effects).first, "a mask change asked for nothing")
        #expect(request.masks == [s.mask])
        let feed = try #require(request.weights, "the request uses the loaded model, not the trainer's weights")
        #expect(feed.latest()?.step == 40)
        // Painting with the mouse too.
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s)))
        let panel = try #require(s.layout.panel(slot: 1))
        let press = MouseReport(kind: .press, button: 0, x: panel.x, y: panel.imageY)
        #expect(Self.requests(Fixture.reducer.reduce(&s, .mouse(press))).first?.weights != nil)
        // Without training the loaded model draws.
        var plain = Fixture.shownState()
        #expect(Self.requests(Fixture.reducer.reduce(&plain, .key(.character("r")))).first?.weights == nil)
    }

    @Test func newerWeightsRedrawAtMostOnceASecondAndOneAtATime() throws {
        let weights = Weights()
        var s = Self.training(weights)
        let redraw = Self.requests(Fixture.reducer.reduce(&s, Self.poll(1...10, newest: 10, at: 5)))
        #expect(redraw.count == 1 && redraw[0].masks == [s.mask], "newer weights did not redraw the panels")
        #expect(s.training?.live.steps.count == 10)
        // Within the second, and while that request is out: nothing more.
        #expect(Fixture.reducer.reduce(&s, Self.poll(11...20, newest: 20, at: 5.5)).isEmpty)
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s)))
        #expect(Fixture.reducer.reduce(&s, Self.poll(21...21, newest: 20, at: 5.9)).isEmpty)
        #expect(Self.requests(Fixture.reducer.reduce(&s, Self.poll(22...22, newest: 20, at: 6.1))).count == 1)
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s)))
        // The same weights are not drawn twice.
        #expect(Fixture.reducer.reduce(&s, Self.poll(23...23, newest: 20, at: 9)).isEmpty)
        // On the charts-only screen there is nothing to redraw.
        s.training?.screen = .charts
        #expect(Fixture.reducer.reduce(&s, Self.poll(24...24, newest: 30, at: 12)).isEmpty)
    }

    /// What the screen sent is paid off at the budget's rate before newer weights redraw it; a mask
    /// change never waits.
    @Test func redrawsWaitForTheByteBudgetMaskChangesDoNot() throws {
        let weights = Weights()
        var s = Self.training(weights)
        _ = Fixture.reducer.reduce(&s, Self.poll(newest: 0, at: 0))
        _ = Fixture.reducer.reduce(&s, .presented(bytes: 4 * Int(ByteBudget<Double>.bytesPerSecond)))  // 4 s of budget
        #expect(Fixture.reducer.reduce(&s, Self.poll(newest: 10, at: 2)).isEmpty)
        #expect(Self.requests(Fixture.reducer.reduce(&s, .key(.character("r")))).count == 1)
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s)))
        #expect(Fixture.reducer.reduce(&s, Self.poll(newest: 10, at: 3.5)).isEmpty)
        #expect(Self.requests(Fixture.reducer.reduce(&s, Self.poll(newest: 10, at: 4.1))).count == 1)
    }

    @Test func theTrainingKeys() {
        let weights = Weights()
        var s = Self.training(weights)
        func effects(_ c: Character) -> [ExplorerEffect] { Fixture.reducer.reduce(&s, .key(.character(c))) }
        guard case .training(.pause)? = effects("T").first else { Issue.record("T did not pause"); return }
        #expect(s.training?.paused == true && s.training?.live.phase == "pausing…")
        guard case .training(.resume)? = effects("T").first else { Issue.record("T did not resume"); return }
        guard case .training(.save)? = effects("w").first else { Issue.record("w did not save"); return }
        guard case .training(.writeWeights)? = effects("W").first else { Issue.record("W did not write"); return }
        let smoothing = s.training!.live.smoothing
        _ = effects("S")
        #expect(s.training!.live.smoothing > smoothing)
        _ = effects("s")
        _ = effects("s")
        #expect(s.training!.live.smoothing < smoothing)
        _ = effects("l")
        #expect(s.training!.live.logScale != .auto)
        _ = effects("x")
        #expect(s.training!.live.wholePlan)
        // Space stays the patch toggle.
        let before = s.mask
        let effects = Fixture.reducer.reduce(&s, .key(.character(" ")))
        #expect(s.mask != before && s.training?.paused == false)
        #expect(Self.requests(effects).count == 1)
    }

    /// `q` asks the trainer to save and stop; the explorer ends when the trainer says it has.
    @Test func qSavesFirstAndQuitsWhenTheTrainerHasStopped() {
        let weights = Weights()
        var s = Self.training(weights)
        let effects = Fixture.reducer.reduce(&s, .key(.character("q")))
        guard case .training(.stop)? = effects.first else { Issue.record("q asked for \(effects)"); return }
        #expect(!s.quit && s.training?.stopping == true)
        #expect(Fixture.reducer.reduce(&s, .key(.character("q"))).isEmpty, "a second q asks again")
        _ = Fixture.reducer.reduce(&s, Self.poll(newest: 12, at: 1, events: [.checkpoint(path: "/runs/today/checkpoint.safetensors", step: 12)]))
        #expect(!s.quit)
        _ = Fixture.reducer.reduce(&s, Self.poll(newest: 12, at: 1.1, events: [.finished(.stopped(step: 12))]))
        #expect(s.quit)
        #expect(s.training?.live.phase == "stopped at step 12, saved")

        // A run that completed by itself leaves the explorer open; q then quits at once.
        var done = Self.training(weights)
        _ = Fixture.reducer.reduce(&done, Self.poll(newest: 3000, at: 1, events: [.finished(.completed(step: 3000))]))
        #expect(!done.quit && done.training?.running == false)
        #expect(Fixture.reducer.reduce(&done, .key(.character("T"))).isEmpty)
        #expect(done.message?.contains("W writes its weights") == true)
        _ = Fixture.reducer.reduce(&done, .key(.character("q")))
        #expect(done.quit)
    }

    @Test func zCyclesThroughTheScreensThatFit() {
        let weights = Weights()
        var s = Self.training(weights)
        #expect(s.training?.screen == .both && s.layout.charts != nil && s.layout.panels.count == 4)
        var seen: [TrainingView.Screen] = []
        for _ in 0..<3 {
            _ = Fixture.reducer.reduce(&s, .key(.character("z")))
            seen.append(s.training!.screen)
        }
        #expect(seen == [.panels, .charts, .both])
        #expect(s.zoom == .four)
        // Too short for both: training starts on the panels and z skips "both".
        var small = Self.training(weights, width: 80, height: 16)
        #expect(small.training?.screen == .panels)
        _ = Fixture.reducer.reduce(&small, .key(.character("z")))
        #expect(small.training?.screen == .charts && small.layout.panels.isEmpty && small.layout.charts != nil)
        _ = Fixture.reducer.reduce(&small, .key(.character("z")))
        #expect(small.training?.screen == .panels)
    }

    /// The screen while training: the run's numbers in the header, the four panels, the loss
    /// chart below them in braille, the training keys and the run folder in the status bar.
    @Test func theTrainingScreen() throws {
        let weights = Weights()
        var s = Self.training(weights)
        _ = Fixture.reducer.reduce(&s, Self.poll(1...200, newest: 200, at: 1))
        s.message = nil  // the hint shows when no message does
        let grid = ScreenRenderer.render(s)
        #expect(grid.text(row: 0).contains("step 200/3000"), "\(grid.text(row: 0))")
        let layout = s.layout
        let charts = try #require(layout.charts)
        let lastPanelRow = layout.panels.map { $0.imageY + $0.rows }.max() ?? 0
        #expect(charts.y >= lastPanelRow && charts.y + charts.height <= layout.statusY)
        #expect(charts.height >= ScreenLayout.minimumChartRows)
        let chartText = (charts.y..<(charts.y + charts.height)).map { grid.text(row: $0) }.joined(separator: "\n")
        #expect(chartText.contains("loss · EMA") && chartText.contains("learning rate"))
        #expect(chartText.unicodeScalars.contains { $0.value > 0x2800 && $0.value < 0x2900 })
        for title in ["original", "masked", "reconstruction", "reconstruction + visible"] {
            #expect(grid.text.contains(title))
        }
        let hint = grid.text(row: layout.statusY + 1)
        #expect(hint.contains("T pause") && hint.contains("q stop+save") && hint.contains("run /runs/today"), "\(hint)")
    }
}
