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

        let (loaded, loadedOpt, loadedState, pair) = try run.load(config: Self.runConfig())
        #expect(pair == SavedPair(step: 12, checkpoint: "checkpoint.safetensors", optimizer: "optimizer.safetensors"))
        #expect(pair.note == nil)
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

    // MARK: an interrupted save

    /// A run folder whose pair was saved at step 1 (weights of seed 1), and beside it the two
    /// files a save of step 2 writes (weights of seed 2), to lay out as a kill leaves them.
    struct Interrupted {
        let dir: TemporaryFolder
        let run: RunDirectory
        let later: RunDirectory

        init(savedFirst: Bool = true) throws {
            dir = try TemporaryFolder()
            run = RunDirectory(path: dir.path + "/run")
            later = RunDirectory(path: dir.path + "/later")
            try run.create(config: RunDirectoryTests.runConfig())
            try FileManager.default.createDirectory(atPath: later.path, withIntermediateDirectories: true)
            if savedFirst { try Self.save(step: 1, seed: 1, in: run) }
            try Self.save(step: 2, seed: 2, in: later)
        }

        static func save(step: Int, seed: UInt64, in run: RunDirectory) throws {
            let model = try MAEModel(config: RunDirectoryTests.config, seed: seed)
            try run.save(model: model, optimizer: AdamW(table: model.table),
                         state: TrainingState(step: step, position: DataPosition(epoch: 0, index: 2 * step), micro: step, seed: 0))
        }

        /// Copies the later save's `name` into the run as `target`.
        func place(_ name: String, as target: String) throws {
            let to = run.path + "/" + target
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: later.path + "/" + name, toPath: to)
        }

        var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: run.path).sorted()) ?? [] }

        func weights(seed: UInt64) throws -> [Float] { try MAEModel(config: RunDirectoryTests.config, seed: seed).weights() }
    }

    /// Where a `kill -9` can stop a save of step 2 after the pair of step 1, what it leaves
    /// (the later save's files placed under the names given), and the step a resume continues from.
    static let kills: [(moment: String, leaves: [(String, String)], step: Int)] = [
        ("while writing the optimizer state", [("checkpoint.safetensors", "checkpoint.safetensors.next")], 1),
        ("before the renames", [("checkpoint.safetensors", "checkpoint.safetensors.next"),
                                ("optimizer.safetensors", "optimizer.safetensors.next")], 2),
        ("between the renames", [("checkpoint.safetensors", "checkpoint.safetensors.next"),
                                 ("optimizer.safetensors", "optimizer.safetensors")], 2),
    ]

    @Test(arguments: 0..<kills.count)
    func anInterruptedSaveResumesFromTheNewestCompletePair(kill: Int) throws {
        let (moment, leaves, step) = Self.kills[kill]
        let f = try Interrupted()
        defer { f.dir.remove() }
        for (name, target) in leaves { try f.place(name, as: target) }
        #expect(f.run.newestPair()?.step == step, "\(moment)")

        let (model, optimizer, state, pair) = try f.run.load(config: Self.runConfig())
        #expect(state.step == step && optimizer.step == step && state.position.index == 2 * step, "\(moment)")
        #expect(model.weights() == (try f.weights(seed: UInt64(step))), "\(moment)")
        #expect(pair.step == step)
        #expect(pair.rolledForward == (step == 2), "\(moment)")
        #expect(pair.discarded == (step == 1 ? ["checkpoint.safetensors.next"] : []), "\(moment)")
        #expect(pair.note?.contains(step == 2 ? "interrupted" : "discarded") == true, "\(moment): \(pair.note ?? "")")
        // The pair is now today's files, and nothing of the interrupted save is left.
        #expect(f.files == ["checkpoint.safetensors", "config.json", "metrics.jsonl", "optimizer.safetensors"], "\(moment)")
        #expect(try SafeTensors.read(path: f.run.checkpointPath).metadata["train.step"] == String(step))
        // A second resume (the first killed after its renames) finds the same, and says nothing more.
        let again = try f.run.load(config: Self.runConfig())
        #expect(again.state == state && again.pair.note == nil)
    }

    /// Killed between the renames of its first save: no checkpoint.safetensors yet, but the run
    /// holds a complete save, which a new run must not overwrite and a resume continues from.
    @Test func aFirstSaveInterruptedBetweenItsRenamesIsARun() throws {
        let f = try Interrupted(savedFirst: false)
        defer { f.dir.remove() }
        try f.place("checkpoint.safetensors", as: "checkpoint.safetensors.next")
        try f.place("optimizer.safetensors", as: "optimizer.safetensors")
        #expect(f.run.holdsCheckpoint)
        #expect(throws: RunError.alreadyARun(path: f.run.path)) { try f.run.create(config: Self.runConfig()) }
        let (_, _, state, pair) = try f.run.load(config: Self.runConfig())
        #expect(state.step == 2 && pair.rolledForward)
        #expect(FileManager.default.fileExists(atPath: f.run.checkpointPath))
    }

    /// Killed while writing its first checkpoint: nothing complete, so a new run may start there.
    @Test func aFirstSaveInterruptedWhileWritingIsNotARun() throws {
        let f = try Interrupted(savedFirst: false)
        defer { f.dir.remove() }
        try f.place("checkpoint.safetensors", as: "checkpoint.safetensors.next")
        #expect(!f.run.holdsCheckpoint)
        #expect(throws: RunError.self) { try f.run.load(config: Self.runConfig()) }
        try f.run.create(config: Self.runConfig())
    }

    /// Two files of different steps and no save beside them that completes either: refused, as before.
    @Test func aMismatchedPairWithNothingToCompleteItIsRefused() throws {
        let f = try Interrupted()
        defer { f.dir.remove() }
        try f.place("optimizer.safetensors", as: "optimizer.safetensors")
        #expect(f.run.newestPair() == nil)
        do {
            _ = try f.run.load(config: Self.runConfig())
            Issue.record("loaded a checkpoint of step 1 with an optimizer state of step 2")
        } catch {
            #expect(error.description.contains("checkpoint.safetensors is at step 1 but optimizer.safetensors at step 2"),
                    "\(error)")
        }
    }

    /// A `.next` that is not a file (a folder in the way) is neither a save nor removed.
    @Test func aFolderNamedLikeASaveIsLeftAlone() throws {
        let f = try Interrupted()
        defer { f.dir.remove() }
        try FileManager.default.createDirectory(atPath: f.run.checkpointPath + ".next/x", withIntermediateDirectories: true)
        let (_, _, state, pair) = try f.run.load(config: Self.runConfig())
        #expect(state.step == 1 && pair.note == nil)
        #expect(FileManager.default.fileExists(atPath: f.run.checkpointPath + ".next/x"))
    }
}
