import ArgumentParser
import Foundation
import MAE

/// `maex info`: what a checkpoint file or folder is and what maex can do with it, without
/// loading its weights.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a checkpoint: its format, names, config, sizes and what it can do.",
        discussion: """
            PATH is a checkpoint file (.safetensors or .pth, told apart by content), a folder that \
            Hugging Face's save_pretrained wrote (config.json with model.safetensors or \
            pytorch_model.bin), or a Hugging Face cache folder (models--facebook--vit-mae-base: the \
            snapshot that refs/main names).

            maex prints the file's format and naming family (the authors', Hugging Face's or maex's \
            own), what it is (an MAE with its decoder, or an encoder alone: the authors' \
            mae_pretrain_vit_*.pth, timm's MAE weights, Hugging Face's ViTMAEModel or a \
            ViTForImageClassification fine-tune), its config and where it came from (read from \
            mae.config or config.json, or inferred from the shapes), the parameters of encoder and \
            decoder, the stored dtypes, the file size, whether the model was trained on norm-pix \
            targets (when anything says), and every pickle entry beside the weights that was not read. \
            An entry that refers to code is named with it (ignored `extra`: a call to posix.system, \
            not run): maex never runs code from a checkpoint.

            With --json, one JSON object on stdout instead. The exit status is 0 for any file \
            maex can describe, also one it cannot reconstruct with, and 1 for a file it cannot read; \
            with --strict, also for a pickle with entries that refer to code.
            """)

    @Argument(help: ArgumentHelp("The checkpoint file or folder.", valueName: "path"))
    var path: String

    @Flag(help: "One JSON object on stdout.")
    var json = false

    @Flag(help: "Exit 1 when the pickle holds entries that refer to code (they are never run).")
    var strict = false

    @Option(help: ArgumentHelp("Encoder attention heads, for a file whose shapes match no preset.", valueName: "n"))
    var heads: Int?

    @Option(name: .customLong("decoder-heads"), help: ArgumentHelp("Decoder attention heads, likewise.", valueName: "n"))
    var decoderHeads: Int?

    func run() throws {
        try CommandSupport.run {
            let contents = try CheckpointContents.read(path: path, heads: heads, decoderHeads: decoderHeads)
            print(json ? CommandSupport.jsonLine(Self.object(contents)) : Self.text(contents), terminator: json ? "\n" : "")
            let code = contents.skipped.filter(\.refersToCode)
            if strict, !code.isEmpty {
                throw CommandSupport.fail("\(contents.location.weights): refused with --strict: "
                                          + code.map(\.message).joined(separator: "; "))
            }
        }
    }

    /// 85.8M, or the exact count below a million.
    static func millions(_ n: Int) -> String { n >= 1_000_000 ? String(format: "%.1fM", Double(n) / 1e6) : "\(n)" }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 30 { return String(format: "%.2f GiB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
        return String(format: "%.1f KiB", Double(n) / 1024)
    }

    static func configLine(_ c: MAEConfig) -> String {
        "img_size \(c.imgSize), patch_size \(c.patchSize), in_chans \(c.inChans), embed_dim \(c.embedDim), depth \(c.depth), "
            + "num_heads \(c.numHeads), decoder_embed_dim \(c.decoderEmbedDim), decoder_depth \(c.decoderDepth), "
            + "decoder_num_heads \(c.decoderNumHeads), mlp_ratio \(c.mlpRatio)"
    }

    static func encoderLine(_ e: EncoderShape) -> String {
        "img_size \(e.imgSize), patch_size \(e.patchSize), in_chans \(e.inChans), embed_dim \(e.embedDim), depth \(e.depth), "
            + "num_heads \(e.numHeads.map(String.init) ?? "unknown"), mlp_ratio \(e.mlpRatio)"
    }

    static func text(_ c: CheckpointContents) -> String {
        var lines: [String] = []
        func line(_ key: String, _ value: String) { lines.append(key.padding(toLength: 14, withPad: " ", startingAt: 0) + value) }
        line("path", c.location.path)
        if c.location.weights != c.location.path { line("weights", c.location.weights) }
        if let config = c.location.config { line("hf config", config) }
        if c.location.found != "file" { line("found as", c.location.found) }
        line("format", c.format == "pytorch" ? "PyTorch zip (pickle), read without running code" : "safetensors")
        line("names", "\(c.family.rawValue)" + (c.family == .maex ? " (the authors' names with mae.config)" : ""))
        line("holds", c.kind.summary)
        line("decoder", c.kind.hasDecoder ? "yes" : "no: " + CheckpointKind.noDecoderReason)
        if let config = c.config {
            line("config", configLine(config))
        } else {
            line("encoder", encoderLine(c.encoder))
        }
        line("config from", c.configOrigin)
        if let problem = c.configProblem { line("config issue", problem) }
        line("layernorm eps", "\(c.layerNormEps)" + (c.layerNormEps == MAEConfig.authorsLayerNormEps ? " (the authors')" : ""))
        line("norm-pix", c.normPix.map { ($0 ? "yes" : "no") + ", " + c.normPixOrigin } ?? c.normPixOrigin)
        if let ratio = c.maskRatio { line("mask ratio", "\(ratio) (config.json)") }
        var params = "encoder \(millions(c.encoderParameters)), decoder \(millions(c.decoderParameters))"
        if c.otherParameters > 0 { params += ", other \(millions(c.otherParameters)) (" + c.ignoredTensors.joined(separator: ", ") + ")" }
        line("parameters", params)
        line("dtypes", c.dtypes.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", "))
        line("file size", bytes(c.fileBytes))
        if let model = c.arguments["model"] { line("args", "model \(model)" + (c.arguments["input_size"].map { ", input_size \($0)" } ?? "")) }
        for entry in c.skipped {
            line(entry.refersToCode ? "WARNING" : "skipped", entry.message)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func object(_ c: CheckpointContents) -> [String: Any] {
        var o: [String: Any] = [
            "path": c.location.path, "weights": c.location.weights, "found": c.location.found,
            "format": c.format, "family": c.family.rawValue, "kind": kindName(c.kind), "summary": c.kind.summary,
            "has_decoder": c.kind.hasDecoder, "config_origin": c.configOrigin,
            "layer_norm_eps": c.layerNormEps,
            "parameters": ["encoder": c.encoderParameters, "decoder": c.decoderParameters, "other": c.otherParameters],
            "dtypes": c.dtypes, "file_bytes": c.fileBytes,
            "norm_pix": c.normPix.map { $0 as Any } ?? NSNull(), "norm_pix_origin": c.normPixOrigin,
            "skipped": c.skipped.map { ["name": $0.name, "contents": $0.contents, "globals": $0.globals,
                                        "refers_to_code": $0.refersToCode, "message": $0.message] as [String: Any] },
            "ignored_tensors": c.ignoredTensors,
            "encoder": ["img_size": c.encoder.imgSize, "patch_size": c.encoder.patchSize, "in_chans": c.encoder.inChans,
                        "embed_dim": c.encoder.embedDim, "depth": c.encoder.depth, "mlp_ratio": c.encoder.mlpRatio,
                        "num_heads": c.encoder.numHeads.map { $0 as Any } ?? NSNull()] as [String: Any],
        ]
        if let config = c.location.config { o["hf_config"] = config }
        if let config = c.config,
           let json = try? JSONSerialization.jsonObject(with: Data(Checkpoint.configJSON(config).utf8)) {
            o["config"] = json
        } else {
            o["config"] = NSNull()
        }
        if let problem = c.configProblem { o["config_problem"] = problem }
        if let ratio = c.maskRatio { o["mask_ratio"] = ratio }
        if !c.arguments.isEmpty { o["args"] = c.arguments }
        return o
    }

    static func kindName(_ kind: CheckpointKind) -> String {
        switch kind {
        case .model: "model"
        case .encoderOnly: "encoder-only"
        case .huggingFaceEncoder: "hf-encoder"
        case .classifier: "classifier"
        }
    }
}
