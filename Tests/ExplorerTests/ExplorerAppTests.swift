import Foundation
import Testing
@testable import Explorer

/// The explorer's whole loop on a TestBackend: keys in, reducer, worker, renderer, the cells the
/// backend was given. No terminal, no tmux; the worker thread is real, with an engine that
/// answers at once.
@Suite struct ExplorerAppTests {
    static let quit = TestBackend.Turn.input([.key(.character("q"))])

    func statusBar(_ grid: CellGrid) -> String {
        grid.text(row: ScreenLayout(width: grid.width, height: grid.height, gridSize: 8, patchSize: 8, focus: 0,
                                    zoom: .four).statusY)
    }

    @Test func aRatioKeyChangesTheStatusBarOnScreen() throws {
        let backend = TestBackend(script: [.input([.key(.character("3"))]), Self.quit])
        let signal = try ExplorerApp.run(Fixture.setup(), on: backend).signal
        #expect(signal == nil)
        // `q` ended it: the backend was read twice and never reported the terminal gone.
        #expect(backend.timeouts.count == 2 && backend.script.isEmpty)
        let first = try #require(backend.presented.first)
        #expect(statusBar(first).contains("ratio 75%"))
        let screen = try #require(backend.screen)
        #expect(statusBar(screen).contains("ratio 30%"), "\(statusBar(screen))")
        // The screen the diffs built is the last grid presented.
        #expect(screen == backend.presented.last)
        // While the first reconstruction is out the loop wakes for the spinner.
        #expect(backend.timeouts.first == .milliseconds(100))
    }

    @Test func theWorkersAnswerReachesTheScreen() throws {
        let backend = TestBackend(script: [.awaitWake, Self.quit])
        try ExplorerApp.run(Fixture.setup(), on: backend)
        #expect(backend.script.isEmpty, "the worker never woke the UI")
        let first = try #require(backend.presented.first)
        #expect(!statusBar(first).contains("PSNR"))
        let screen = try #require(backend.screen)
        #expect(statusBar(screen).contains("PSNR 18.3 dB"))
        #expect(screen == ScreenRenderer.render(Fixture.shownState()))
        // Nothing is computing once it is shown: the loop sleeps until input comes.
        #expect(backend.timeouts.last! == nil)
    }

    @Test func aResizeLaysTheScreenOutAgain() throws {
        let backend = TestBackend(width: 160, height: 48, script: [.awaitWake, .input([.resize(width: 100, height: 30)]),
                                                                   Self.quit])
        try ExplorerApp.run(Fixture.setup(), on: backend)
        #expect(backend.presented.first?.width == 160 && backend.presented.first?.height == 48)
        let screen = try #require(backend.screen)
        #expect(screen.width == 100 && screen.height == 30)
        #expect(screen == ScreenRenderer.render(Fixture.shownState(width: 100, height: 30)))
        // The frame after the resize started from a blank screen.
        let resized = try #require(backend.diffs.firstIndex { $0.width == 100 })
        #expect(backend.diffs[resized].erase)
        #expect(!backend.diffs[resized + 1].erase)
    }

    @Test func ctrlLResendsEveryCell() throws {
        let backend = TestBackend(script: [.awaitWake, .input([.key(.redraw)]), Self.quit])
        try ExplorerApp.run(Fixture.setup(), on: backend)
        #expect(backend.redraws == 1)
        // Frames: the first, the pictures, after Ctrl-L, after `q`. The same grid after Ctrl-L
        // sends every cell again; after `q`, with nothing changed, none.
        #expect(backend.diffs.count == 4)
        #expect(backend.presented[2] == backend.presented[1])
        let all = backend.presented[2].cells.filter { $0 != .blank }.count
        #expect(backend.diffs[2].erase && backend.diffs[2].cellCount == all)
        #expect(backend.diffs[3].cellCount == 0)
    }

    @Test func aQuitSignalEndsTheLoopAndIsReturned() throws {
        let backend = TestBackend(script: [.input([.quitSignal(SIGTERM), .key(.character("3"))])])
        #expect(try ExplorerApp.run(Fixture.setup(), on: backend).signal == SIGTERM)
        // Nothing after the signal was handled: one frame, the first.
        #expect(backend.presented.count == 1)
        #expect(backend.script.isEmpty)

        let gone = TestBackend(script: [.input([.hangUp])])
        #expect(try ExplorerApp.run(Fixture.setup(), on: gone).signal == nil)
        #expect(gone.presented.count == 1)
    }
}
