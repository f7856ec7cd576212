import Foundation

/// A checkpoint file or folder, opened and seen under the authors' names: the one way from what a
/// person points at to tensors, shared by loading, `maex info` and `maex convert`. Nothing but
/// names, shapes and configs is read here; weights are read when a model asks for them.
struct OpenedCheckpoint {
    let location: CheckpointLocation
    /// The weights file as stored.
    let file: TensorSource
    /// The same tensors under the authors' names (the file itself for authors' and maex files).
    let source: TensorSource
    let family: CheckpointFamily
    let kind: CheckpointKind
    let huggingFace: HuggingFaceConfig?
    /// Names in the file that are known and not part of the MAE (a classifier's head).
    let ignoredTensors: [String]

    static func open(_ path: String) throws(CheckpointError) -> OpenedCheckpoint {
        let location = try CheckpointLocation.resolve(path)
        let file = try TensorSource.open(path: location.weights)
        let names = file.shapes.map(\.name)
        if let layout = HuggingFaceNames.layout(of: names) {
            guard let configPath = location.config else {
                throw .unusable(path: location.weights, reason: "uses Hugging Face ViTMAE names (vit.embeddings.…) but has "
                                + "no config.json beside it, which tells its heads and LayerNorm eps: give the folder "
                                + "save_pretrained wrote, or put its config.json next to the file")
            }
            let config = try HuggingFaceConfig.read(path: configPath)
            // A config maex cannot run is refused for what it is, before its shapes are compared.
            if layout.decoderBlocks != nil { _ = try config.modelConfig() }
            let source = try HuggingFaceNames.authorsView(file, layout: layout, config: config)
            let kind: CheckpointKind = if layout.decoderBlocks != nil { .model }
                else if !layout.ignored.isEmpty || config.architectures.contains("ViTForImageClassification") {
                    .classifier(classes: config.labels > 0 ? config.labels : (file.shape("classifier.weight")?.first ?? 0))
                } else { .huggingFaceEncoder }
            return OpenedCheckpoint(location: location, file: file, source: source, family: .huggingFace, kind: kind,
                                    huggingFace: config, ignoredTensors: layout.ignored)
        }
        let maex = file.metadata["format"] == Checkpoint.format || file.metadata["mae.config"] != nil
        return OpenedCheckpoint(location: location, file: file, source: file, family: maex ? .maex : .authors,
                                kind: ConfigInference.hasDecoder(file) ? .model : .encoderOnly, huggingFace: nil,
                                ignoredTensors: [])
    }

    /// The config the files state (mae.config metadata, or a Hugging Face config.json with a
    /// decoder), nil when only the shapes can tell; `origin` names where it was read.
    func statedConfig() throws(CheckpointError) -> (config: MAEConfig, origin: String)? {
        if let json = file.metadata["mae.config"] {
            do {
                return (try JSONDecoder().decode(MAEConfig.self, from: Data(json.utf8)), "read from its mae.config metadata")
            } catch {
                throw .malformed(path: file.path, reason: "its mae.config metadata is not a valid model config: \(json)")
            }
        }
        if let huggingFace, kind.hasDecoder {
            return (try huggingFace.modelConfig(), "read from \(huggingFace.path)")
        }
        return nil
    }

    /// The authors' `args` say whether the model was trained on norm-pix targets.
    var argumentsNormPix: Bool? {
        switch source.arguments["norm_pix_loss"] {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// Entries of the pickle that refer to code (never run): warned about, refused with --strict.
    var codeEntries: [SkippedEntry] { source.skipped.filter(\.refersToCode) }
}
