import Foundation

/// Model files: safetensors with the authors' state-dict names (loadable by PyTorch's
/// `load_state_dict` as they are) and metadata `mae.config` = the constructor arguments as JSON
/// (with `layer_norm_eps` when it is not the authors' 1e-6), `format` = `mae-explorer/1`; and,
/// for reading, the authors' PyTorch `.pth` files and Hugging Face ViTMAE folders
/// (`OpenedCheckpoint`).
public enum Checkpoint {
    public static let format = "mae-explorer/1"

    /// Loads a checkpoint into a new model: a `.safetensors` or `.pth` file (told apart by
    /// content) under the authors' or Hugging Face's names, a `save_pretrained` folder or a
    /// Hugging Face cache folder (`CheckpointLocation`).
    ///
    /// The config comes from `mae.config` metadata or the Hugging Face config.json, else from the
    /// tensor shapes with head counts from the matching preset; `heads` and `decoderHeads`
    /// override either. `normPixLoss` overrides the config's flag (shapes cannot tell it: an
    /// inferred config takes it from the authors' `args` when the file has them, else false).
    /// Every tensor of the model must be present with its exact shape, and no other may be.
    /// A file without a decoder is refused with the reason. Pickle entries that refer to code
    /// (never run) are passed to `warn`, or refuse the file when `strict`.
    public static func load(path: String, heads: Int? = nil, decoderHeads: Int? = nil,
                            normPixLoss: Bool? = nil, strict: Bool = false,
                            warn: (String) -> Void = { _ in }) throws(CheckpointError) -> MAEModel {
        let opened = try OpenedCheckpoint.open(path)
        let source = opened.source
        try checkEntries(opened, strict: strict, warn: warn)
        guard opened.kind.hasDecoder else {
            throw .unusable(path: path, reason: CheckpointKind.noDecoderReason + " (`maex info` tells what it holds)")
        }

        var config: MAEConfig
        if let stated = try opened.statedConfig() {
            config = stated.config
            if let heads { config.numHeads = heads }
            if let decoderHeads { config.decoderNumHeads = decoderHeads }
        } else {
            config = try ConfigInference.infer(source, heads: heads, decoderHeads: decoderHeads)
            if let fromArgs = opened.argumentsNormPix { config.normPixLoss = fromArgs }
        }
        if let normPixLoss { config.normPixLoss = normPixLoss }

        // The names and shapes are checked against the config's table before the model is
        // allocated: a config.json of a few bytes may ask for gigabytes its tensors do not have.
        do {
            try config.validate()
        } catch {
            throw .unusable(path: path, reason: error.description)
        }
        try checkNames(source, against: ParameterTable(config: config))
        let model: MAEModel
        do {
            model = try MAEModel(config: config)
        } catch {
            throw .unusable(path: path, reason: error.description)
        }
        for entry in model.table.entries {
            try source.floats(entry.name, into: model.tensor(entry.name))
        }
        return model
    }

    /// The safetensors metadata of the checkpoint at `path` (a file or folder; empty for a
    /// `.pth`), without loading weights.
    public static func metadata(path: String) throws(CheckpointError) -> [String: String] {
        try TensorSource.open(path: CheckpointLocation.resolve(path).weights).metadata
    }

    /// Pickle entries that refer to code: refused with `strict`, else each one warned about.
    static func checkEntries(_ opened: OpenedCheckpoint, strict: Bool, warn: (String) -> Void) throws(CheckpointError) {
        let entries = opened.codeEntries
        if strict, !entries.isEmpty {
            throw .unusable(path: opened.source.path, reason: "refused with --strict: "
                            + entries.map(\.message).joined(separator: "; "))
        }
        for entry in entries { warn("\(opened.source.path): \(entry.message)") }
    }

    /// Every tensor of `table` present with its exact shape, and nothing else. One wrong tensor
    /// is named with its shapes; several, the first few of each kind.
    static func checkNames(_ source: TensorSource, against table: ParameterTable) throws(CheckpointError) {
        let path = source.path
        var found: [String: [Int]] = [:]
        for (name, shape) in source.shapes { found[name] = shape }
        let missing = table.entries.filter { found[$0.name] == nil }
        let unexpected = source.shapes.filter { table[$0.name] == nil }
        for entry in table.entries {
            if let shape = found[entry.name], shape != entry.shape {
                throw .shapeMismatch(path: path, tensor: entry.name, expected: entry.shape, found: shape)
            }
        }
        switch (missing.count, unexpected.count) {
        case (0, 0):
            return
        case (1, 0):
            throw .missingTensor(path: path, tensor: missing[0].name, expected: missing[0].shape)
        case (0, 1):
            throw .unexpectedTensor(path: path, tensor: unexpected[0].name, shape: unexpected[0].shape)
        default:
            var parts: [String] = []
            if !missing.isEmpty { parts.append("lacks \(missing.count) tensors of the model, " + CheckpointError.list(missing.map(\.name))) }
            if !unexpected.isEmpty {
                parts.append("has \(unexpected.count) tensors the model does not, " + CheckpointError.list(unexpected.map(\.name)))
            }
            throw .unusable(path: path, reason: "does not match its config: it " + parts.joined(separator: " and "))
        }
    }

    /// Atomically writes the model as safetensors in the authors' state-dict order, storing F32,
    /// F16 or BF16. `metadata` is added to `mae.config` and `format`, which it cannot replace.
    public static func save(_ model: MAEModel, to path: String, storage: TensorDType = .f32,
                            metadata: [String: String] = [:]) throws(CheckpointError) {
        guard [.f32, .f16, .bf16].contains(storage) else {
            throw .unusable(path: path, reason: "cannot store weights as \(storage.rawValue) (use F32, F16 or BF16)")
        }
        var meta = metadata
        meta["mae.config"] = configJSON(model.config)
        meta["format"] = format
        let layouts = model.table.entries.map { SafeTensors.Layout(name: $0.name, dtype: storage, shape: $0.shape) }
        let params = UnsafeBufferPointer(model.parameters)
        try SafeTensors.write(layouts, metadata: meta, to: path) { (i: Int, sink: inout AtomicFile.Sink) throws(CheckpointError) in
            let entry = model.table.entries[i]
            let values = UnsafeBufferPointer(rebasing: params[entry.range])
            if storage == .f32 {
                try sink.write(UnsafeRawBufferPointer(values))
                return
            }
            // Convert in chunks so a large tensor needs no second full-size buffer.
            let chunk = 1 << 16
            var scratch = [UInt8](repeating: 0, count: chunk * 2)
            var start = 0
            while start < values.count {
                let n = min(chunk, values.count - start)
                scratch.withUnsafeMutableBytes { out in
                    SafeTensors.encode(UnsafeBufferPointer(rebasing: values[start..<(start + n)]), as: storage, into: out.baseAddress!)
                }
                try sink.write(Array(scratch[0..<(2 * n)]))
                start += n
            }
        }
    }

    /// The config as JSON with the authors' keys, sorted, as PyTorch code reads it back.
    public static func configJSON(_ config: MAEConfig) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a struct of Ints, Doubles and Bools cannot fail.
        return (try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
