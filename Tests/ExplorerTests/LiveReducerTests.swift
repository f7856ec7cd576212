import Foundation
import Testing
@testable import Explorer

/// The live view's pure core: which frames go out and when, and when a new probe picture may
/// spend bytes. Time is handed in, so every case steps a clock by hand.
@Suite struct LiveReducerTests {
    let r = LiveReducer(options: .init())
    let t0 = ContinuousClock.now

    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    static func probe(name: String = "probe.png", hiddenEvery: Int = 4, step: Int) -> LiveViewState.Probe {
        let img = Fixture.image(side: 64, seed: step)
        return .init(name: name, original: img, hidden: (0..<64).map { $0 % hiddenEvery != 0 }, reconstruction: img,
                     pasted: img, gridSize: 8, step: step)
    }

    @Test func framesWaitForTheIntervalButKeysDoNot() {
        var s = LiveState(view: LiveFixture.training(probe: false))
        #expect(r.frame(&s, width: 120, height: 30, now: at(0)) != nil)
        // Nothing changed: no frame, however late.
        #expect(r.frame(&s, width: 120, height: 30, now: at(5000)) == nil)
        s.view.append(MetricPoint(step: 401, loss: 0.5))
        _ = r.reduce(&s, .fed)
        #expect(r.frame(&s, width: 120, height: 30, now: at(5100)) != nil)
        s.view.append(MetricPoint(step: 402, loss: 0.5))
        _ = r.reduce(&s, .fed)
        #expect(r.frame(&s, width: 120, height: 30, now: at(5150)) == nil)  // 50 ms after the last
        #expect(r.frame(&s, width: 120, height: 30, now: at(5300)) != nil)  // 200 ms: due
        // A key is drawn at once.
        #expect(r.reduce(&s, .input(.key(.character("s")))) == [])
        #expect(s.view.smoothing == 0.8)
        #expect(r.frame(&s, width: 120, height: 30, now: at(5310)) != nil)
        #expect(s.frames == 4)
    }

    @Test func aKeyThatChangesNothingSendsNoFrame() {
        var s = LiveState(view: LiveFixture.training(probe: false))
        _ = r.frame(&s, width: 120, height: 30, now: at(0))
        _ = r.reduce(&s, .input(.key(.character("z"))))  // bound to nothing
        #expect(r.frame(&s, width: 120, height: 30, now: at(10)) == nil)
        #expect(s.frames == 1)
    }

    @Test func aNewerProbeStepWaitsForTheByteBudget() {
        var s = LiveState(view: LiveFixture.training(probe: false))
        _ = r.reduce(&s, .tick(at(0)))
        _ = r.reduce(&s, .preview(.success(Self.probe(step: 1))))
        _ = r.reduce(&s, .tick(at(0)))
        #expect(s.view.probe?.step == 1)  // the first probe is new: shown at once
        _ = r.frame(&s, width: 160, height: 48, now: at(0))
        r.sent(&s, bytes: 16_000)  // two seconds' worth at 8000 B/s

        _ = r.reduce(&s, .preview(.success(Self.probe(step: 2))))
        _ = r.reduce(&s, .tick(at(1000)))
        #expect(s.view.probe?.step == 1, "a newer step went out before the budget allowed")
        _ = r.reduce(&s, .tick(at(2000)))
        #expect(s.view.probe?.step == 2)

        // Another image (or mask) is what a key asked for: it does not wait.
        r.sent(&s, bytes: 1_000_000)
        _ = r.reduce(&s, .preview(.success(Self.probe(name: "other.png", step: 2))))
        _ = r.reduce(&s, .tick(at(2100)))
        #expect(s.view.probe?.name == "other.png")
        // Nor does a step held 10 s, even with the budget spent.
        _ = r.reduce(&s, .preview(.success(Self.probe(name: "other.png", step: 3))))
        _ = r.reduce(&s, .tick(at(9000)))
        #expect(s.view.probe?.step == 2)
        _ = r.reduce(&s, .tick(at(12_100)))
        #expect(s.view.probe?.step == 3)
    }

    @Test func aFailedPreviewSaysWhy() {
        var s = LiveState(view: LiveFixture.training(probe: false))
        _ = r.frame(&s, width: 120, height: 30, now: at(0))
        _ = r.reduce(&s, .preview(.failure(ExplorerError("cannot load the weights: truncated"))))
        #expect(s.view.message == "cannot load the weights: truncated")
        let grid = r.frame(&s, width: 120, height: 30, now: at(300))
        #expect(grid?.text(row: 1).contains("cannot load the weights") == true)
    }

    @Test func theEndIsAskedOnceAndTheSignalKept() {
        var s = LiveState(view: LiveFixture.training(probe: false))
        #expect(r.reduce(&s, .input(.quitSignal(SIGTERM))) == [.requestQuit])
        #expect(r.reduce(&s, .input(.quitSignal(SIGINT))) == [])
        #expect(s.signal == SIGTERM && !s.detached)
        // A hang-up afterwards still detaches (the view must close), asking nothing more.
        #expect(r.reduce(&s, .input(.hangUp)) == [])
        #expect(s.detached)
        #expect(r.reduce(&s, .input(.key(.character("q")))) == [.perform(.quit)])
        #expect(r.reduce(&s, .input(.key(.redraw))) == [.redrawAll])
    }
}
