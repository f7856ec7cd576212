import Foundation

/// Model files: safetensors with the authors' state-dict names (loadable by PyTorch's
/// `load_state_dict` as they are) and metadata `mae.config` = the constructor arguments as JSON,
/// `format` = `mae-explorer/1`; and, for reading, the authors' PyTorch `.pth` files.
public enum Checkpoint {
    public static let format = "mae-explorer/1"

    /// Loads a `.safetensors` or `.pth` file (told apart by content) into a new model.
    ///
    /// The config comes from `mae.config` metadata, else from the tensor shapes with head counts
    /// from the matching preset; `heads` and `decoderHeads` override either. `normPixLoss`
    /// overrides the config's flag (shapes cannot tell it; inferred configs say false). Every
    /// tensor of the model must be present with its exact shape, and no other may be.
    public static func load(path: String, heads: Int? = nil, decoderHeads: Int? = nil,
                            normPixLoss: Bool? = nil) throws(CheckpointError) -> MAEModel {
        let source = try TensorSource.open(path: path)
        let names = source.shapes.map(\.name)
        if names.contains(where: { $0.hasPrefix("vit.embeddings.") }) {
            throw .unusable(path: path, reason: "uses Hugging Face ViTMAE names (vit.embeddings.…); maex reads the "
                            + "authors' names (cls_token, patch_embed.proj.weight, blocks.N.…)")
        }
        if let reason = ConfigInference.missingDecoder(source) { throw .unusable(path: path, reason: reason) }

        var config: MAEConfig
        if let json = source.metadata["mae.config"] {
            do {
                config = try JSONDecoder().decode(MAEConfig.self, from: Data(json.utf8))
            } catch {
                throw .malformed(path: path, reason: "its mae.config metadata is not a valid model config: \(json)")
            }
            if let heads { config.numHeads = heads }
            if let decoderHeads { config.decoderNumHeads = decoderHeads }
        } else {
            config = try ConfigInference.infer(source, heads: heads, decoderHeads: decoderHeads)
        }
        if let normPixLoss { config.normPixLoss = normPixLoss }

        let model: MAEModel
        do {
            model = try MAEModel(config: config)
        } catch {
            throw .unusable(path: path, reason: error.description)
        }
        try checkNames(source, against: model.table)
        for entry in model.table.entries {
            try source.floats(entry.name, into: model.tensor(entry.name))
        }
        return model
    }

    /// The safetensors metadata of the file at `path` (empty for a `.pth`), without loading weights.
    public static func metadata(path: String) throws(CheckpointError) -> [String: String] {
        try TensorSource.open(path: path).metadata
    }

    /// Every tensor of `table` present with its exact shape, and nothing else.
    static func checkNames(_ source: TensorSource, against table: ParameterTable) throws(CheckpointError) {
        let path = source.path
        var found: [String: [Int]] = [:]
        for (name, shape) in source.shapes { found[name] = shape }
        for entry in table.entries {
            guard let shape = found[entry.name] else {
                throw .missingTensor(path: path, tensor: entry.name, expected: entry.shape)
            }
            if shape != entry.shape {
                throw .shapeMismatch(path: path, tensor: entry.name, expected: entry.shape, found: shape)
            }
        }
        for (name, shape) in source.shapes where table[name] == nil {
            throw .unexpectedTensor(path: path, tensor: name, shape: shape)
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
