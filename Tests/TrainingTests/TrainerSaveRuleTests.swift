import Foundation
import MAE
import Testing
@testable import Training

/// When the trainer saves, and the "trigger" its checkpoint events give.
extension TrainerTests {
    static func metrics(_ run: RunDirectory) throws -> [[String: Any]] {
        try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// (step, trigger) of each checkpoint event.
    static func checkpoints(_ run: RunDirectory) throws -> [(step: Int, trigger: String)] {
        try metrics(run).filter { $0["event"] as? String == "checkpoint" }.map {
            ($0["step"] as? Int ?? -1, $0["trigger"] as? String ?? "")
        }
    }

    @Test func checkpointEventsNameTheRuleThatSaved() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let ended = RunDirectory(path: dir.path + "/ended")
        _ = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model,
                                                     options: Self.options(steps: 5, saveEvery: 2), run: ended))
        #expect(try Self.checkpoints(ended).map { "\($0.step) \($0.trigger)" } == ["2 save_every", "4 save_every", "5 end"])

        let stopped = RunDirectory(path: dir.path + "/stopped")
        _ = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model,
                                                     options: Self.options(steps: 50, saveEvery: 2), run: stopped), stopAfter: 3)
        #expect(try Self.checkpoints(stopped).map { "\($0.step) \($0.trigger)" } == ["2 save_every", "3 stop"])
    }

    /// `saveEveryMinutes` counts training seconds (the `elapsed` of the step lines) since the
    /// last save: a save comes at the first step that reaches the interval, never before it.
    /// The interval is set to about three steps of this machine, measured first.
    @Test func savesByMinutesOfTrainingSinceTheLastSave() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let (_, warmup) = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model,
                                                                    options: Self.options(steps: 6), run: nil))
        let stepSeconds = try #require(warmup.last).elapsed / Double(warmup.count)
        let run = RunDirectory(path: dir.path + "/run")
        var options = Self.options(steps: 40, saveEvery: 1000)
        options.saveEveryMinutes = 3 * stepSeconds / 60
        _ = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model, options: options, run: run))

        let elapsed = Dictionary(uniqueKeysWithValues: try Self.metrics(run).filter { $0["event"] == nil }.map {
            ($0["step"] as! Int, $0["elapsed"] as! Double)
        })
        let interval = options.saveEveryMinutes * 60
        let saves = try Self.checkpoints(run)
        #expect(saves.last?.step == 40 && saves.allSatisfy { ["save_every_minutes", "end"].contains($0.trigger) }, "\(saves)")
        let timed = saves.filter { $0.trigger == "save_every_minutes" }
        #expect(timed.count >= 3, "\(saves)")
        var last = (step: 0, elapsed: 0.0), spans: [Int] = []
        for save in saves where save.trigger == "save_every_minutes" {
            let at = try #require(elapsed[save.step])
            #expect(at - last.elapsed >= interval, "step \(save.step) saved \(at - last.elapsed) s after the last save")
            if save.step - 1 > last.step {
                let before = try #require(elapsed[save.step - 1])
                #expect(before - last.elapsed < interval, "step \(save.step - 1) should have saved already")
            }
            spans.append(save.step - last.step)
            last = (save.step, at)
        }
        // Not every step: the rule waited for the interval.
        #expect(spans.contains { $0 > 1 }, "\(spans)")
    }

    /// A run saved by minutes keeps its interval on resume unless --save-every-minutes changes it.
    @Test func saveEveryMinutesIsStoredAndMayChangeOnResume() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        var options = Self.options(steps: 2)
        options.saveEveryMinutes = 0.25
        _ = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model, options: options, run: run))
        #expect(try TrainingSession.resume(run: run).options.saveEveryMinutes == 0.25)
        let changed = try TrainingSession.resume(run: run) { (c: inout RunConfig) throws(RunError) in
            c.training.saveEveryMinutes = 1.5
        }
        #expect(changed.options.saveEveryMinutes == 1.5)
        #expect(try run.readConfig().training.saveEveryMinutes == 1.5)
    }
}
