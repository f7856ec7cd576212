import Foundation
import MAE
import Testing
@testable import Training

@Suite struct RunDirectoryTests {
    static let config = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                                  decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)

    static func runConfig() -> RunConfig {
        var o = TrainingOptions()
        o.batchSize = 2
        o.steps = 20
        return RunConfig(model: config, training: o, data: "/data", plan: TrainingPlan(options: o, images: 4))
    }

    @Test func saveAndLoadRoundTrip() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let run = RunDirectory(path: dir.path + "/run/nested")
        try run.create(config: Self.runConfig())
        #expect(try run.readConfig() == Self.runConfig())
        #expect(FileManager.default.fileExists(atPath: run.metricsPath))

        let model = try MAEModel(config: Self.config, seed: 3)
        let opt = AdamW(table: model.table)
        for i in 0..<model.table.count { opt.m[i] = Float(i % 7) * 0.1; opt.v[i] = Float(i % 5) * 0.01 }
        let state = TrainingState(step: 12, position: DataPosition(epoch: 5, index: 3), micro: 24, seed: 99, elapsed: 1.5)
        try run.save(model: model, optimizer: opt, state: state)

        let (loaded, loadedOpt, loadedState) = try run.load(config: Self.runConfig())
        #expect(loadedState == state)
        #expect(loadedOpt.step == 12)
        #expect(loaded.weights() == model.weights())
        for e in model.table.entries where e.trainable {
            #expect(Array(loadedOpt.m[e.range]) == Array(opt.m[e.range]))
            #expect(Array(loadedOpt.v[e.range]) == Array(opt.v[e.range]))
        }
        // The checkpoint is a plain model file too.
        let plain = try Checkpoint.load(path: run.checkpointPath)
        #expect(plain.config == Self.config)
    }

    @Test func aNewRunRefusesAFolderWithACheckpoint() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let run = RunDirectory(path: dir.path)
        try run.create(config: Self.runConfig())
        let model = try MAEModel(config: Self.config, seed: 1)
        try run.save(model: model, optimizer: AdamW(table: model.table), state: TrainingState(seed: 0))
        #expect(throws: RunError.alreadyARun(path: dir.path)) { try run.create(config: Self.runConfig()) }
    }

    @Test func unusableRunFolderIsAClearError() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let file = try dir.write("plain-file", [1])
        do {
            try RunDirectory(path: file).create(config: Self.runConfig())
            Issue.record("created a run inside a file")
        } catch {
            #expect(error.description.contains(file))
        }
        do {
            try RunDirectory(path: file + "/sub").create(config: Self.runConfig())
            Issue.record("created a run below a file")
        } catch {
            #expect(error.description.contains(file))
        }
    }

    @Test func resumingNeedsASavedRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let run = RunDirectory(path: dir.path)
        #expect(throws: RunError.self) { try run.readConfig() }
        try run.create(config: Self.runConfig())
        do {
            _ = try run.load(config: Self.runConfig())
            Issue.record("loaded a run without a checkpoint")
        } catch {
            #expect(error.description.contains("no checkpoint"))
        }
    }

    @Test func metricsAfterTheCheckpointAreDropped() {
        let text = """
            {"step": 1, "loss": 1.0}
            {"event": "checkpoint", "path": "x", "step": 2}
            {"step": 3, "loss": 0.5}
            {"event": "skipped", "file": "f", "reason": "r", "step": 3}
            {"step": 4, "lo
            """
        #expect(MetricsLog.lines(of: text, upToStep: 2) == [
            #"{"step": 1, "loss": 1.0}"#, #"{"event": "checkpoint", "path": "x", "step": 2}"#,
        ])
    }

    @Test func metricsLinesAreJSON() throws {
        let line = MetricsLog.line(["step": .int(3), "loss": .double(.nan), "file": .string("a \"b\"\n"), "ok": .bool(true)])
        #expect(line == #"{"step": 3, "loss": null, "file": "a \"b\"\n", "ok": true}"#)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(object["file"] as? String == "a \"b\"\n")
    }
}
