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
/// Both state files are replaced atomically, so a crash or a full disk leaves the previous pair.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var configPath: String { file("config.json") }
    public var metricsPath: String { file("metrics.jsonl") }
    public var checkpointPath: String { file("checkpoint.safetensors") }
    public var optimizerPath: String { file("optimizer.safetensors") }
    /// What the trainer prints once it has no terminal (detached, or after a hang-up).
    public var logPath: String { file("train.log") }

    func file(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    public var holdsCheckpoint: Bool { FileManager.default.fileExists(atPath: checkpointPath) }

    // MARK: creating and resuming

    /// Makes the folder of a new run (parents too), writes config.json and empties
    /// metrics.jsonl. Refuses a folder that already holds a checkpoint.
    public func create(config: RunConfig) throws(RunError) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            throw .io(path: path, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, reason: "cannot create the run folder: \(Self.reason(error))")
        }
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
    /// ones, so a full disk or an unwritable folder leaves the previous pair untouched, and
    /// the two never disagree unless the process dies between two renames.
    public func save(model: MAEModel, optimizer: AdamW, state: TrainingState) throws(RunError) {
        let checkpointNext = checkpointPath + ".next", optimizerNext = optimizerPath + ".next"
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
        // Make the renames durable.
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
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

    /// The saved model, optimizer and state; checks that they belong together and to `config`.
    public func load(config: RunConfig) throws(RunError) -> (MAEModel, AdamW, TrainingState) {
        guard holdsCheckpoint else {
            throw .notResumable(path: path, reason: "no checkpoint.safetensors yet (the run saved nothing)")
        }
        guard FileManager.default.fileExists(atPath: optimizerPath) else {
            throw .notResumable(path: path, reason: "no optimizer.safetensors next to the checkpoint")
        }
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
        let checkpointStep = (try? SafeTensors.read(path: checkpointPath))?.metadata["train.step"].flatMap { Int($0) }
        if let checkpointStep, checkpointStep != step {
            throw .notResumable(path: path, reason: "checkpoint.safetensors is at step \(checkpointStep) but "
                + "optimizer.safetensors at step \(step) (a save was interrupted); the checkpoint alone still "
                + "opens in maex reconstruct")
        }
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
        return (model, optimizer, state)
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
