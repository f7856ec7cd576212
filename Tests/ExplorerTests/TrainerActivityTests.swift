import Foundation
import Testing
@testable import Explorer
import Training

/// `maex watch`'s trainer state from a sequence of metrics lines, the clock and the lock.
@Suite struct TrainerActivityTests {
    static func started(pid: Int32 = 42, host: String = "box", step: Int = 0, at t: Double) -> RunLogParser.Line {
        .event(RunEvent(name: "started", step: step, time: t, pid: pid, host: host, totalSteps: 100))
    }

    static func point(_ step: Int, at t: Double) -> RunLogParser.Line {
        .point(MetricPoint(step: step, loss: 1, time: t))
    }

    static func activity(_ lines: [RunLogParser.Line]) -> TrainerActivity {
        var a = TrainerActivity()
        for line in lines { a.read(line) }
        return a
    }

    @Test func aLogWithoutAStartedEventTellsNothing() {
        let a = Self.activity([Self.point(10, at: 100), Self.point(20, at: 110)])
        #expect(a.state(now: 1000, lock: .unknown) == nil)
        #expect(TrainerActivity().state(now: 0, lock: .free) == nil)
    }

    @Test func runningUntilThreeLogIntervalsPassWithoutALine() {
        // Started at 100, a line every 10 s.
        var a = Self.activity([Self.started(at: 100), Self.point(10, at: 110), Self.point(20, at: 120)])
        #expect(a.state(now: 125, lock: .held(pid: 42)) == .running(pid: 42, host: "box"))
        #expect(a.state(now: 149, lock: .unknown) == .running(pid: 42, host: "box"))
        #expect(a.state(now: 151, lock: .held(pid: 42)) == .stalled(pid: 42, host: "box", since: 120))
        // A line arrives: running again.
        a.read(Self.point(30, at: 152))
        #expect(a.state(now: 153, lock: .held(pid: 42)) == .running(pid: 42, host: "box"))
        // Any line with a time counts as a sign of life, a checkpoint event too.
        a.read(.event(RunEvent(name: "checkpoint", step: 30, time: 240)))
        #expect(a.state(now: 241, lock: .unknown) == .running(pid: 42, host: "box"))
    }

    @Test func theFirstIntervalCountsFromStartedAndNoneMeansNoStall() {
        let early = Self.activity([Self.started(at: 100)])
        #expect(early.state(now: 10_000, lock: .unknown) == .running(pid: 42, host: "box"))
        let one = Self.activity([Self.started(at: 100), Self.point(10, at: 120)])
        #expect(one.state(now: 179, lock: .unknown) == .running(pid: 42, host: "box"))
        #expect(one.state(now: 181, lock: .unknown) == .stalled(pid: 42, host: "box", since: 120))
    }

    /// Tiny models log many times a second: a stall is never called sooner than 5 s.
    @Test func aStallTakesAtLeastTheMinimum() {
        let a = Self.activity([Self.started(at: 100), Self.point(1, at: 100.01), Self.point(2, at: 100.02)])
        #expect(a.state(now: 104, lock: .unknown) == .running(pid: 42, host: "box"))
        #expect(a.state(now: 100.02 + TrainerActivity.minimumStall + 0.1, lock: .unknown)
                == .stalled(pid: 42, host: "box", since: 100.02))
    }

    @Test func theEndEventDecidesWhateverTheClockAndTheLock() {
        let base = [Self.started(at: 100), Self.point(10, at: 110)]
        let stopped = Self.activity(base + [.event(RunEvent(name: "stopped", step: 12, time: 111, reason: "SIGTERM"))])
        #expect(stopped.state(now: 10_000, lock: .free) == .stopped(step: 12, reason: "SIGTERM"))
        let finished = Self.activity(base + [.event(RunEvent(name: "finished", step: 100, time: 111))])
        #expect(finished.state(now: 112, lock: .held(pid: 42)) == .finished(step: 100))
        let failed = Self.activity(base + [.event(RunEvent(name: "failed", step: 11, time: 111, reason: "cannot save"))])
        #expect(failed.state(now: 112, lock: .unknown) == .failed(step: 11, reason: "cannot save"))
    }

    /// Killed (kill -9, a crash): no end event, and the lock is no longer held by the trainer.
    @Test func aTrainerThatNoLongerHoldsTheLockIsGone() {
        let a = Self.activity([Self.started(at: 100), Self.point(10, at: 110)])
        #expect(a.state(now: 111, lock: .free) == .gone(pid: 42))
        #expect(a.state(now: 111, lock: .held(pid: 7)) == .gone(pid: 42))
        #expect(a.state(now: 111, lock: .unknown) == .running(pid: 42, host: "box"))
    }

    /// A resumed run writes "started" again: the old end, and the old pace, are forgotten.
    @Test func aResumeStartsOver() {
        var a = Self.activity([Self.started(at: 100), Self.point(10, at: 101), Self.point(20, at: 102),
                               .event(RunEvent(name: "stopped", step: 20, time: 103, reason: "SIGINT"))])
        a.read(.event(RunEvent(name: "resume", step: 20, time: 500)))
        #expect(a.state(now: 501, lock: .free) == .stopped(step: 20, reason: "SIGINT"))
        a.read(Self.started(pid: 43, step: 20, at: 500))
        #expect(a.state(now: 501, lock: .held(pid: 43)) == .running(pid: 43, host: "box"))
        a.read(Self.point(30, at: 540))
        // The interval is now 40 s (from started), not the old 1 s.
        #expect(a.state(now: 600, lock: .held(pid: 43)) == .running(pid: 43, host: "box"))
        #expect(a.state(now: 661, lock: .held(pid: 43)) == .stalled(pid: 43, host: "box", since: 540))
        a.reset()
        #expect(a.state(now: 661, lock: .held(pid: 43)) == nil)
    }

    @Test func theHeaderShowsTheStateAndTheETAOnlyWhileRunning() {
        var s = LiveFixture.training(points: 400, probe: false)
        s.source = .watching(path: "/runs/demo")
        s.localHost = "box"
        s.trainer = .running(pid: 42, host: "box")
        var header = LiveFixture.render(s, 160, 48).text(row: 0)
        #expect(header.contains("maex watch │ running (pid 42) │ step 400/1000") && header.contains("250 img/s")
                && header.contains("ETA 1m00s"), "\(header)")
        s.trainer = .running(pid: 42, host: "elsewhere")
        #expect(LiveFixture.render(s, 160, 48).text(row: 0).contains("running (pid 42 on elsewhere)"))

        s.trainer = .stopped(step: 400, reason: "SIGTERM")
        header = LiveFixture.render(s, 160, 48).text(row: 0)
        #expect(header.contains("stopped: SIGTERM") && !header.contains("ETA"), "\(header)")
        s.trainer = .finished(step: 1000)
        #expect(LiveFixture.render(s, 160, 48).text(row: 0).contains("│ finished │"))
        s.trainer = .gone(pid: 42)
        #expect(LiveFixture.render(s, 160, 48).text(row: 0).contains("gone: pid 42 ended without a final event"))

        let since = 1_700_000_000.0
        s.trainer = .stalled(pid: 42, host: "box", since: since)
        header = LiveFixture.render(s, 160, 48).text(row: 0)
        #expect(header.contains("stalled: no line since \(LiveViewRenderer.clock(since)) (pid 42)") && !header.contains("ETA"),
                "\(header)")

        s.trainer = .failed(step: 12, reason: "cannot save: disk full")
        let grid = LiveFixture.render(s, 160, 48)
        #expect(grid.text(row: 0).contains("│ failed │"))
        #expect(grid.text(row: 1).contains("the trainer failed at step 12: cannot save: disk full"))
    }

    @Test func theClockIsLocalHoursMinutesSeconds() {
        let text = LiveViewRenderer.clock(1_700_000_000)
        #expect(text.count == 8 && text.split(separator: ":").count == 3)
        #expect(text.hasSuffix(":20"))  // 1 700 000 000 s is 22:13:20 UTC; every zone keeps the seconds
    }
}

/// WatchFeed on a run folder: the trainer state from the file and the lock, read only.
@Suite struct WatchFeedTrainerTests {
    @Test func aKilledTrainerIsGoneAndTheRunLengthComesFromStarted() throws {
        let log = LiveWatchTests.TempLog()
        let metrics = log.folder + "/metrics.jsonl", lock = log.folder + "/lock"
        let host = RunLock.hostName, now = Date().timeIntervalSince1970
        // A lock left by a trainer that died: it names the pid, nobody holds it.
        try Data("{\"pid\": 999999, \"host\": \"\(host)\", \"started\": \(now)}\n".utf8).write(to: URL(fileURLWithPath: lock))
        try Data(("{\"event\": \"started\", \"pid\": 999999, \"host\": \"\(host)\", \"step\": 0, \"total_steps\": 80, \"time\": \(now)}\n"
                  + "{\"step\": 10, \"loss\": 0.9, \"time\": \(now)}\n").utf8).write(to: URL(fileURLWithPath: metrics))
        let feed = WatchFeed(metricsPath: metrics, checkpointPath: nil, probeImages: [], lockPath: lock)
        var state = LiveViewState(source: .watching(path: log.folder))
        #expect(feed.poll(&state, preview: PreviewWorker(wakeFD: -1)))
        #expect(state.trainer == .gone(pid: 999999))
        #expect(state.totalSteps == 80)
        #expect(LiveViewRenderer.render(state, width: 160, height: 48).grid.text(row: 0).contains("step 10/80"))
        // It only read: the lock file is as it was.
        #expect(try String(contentsOfFile: lock, encoding: .utf8).contains("\"pid\": 999999"))
    }

    /// Without a lock to look at (a metrics.jsonl alone), a quiet trainer is stalled, not gone.
    @Test func withoutTheLockAQuietTrainerIsStalled() throws {
        let log = LiveWatchTests.TempLog()
        let metrics = log.folder + "/metrics.jsonl"
        let t = Date().timeIntervalSince1970 - 600
        try Data(("{\"event\": \"started\", \"pid\": 42, \"host\": \"box\", \"step\": 0, \"total_steps\": 80, \"time\": \(t)}\n"
                  + "{\"step\": 10, \"loss\": 0.9, \"time\": \(t + 10)}\n").utf8).write(to: URL(fileURLWithPath: metrics))
        let feed = WatchFeed(metricsPath: metrics, checkpointPath: nil, probeImages: [])
        var state = LiveViewState(source: .watching(path: metrics))
        _ = feed.poll(&state, preview: PreviewWorker(wakeFD: -1))
        // Foundation's JSON reader may round the last digit of a Unix time: compare to the microsecond.
        guard case .stalled(let pid, let host, let since)? = state.trainer else {
            Issue.record("expected a stalled trainer, got \(String(describing: state.trainer))"); return
        }
        #expect(pid == 42 && host == "box")
        #expect(abs(since - (t + 10)) < 1e-5)
    }
}
