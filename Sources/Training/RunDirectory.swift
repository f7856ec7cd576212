import Foundation
import MAE

/// The files of a training run (`--run DIR`):
/// - config.json: `RunConfig`, written when the run is created;
/// - metrics.jsonl: `MetricsLog`;
/// - checkpoint.safetensors: the model (`Checkpoint.save`: authors' names, `mae.config`), with
///   `train.step` in its metadata; loadable by `maex reconstruct` and by PyTorch;
/// - optimizer.safetensors: AdamW's m and v as `exp_avg.<name>` / `exp_avg_sq.<name>` (PyTorch's
///   words), a `step` I64 tensor, and the `TrainingState` in its metadata;
/// - train.log: the trainer's messages once it runs without a terminal.
/// The two state files are saved as a pair (see `SavedPair`): a crash, a `kill -9` or a full
/// disk at any moment leaves a folder that resumes from the newest complete pair.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var configPath: String { file("config.json") }
    public var metricsPath: String { file("metrics.jsonl") }
    public var checkpointPath: String { file(Self.checkpointName) }
    public var optimizerPath: String { file(Self.optimizerName) }
    /// What the trainer prints once it has no terminal (detached, or after a hang-up).
    public var logPath: String { file("train.log") }

    func file(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    /// Whether the folder holds a checkpoint, or a complete save not yet renamed into place.
    public var holdsCheckpoint: Bool { FileManager.default.fileExists(atPath: checkpointPath) || newestPair() != nil }

    // MARK: creating and resuming

    /// Makes the run folder (and its parents) if it does not exist yet.
    public func makeFolder() throws(RunError) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            throw .io(path: path, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, reason: "cannot create the run folder: \(Self.reason(error))")
        }
    }

    /// Makes the folder of a new run (parents too), writes config.json and empties
    /// metrics.jsonl. Refuses a folder that already holds a checkpoint.
    public func create(config: RunConfig) throws(RunError) {
        try makeFolder()
        if holdsCheckpoint { throw .alreadyARun(path: path) }
        try writeConfig(config)
        do {
            try AtomicFile.write([], to: metricsPath)
        } catch {
            throw .checkpoint(error)
        }
    }

    public func writeConfig(_ config: RunConfig) throws(RunError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(config)) + [10]
        } catch {
            throw .badConfig(path: configPath, reason: "cannot encode: \(error)")
        }
        do {
            try AtomicFile.write(bytes, to: configPath)
        } catch {
            throw .checkpoint(error)
        }
    }

    public func readConfig() throws(RunError) -> RunConfig {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw .notResumable(path: path, reason: "no config.json (is this a maex run folder?)")
        }
        do {
            let config = try JSONDecoder().decode(RunConfig.self, from: data)
            guard config.format == RunConfig.currentFormat else {
                throw RunError.badConfig(path: configPath, reason: "format \"\(config.format)\" is not \(RunConfig.currentFormat)")
            }
            return config
        } catch let error as RunError {
            throw error
        } catch {
            throw .badConfig(path: configPath, reason: "not a maex run config: \(error)")
        }
    }

    // MARK: saving and loading the state

    /// Replaces checkpoint.safetensors and optimizer.safetensors as a pair: both are written
    /// in full first (each atomically, as `<name>.next`), and only then renamed over the old
    /// ones, so a full disk or an unwritable folder leaves the previous pair untouched; a kill
    /// between the two renames leaves a complete pair that the next `load` finishes renaming.
    public func save(model: MAEModel, optimizer: AdamW, state: TrainingState) throws(RunError) {
        let checkpointNext = checkpointPath + Self.nextSuffix, optimizerNext = optimizerPath + Self.nextSuffix
        do {
            try Checkpoint.save(model, to: checkpointNext, metadata: ["train.step": String(state.step)])
            try SafeTensors.write(Self.optimizerTensors(optimizer, state: state),
                                  metadata: Self.optimizerMetadata(state), to: optimizerNext)
        } catch {
            unlink(checkpointNext)
            unlink(optimizerNext)
            throw .checkpoint(Self.renamed(error, from: [checkpointNext: checkpointPath, optimizerNext: optimizerPath]))
        }
        for (from, to) in [(optimizerNext, optimizerPath), (checkpointNext, checkpointPath)] where rename(from, to) != 0 {
            throw .io(path: to, reason: "cannot replace the file: \(String(cString: strerror(errno)))")
        }
        syncFolder()
    }

    /// The error with the temporary name replaced by the file the user knows.
    static func renamed(_ error: CheckpointError, from names: [String: String]) -> CheckpointError {
        guard case .io(let path, let reason) = error, let real = names[path] else { return error }
        return .io(path: real, reason: reason)
    }

    static func optimizerTensors(_ optimizer: AdamW, state: TrainingState) -> [SafeTensors.Tensor] {
        var tensors: [SafeTensors.Tensor] = [SafeTensors.Tensor(name: "step", shape: [1], int64s: [Int64(state.step)])]
        for e in optimizer.table.entries where e.trainable {
            tensors.append(SafeTensors.Tensor(name: "exp_avg." + e.name, shape: e.shape, floats: Array(optimizer.m[e.range])))
            tensors.append(SafeTensors.Tensor(name: "exp_avg_sq." + e.name, shape: e.shape, floats: Array(optimizer.v[e.range])))
        }
        return tensors
    }

    static func optimizerMetadata(_ s: TrainingState) -> [String: String] {
        ["format": "maex-optimizer/1", "step": String(s.step), "data.epoch": String(s.position.epoch),
         "data.index": String(s.position.index), "micro": String(s.micro), "seed": String(s.seed),
         "elapsed": String(s.elapsed), "adamw.step": String(s.step)]
    }

    /// The newest complete save's model, optimizer and state, and which pair it was (an
    /// interrupted save is completed or discarded first, see `settle`); checks that they belong
    /// together and to `config`.
    public func load(config: RunConfig) throws(RunError) -> (model: MAEModel, optimizer: AdamW, state: TrainingState,
                                                            pair: SavedPair) {
        guard let pair = try settle() else { throw noPair() }
        let model: MAEModel
        let file: SafeTensors
        do {
            model = try Checkpoint.load(path: checkpointPath, heads: config.model.numHeads,
                                        decoderHeads: config.model.decoderNumHeads)
            file = try SafeTensors.read(path: optimizerPath)
        } catch {
            throw .checkpoint(error)
        }
        guard model.config == config.model else {
            throw .notResumable(path: checkpointPath, reason: "its model config differs from config.json")
        }
        let meta = file.metadata
        func int(_ key: String) throws(RunError) -> Int {
            guard let v = meta[key].flatMap({ Int($0) }) else {
                throw .notResumable(path: optimizerPath, reason: "metadata '\(key)' is missing or not a number")
            }
            return v
        }
        let step = try int("step")
        let state = TrainingState(step: step, position: DataPosition(epoch: try int("data.epoch"), index: try int("data.index")),
                                  micro: try int("micro"), seed: meta["seed"].flatMap { UInt64($0) } ?? config.training.seed,
                                  elapsed: meta["elapsed"].flatMap { Double($0) } ?? 0)
        let optimizer = AdamW(table: model.table, weightDecay: config.training.weightDecay)
        do {
            for e in model.table.entries where e.trainable {
                try file.floats("exp_avg." + e.name, into: UnsafeMutableBufferPointer(rebasing: optimizer.m[e.range]))
                try file.floats("exp_avg_sq." + e.name, into: UnsafeMutableBufferPointer(rebasing: optimizer.v[e.range]))
            }
        } catch {
            throw .checkpoint(error)
        }
        optimizer.restore(step: step)
        return (model, optimizer, state, pair)
    }

    /// Why a folder without a complete pair cannot resume.
    private func noPair() -> RunError {
        let fm = FileManager.default
        guard fm.fileExists(atPath: checkpointPath) else {
            return .notResumable(path: path, reason: "no checkpoint.safetensors yet (the run saved nothing)")
        }
        guard fm.fileExists(atPath: optimizerPath) else {
            return .notResumable(path: path, reason: "no optimizer.safetensors next to the checkpoint")
        }
        func step(_ file: String, _ key: String) -> String {
            (try? SafeTensors.read(path: file))?.metadata[key] ?? "?"
        }
        return .notResumable(path: path, reason: "checkpoint.safetensors is at step \(step(checkpointPath, "train.step")) but "
            + "optimizer.safetensors at step \(step(optimizerPath, "step")), and no complete save of either step is "
            + "beside them; the checkpoint alone still opens in maex reconstruct")
    }

    /// Keeps metrics.jsonl lines up to `step` (a resumed run redoes the steps after its
    /// checkpoint) and appends a resume event.
    public func trimMetrics(toStep step: Int) throws(RunError) {
        let text = (try? String(contentsOfFile: metricsPath, encoding: .utf8)) ?? ""
        var lines = MetricsLog.lines(of: text, upToStep: step)
        lines.append(MetricsLog.line(["event": .string("resume"), "step": .int(step),
                                      "time": .double(Date().timeIntervalSince1970)]))
        do {
            try AtomicFile.write(Array(lines.joined(separator: "\n").utf8) + [10], to: metricsPath)
        } catch {
            throw .checkpoint(error)
        }
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
