import Foundation
import Testing
@testable import Training

/// The lifecycle lines the trainer writes to metrics.jsonl ("started" first, then one of
/// "finished", "stopped" or "failed" last), which `maex watch`, `maex stop` and
/// `maex train --detach` read. Serialized: every run sets the process-wide BLAS thread count.
@Suite(.serialized) struct RunEventsTests {
    static func lines(_ run: RunDirectory) throws -> [[String: Any]] {
        try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aCompletedRunStartsAndFinishesAndReleasesItsLock() throws {
        let data = try TrainerTests.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        let before = Date().timeIntervalSince1970
        let (outcome, _) = try TrainerTests.train(try TrainingSession.fresh(data: data.path, model: TrainerTests.model,
                                                                             options: TrainerTests.options(steps: 3), run: run))
        #expect(outcome == .completed(step: 3))
        let lines = try Self.lines(run)
        let started = try #require(lines.first)
        #expect(started["event"] as? String == "started")
        #expect(started["pid"] as? Int == Int(getpid()))
        #expect(started["host"] as? String == RunLock.hostName)
        #expect(started["step"] as? Int == 0 && started["total_steps"] as? Int == 3)
        #expect((started["time"] as? Double ?? 0) >= before - 1)
        let end = try #require(lines.last)
        #expect(end["event"] as? String == "finished" && end["step"] as? Int == 3 && end["time"] is Double)
        #expect(end["reason"] == nil)
        #expect(lines.filter { ["started", "finished", "stopped", "failed"].contains($0["event"] as? String ?? "") }.count == 2)
        // The run is over: the lock is free and empty.
        #expect(RunLock.holder(of: run.lockPath) == .nobody)
        #expect(try String(contentsOfFile: run.lockPath, encoding: .utf8).isEmpty)
    }

    @Test func aStopNamesWhatAskedAndAResumeStartsAgainAtItsStep() throws {
        let data = try TrainerTests.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        let trainer = Trainer(session: try TrainingSession.fresh(data: data.path, model: TrainerTests.model,
                                                                 options: TrainerTests.options(steps: 100_000), run: run))
        defer { trainer.stop() }
        trainer.start()
        try TrainerTests.waitUntil("a step") { trainer.status.step >= 2 }
        trainer.stop(reason: "SIGTERM")
        trainer.stop(reason: "later")  // the first reason counts
        guard case .stopped(let step)? = trainer.wait() else { Issue.record("not stopped"); return }
        let end = try #require(try Self.lines(run).last)
        #expect(end["event"] as? String == "stopped" && end["step"] as? Int == step && end["reason"] as? String == "SIGTERM")

        let resumed = try TrainingSession.resume(run: run) { (c: inout RunConfig) throws(RunError) in c.training.steps = step + 2 }
        let (outcome, _) = try TrainerTests.train(resumed)
        #expect(outcome == .completed(step: step + 2))
        let events = try Self.lines(run).compactMap { $0["event"] as? String }.filter { $0 != "checkpoint" }
        #expect(events == ["started", "stopped", "resume", "started", "finished"])
        let restarted = try #require(try Self.lines(run).last { $0["event"] as? String == "started" })
        #expect(restarted["step"] as? Int == step && restarted["total_steps"] as? Int == step + 2)
    }

    @Test func aFailedRunSaysWhy() throws {
        let data = try TrainerTests.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        var options = TrainerTests.options(steps: 50, saveEvery: 1, lr: 1e30)
        options.warmupSteps = 0
        let (outcome, _) = try TrainerTests.train(try TrainingSession.fresh(data: data.path, model: TrainerTests.model,
                                                                             options: options, run: run))
        guard case .failed(let step, _)? = outcome else { Issue.record("\(String(describing: outcome))"); return }
        let end = try #require(try Self.lines(run).last)
        #expect(end["event"] as? String == "failed" && end["step"] as? Int == step)
        #expect((end["reason"] as? String)?.contains("the loss became") == true)
    }
}
