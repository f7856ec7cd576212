import Foundation
import Testing
@testable import Explorer

/// A feed the test controls: it hands the view one point a poll and records what keys asked.
final class ScriptedFeed: LiveFeed {
    let pollInterval: Int32 = 50
    private(set) var isDone = false
    private(set) var actions: [LiveViewState.Action] = []
    private(set) var quitRequests = 0
    var points: [MetricPoint]

    init(points: [MetricPoint] = []) { self.points = points }

    func start(wakeFD: Int32, preview: PreviewWorker) {}

    func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        guard !points.isEmpty else { return false }
        state.append(points.removeFirst())
        return true
    }

    func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState, preview: PreviewWorker) {
        actions.append(action)
        if action == .quit { isDone = true }
    }

    func requestQuit(_ state: inout LiveViewState) {
        quitRequests += 1
        isDone = true
    }
}

/// The live view's loop on a TestBackend: keys and the backend's clock in, LiveReducer, the
/// renderer, the cells presented and what they cost.
@Suite struct LiveAppTests {
    static let quit = TestBackend.Turn.input([.key(.character("q"))])

    /// The loss chart's title row (the smoothing weight is in it).
    func lossTitle(_ grid: CellGrid) -> String { grid.text(row: 2) }

    @Test func theSmoothingKeyChangesTheChartOnScreen() throws {
        let feed = ScriptedFeed()
        let backend = TestBackend(script: [.input([.key(.character("S"))]), Self.quit])
        let report = try LiveApp.run(feed, state: LiveFixture.training(probe: false), options: .init(), on: backend)
        let first = try #require(backend.presented.first)
        #expect(lossTitle(first).contains("EMA 0.9 (bright)"), "\(lossTitle(first))")
        let screen = try #require(backend.screen)
        #expect(lossTitle(screen).contains("EMA 0.95 (bright)"), "\(lossTitle(screen))")
        #expect(screen == backend.presented.last)
        // `q` went to the feed, which ended the view; no quit was forced on it.
        #expect(feed.actions == [.quit] && feed.quitRequests == 0)
        #expect(report.signal == nil)
        #expect(backend.closed)
        #expect(report.traffic.bytes == backend.bytesWritten && report.traffic.bytes > 0)
    }

    @Test func keysAskTheFeed() throws {
        let feed = ScriptedFeed()
        let keys: [InputEvent] = [" ", "w", "p", "n", "x"].map { .key(.character($0)) }
        let backend = TestBackend(script: [.input(keys), Self.quit])
        _ = try LiveApp.run(feed, state: LiveFixture.training(probe: false), options: .init(), on: backend)
        #expect(feed.actions == [.togglePause, .saveNow, .nextProbe, .newMask, .quit])
    }

    @Test func dataWaitsForTheFrameIntervalOnTheBackendsClock() throws {
        // Each poll brings a point; frames are 200 ms apart by the backend's clock, which only
        // the script moves (a loop reading the wall clock would see no time pass).
        let feed = ScriptedFeed(points: (11...20).map { MetricPoint(step: $0, loss: 1) })
        let backend = TestBackend(script: [.idle(.milliseconds(50)), .idle(.milliseconds(50)),
                                           .idle(.milliseconds(150))])
        let report = try LiveApp.run(feed, state: LiveFixture.training(points: 10, probe: false), options: .init(),
                                     on: backend)
        #expect(backend.presented.count == 2)
        #expect(backend.presented[0].text(row: 0).contains("step 11/1000"))
        // At 250 ms: the points of the three polls since.
        #expect(backend.presented[1].text(row: 0).contains("step 14/1000"), "\(backend.presented[1].text(row: 0))")
        // The script ran out: the terminal read as gone, so the view detached and left the feed
        // running (a trainer goes on headless).
        #expect(report.detached && feed.quitRequests == 0 && !feed.isDone)
        #expect(abs(report.traffic.secondsAfterFirstFrame - 0.25) < 1e-9)
        #expect(backend.timeouts.allSatisfy { $0 == .milliseconds(50) })
    }

    @Test func aResizeRedrawsAtOnceAtTheNewSize() throws {
        let feed = ScriptedFeed()
        let backend = TestBackend(width: 160, height: 48, script: [.input([.resize(width: 80, height: 24)]), Self.quit])
        _ = try LiveApp.run(feed, state: LiveFixture.training(), options: .init(), on: backend)
        let screen = try #require(backend.screen)
        #expect(screen.width == 80 && screen.height == 24)
        // What the renderer draws at 80×24 with the axes the first frame chose (their hysteresis).
        var expected = LiveFixture.training()
        let firstFrame = LiveViewRenderer.render(expected, width: 160, height: 48)
        expected.lossAxis = firstFrame.lossAxis
        expected.lrAxis = firstFrame.lrAxis
        #expect(screen == LiveFixture.render(expected, 80, 24))
    }

    /// SIGHUP (the SSH connection or the tmux server gone) closes the view at once without
    /// stopping the feed: the trainer behind it runs to the end of its plan.
    @Test func aHangUpDetachesWithoutStoppingTheFeed() throws {
        let feed = ScriptedFeed()
        let backend = TestBackend(script: [.input([.quitSignal(SIGHUP)]), .input([.key(.character("w"))])])
        let report = try LiveApp.run(feed, state: LiveFixture.training(probe: false), options: .init(), on: backend)
        #expect(report.detached && report.signal == SIGHUP)
        #expect(feed.quitRequests == 0 && feed.actions.isEmpty, "nothing after the hang-up reached the feed")
        #expect(backend.closed)
    }

    @Test func aQuitSignalAsksTheFeedToEnd() throws {
        let feed = ScriptedFeed()
        let backend = TestBackend(script: [.input([.quitSignal(SIGINT)])])
        let report = try LiveApp.run(feed, state: LiveFixture.training(probe: false), options: .init(), on: backend)
        #expect(report.signal == SIGINT)
        #expect(feed.quitRequests == 1 && feed.actions.isEmpty)
    }
}
