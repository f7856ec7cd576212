import Foundation
import MAE
import Testing
@testable import Training

/// Trainer runs on tiny shapes (16 px, patch 4, width 16, one block) so a debug build takes
/// a few milliseconds a step. Serialized: every run sets the process-wide BLAS thread count.
@Suite(.serialized) struct TrainerTests {
    static let model = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                                 decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)

    static func options(steps: Int, saveEvery: Int = 1000, lr: Double? = nil) -> TrainingOptions {
        var o = TrainingOptions()
        o.batchSize = 2
        o.steps = steps
        o.warmupSteps = 3
        o.logEvery = 1
        o.saveEvery = saveEvery
        o.threads = 1
        o.seed = 5
        o.lr = lr
        return o
    }

    /// Two small sample images in a fresh folder.
    static func dataFolder() throws -> TemporaryFolder {
        let dir = try TemporaryFolder("maex-train-data")
        try dir.copyAsset("text.png", to: "text.png")
        try dir.copyAsset("coins.png", to: "sub/coins.png")
        return dir
    }

    static func train(_ session: TrainingSession, stopAfter: Int? = nil) throws -> (TrainerOutcome?, [TrainingSample]) {
        let trainer = Trainer(session: session)
        if let stopAfter { trainer.stop(afterStep: stopAfter) }
        trainer.start()
        let outcome = try Self.outcome(trainer)
        return (outcome, trainer.samples(after: 0).samples)
    }

    /// Polls `condition` until it holds; past the deadline the test fails (and stops) instead
    /// of hanging the run. Generous: debug builds on a busy machine are slow.
    static func waitUntil(_ what: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
                          _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        try #require(condition(), "waited \(seconds) s for \(what)", sourceLocation: sourceLocation)
    }

    /// The trainer's outcome, once its thread has ended (within the deadline).
    static func outcome(_ trainer: Trainer, sourceLocation: SourceLocation = #_sourceLocation) throws -> TrainerOutcome {
        try waitUntil("the trainer to finish", sourceLocation: sourceLocation) { trainer.status.phase == .finished }
        return try #require(trainer.wait(), sourceLocation: sourceLocation)
    }

    /// The trainer's events, as its `onEvent` receives them.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [TrainerEvent] = []
        func receive(_ event: TrainerEvent) { lock.withLock { events.append(event) } }
        var all: [TrainerEvent] { lock.withLock { events } }
        var saveFailures: [(step: Int, failure: TrainerFailure)] {
            all.compactMap { if case .saveFailed(let step, let failure) = $0 { (step, failure) } else { nil } }
        }
        var checkpointSteps: [Int] { all.compactMap { if case .checkpoint(_, let step) = $0 { step } else { nil } } }
    }

    /// Makes saving fail without touching the folder or the metrics: the checkpoint is written
    /// to `<name>.next` first, and a folder stands there.
    static func obstructSaving(_ run: RunDirectory) throws {
        try FileManager.default.createDirectory(atPath: run.checkpointPath + ".next/in-the-way", withIntermediateDirectories: true)
    }

    static func clearSaving(_ run: RunDirectory) throws {
        try FileManager.default.removeItem(atPath: run.checkpointPath + ".next")
    }

    static func checkpointStep(_ run: RunDirectory) throws -> Int? {
        try SafeTensors.read(path: run.checkpointPath).metadata["train.step"].flatMap { Int($0) }
    }

    /// 20 steps straight and 10 + resume + 10 give bit-identical losses and weights.
    @Test func resumeContinuesExactly() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let straightRun = RunDirectory(path: dir.path + "/straight")
        let (straight, straightSamples) = try Self.train(try TrainingSession.fresh(
            data: data.path, model: Self.model, options: Self.options(steps: 20), run: straightRun))
        #expect(straight == .completed(step: 20))
        #expect(straightSamples.map(\.step) == Array(1...20))

        let splitRun = RunDirectory(path: dir.path + "/split")
        let (first, firstSamples) = try Self.train(try TrainingSession.fresh(
            data: data.path, model: Self.model, options: Self.options(steps: 20), run: splitRun), stopAfter: 10)
        #expect(first == .stopped(step: 10))
        #expect(try Self.checkpointStep(splitRun) == 10)
        let resumed = try TrainingSession.resume(run: splitRun)
        #expect(resumed.state.step == 10 && resumed.state.micro == 10)
        let (second, secondSamples) = try Self.train(resumed)
        #expect(second == .completed(step: 20))

        let split = firstSamples + secondSamples
        #expect(split.map(\.step) == Array(1...20))
        #expect(split.map(\.loss) == straightSamples.map(\.loss))
        #expect(split.map(\.lr) == straightSamples.map(\.lr))
        #expect(split.map(\.epoch) == straightSamples.map(\.epoch))
        let a = try SafeTensors.read(path: straightRun.checkpointPath), b = try SafeTensors.read(path: splitRun.checkpointPath)
        for name in a.names { #expect(try a.floats(name) == b.floats(name), "\(name)") }

        // metrics.jsonl: one line per step, a checkpoint event, a resume event.
        let lines = try String(contentsOfFile: splitRun.metricsPath, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.compactMap { $0["loss"] as? Double }.count == 20)
        #expect(objects.filter { $0["event"] as? String == "checkpoint" }.count == 2)
        #expect(objects.filter { $0["event"] as? String == "resume" }.count == 1)
        for o in objects where o["event"] == nil {
            for key in ["step", "epoch", "loss", "lr", "images_per_s", "time", "elapsed"] { #expect(o[key] != nil, "\(key)") }
        }
    }

    @Test func stopFinishesTheStepAndSaves() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path)
        let trainer = Trainer(session: try TrainingSession.fresh(data: data.path, model: Self.model,
                                                                  options: Self.options(steps: 1_000_000), run: run))
        defer { trainer.stop() }  // a failed wait must not leave it training
        trainer.start()
        try Self.waitUntil("three steps") { trainer.status.step >= 3 }
        let snapshot = trainer.snapshot()
        #expect(snapshot.config == Self.model)
        #expect(snapshot.weights().allSatisfy { $0.isFinite })
        trainer.stop()
        let outcome = try Self.outcome(trainer)
        guard case .stopped(let step) = outcome else { Issue.record("\(outcome)"); return }
        #expect(step >= 3)
        #expect(try Self.checkpointStep(run) == step)
        #expect(trainer.status.phase == .finished)
    }

    @Test func pauseHoldsBetweenStepsAndServesSnapshots() throws {
        let data = try Self.dataFolder()
        defer { data.remove() }
        let session = try TrainingSession.fresh(data: data.path, model: Self.model,
                                                options: Self.options(steps: 1_000_000), run: nil)
        let trainer = Trainer(session: session)
        defer { trainer.stop() }
        trainer.pause()
        trainer.start()
        try Self.waitUntil("the pause") { trainer.status.phase == .paused }
        #expect(trainer.status.step == 0)
        let copy = trainer.snapshot()
        #expect(copy.weights() == session.model.weights())
        Thread.sleep(forTimeInterval: 0.05)
        #expect(trainer.status.step == 0)
        trainer.resume()
        try Self.waitUntil("two steps") { trainer.status.step >= 2 }
        trainer.stop()
        #expect(try Self.outcome(trainer).step >= 2)
        // After the thread ends, a snapshot is the final weights.
        #expect(trainer.snapshot().weights() == session.model.weights())
    }

    /// A diverging run stops at the step whose loss is not finite and leaves the last
    /// checkpoint as it was.
    @Test func nonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path)
        var options = Self.options(steps: 50, saveEvery: 1, lr: 1e30)
        options.warmupSteps = 0
        let (outcome, samples) = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model,
                                                                           options: options, run: run))
        guard case .failed(let step, .nonFiniteLoss(let bad, _)) = outcome else { Issue.record("\(String(describing: outcome))"); return }
        #expect(bad == step + 1)
        #expect(samples.count == step)
        #expect(samples.allSatisfy { $0.loss.isFinite })
        #expect(try Self.checkpointStep(run) == step)
    }

    /// The run folder becomes unusable mid-run: the save fails with an error naming the path,
    /// the run stops, and the checkpoint saved before is intact.
    @Test func aFailedSaveStopsTheRunAndKeepsThePreviousCheckpoint() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        _ = try Self.train(try TrainingSession.fresh(data: data.path, model: Self.model, options: Self.options(steps: 2), run: run))
        let before = try Data(contentsOf: URL(fileURLWithPath: run.checkpointPath))

        let session = try TrainingSession.resume(run: run) { (c: inout RunConfig) throws(RunError) in
            c.training.steps = 10
            c.training.saveEvery = 4
        }
        let trainer = Trainer(session: session)
        defer { trainer.stop() }
        trainer.pause()
        trainer.start()
        try Self.waitUntil("the pause") { trainer.status.phase == .paused }
        try FileManager.default.moveItem(atPath: run.path, toPath: dir.path + "/moved")
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: run.path))
        trainer.resume()
        let outcome = try Self.outcome(trainer)
        guard case .failed(let step, .save(let error)) = outcome else { Issue.record("\(outcome)"); return }
        #expect(step == 4)
        #expect(error.description.contains(run.path))
        let kept = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/moved/checkpoint.safetensors"))
        #expect(kept == before)
        #expect(try Checkpoint.load(path: dir.path + "/moved/checkpoint.safetensors").config == Self.model)
    }

    /// A save asked for as the pause begins fails: the failure is an event, the run stays
    /// paused, and the save is tried again when the pause ends, where failing ends the run
    /// before any step (it does not train on with nothing saved).
    @Test func aFailedSaveAtThePauseIsReportedAndTriedAgainOnResume() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        let events = Events()
        let trainer = Trainer(session: try TrainingSession.fresh(data: data.path, model: Self.model,
                                                                  options: Self.options(steps: 3), run: run),
                              onEvent: events.receive)
        defer { trainer.stop() }
        try Self.obstructSaving(run)
        trainer.pause()
        trainer.saveNow()
        trainer.start()
        try Self.waitUntil("the pause") { trainer.status.phase == .paused }
        try Self.waitUntil("the failed save's event") { !events.saveFailures.isEmpty }
        #expect(events.saveFailures.map(\.step) == [0])
        #expect(events.saveFailures.first?.failure.description.contains(run.checkpointPath) == true)
        #expect(trainer.status.phase == .paused)

        trainer.resume()
        let outcome = try Self.outcome(trainer)
        guard case .failed(let step, .save(let error)) = outcome else { Issue.record("\(outcome)"); return }
        #expect(step == 0, "the run trained on after a failed save")
        #expect(error.description.contains(run.checkpointPath))
        #expect(trainer.samples(after: 0).samples.isEmpty)
    }

    /// `saveNow` while paused fails: an event says so and the trainer stays paused; once the
    /// folder is usable again, the pending save is made when the run resumes.
    @Test func aFailedSaveWhilePausedIsReportedAndMadeOnResume() throws {
        let data = try Self.dataFolder(), dir = try TemporaryFolder()
        defer { data.remove(); dir.remove() }
        let run = RunDirectory(path: dir.path + "/run")
        let events = Events()
        let trainer = Trainer(session: try TrainingSession.fresh(data: data.path, model: Self.model,
                                                                  options: Self.options(steps: 2), run: run),
                              onEvent: events.receive)
        defer { trainer.stop() }
        trainer.pause()
        trainer.start()
        try Self.waitUntil("the pause") { trainer.status.phase == .paused }
        try Self.obstructSaving(run)
        trainer.saveNow()
        try Self.waitUntil("the failed save's event") { !events.saveFailures.isEmpty }
        #expect(events.saveFailures.map(\.step) == [0])
        #expect(trainer.status.phase == .paused)
        #expect(events.checkpointSteps.isEmpty)

        try Self.clearSaving(run)
        trainer.resume()
        #expect(try Self.outcome(trainer) == .completed(step: 2))
        #expect(events.checkpointSteps == [0, 2], "the failed save is made when the pause ends")
        #expect(events.saveFailures.count == 1)
    }

    /// An accumulated step's gradients are the mean of its micro-batches' gradients. They are
    /// read back from AdamW's first moment, which after one step is (1 − β1)·g; the weights
    /// cannot tell, since Adam's update hardly changes when every gradient doubles. A sum, or
    /// the last micro-batch alone, fails.
    @Test func accumulationAveragesMicroBatches() throws {
        let data = try Self.dataFolder()
        defer { data.remove() }
        var options = Self.options(steps: 1)
        options.accum = 2
        let session = try TrainingSession.fresh(data: data.path, model: Self.model, options: options, run: nil)
        #expect(session.plan.effectiveBatch == 4)
        let initial = session.model.copy()
        let (outcome, samples) = try Self.train(session)
        #expect(outcome == .completed(step: 1))
        let sample = try #require(samples.first)
        // One step of two micro-batches of two images over two files: 4 images, 2 epochs.
        #expect(sample.epoch == 2)

        // The step's two micro-batches again (batches depend only on seed, position and micro
        // index), each through the weights before the step.
        let loader = BatchLoader(dataset: session.dataset, augmentation: Augmentation(side: Self.model.imgSize, options: options),
                                 maskNoise: MaskNoise(strategy: .random, ratio: options.maskRatio, gridSize: Self.model.gridSize),
                                 batchSize: options.batchSize, seed: session.state.seed, start: DataPosition(), micro: 0)
        loader.start()
        defer { loader.stop() }
        var losses: [Double] = [], micro: [[Float]] = []
        for _ in 0..<2 {
            let batch = try loader.next()
            var g = [Float](repeating: 0, count: initial.table.count)
            let loss = g.withUnsafeMutableBufferPointer {
                initial.lossAndGradients(images: batch.images, noise: batch.noise, batch: batch.count,
                                         maskRatio: batch.maskRatio, gradients: $0)
            }
            losses.append(Double(loss))
            micro.append(g)
        }
        #expect(abs(sample.loss - (losses[0] + losses[1]) / 2) < 1e-5 * abs(sample.loss))

        let beta1 = Float(1 - session.optimizer.beta1)
        let trainable = initial.table.entries.filter(\.trainable).flatMap { Array($0.range) }
        let mean = trainable.map { (micro[0][$0] + micro[1][$0]) / 2 }
        let accumulated = trainable.map { session.optimizer.m[$0] / beta1 }
        let scale = try #require(mean.map(abs).max())
        #expect(scale > 0)
        let worst = zip(accumulated, mean).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-4 * scale, "accumulated gradients differ from the micro-batches' mean by \(worst) (scale \(scale))")
        // The micro-batches differ, so the mean is neither of them.
        let apart = trainable.map { abs(micro[0][$0] - micro[1][$0]) }.max() ?? 0
        #expect(apart > 0.01 * scale)
    }
}
