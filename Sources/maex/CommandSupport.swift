import ArgumentParser
import Foundation
import MAE

/// What every subcommand shares: one-line errors on stderr with exit status 1, warnings, and
/// the options that choose a model file.
enum CommandSupport {
    /// Exit status for bad input (files, checkpoints, images): 1. Usage errors exit 64 through
    /// ArgumentParser's ValidationError.
    static let failure = ExitCode(1)

    /// Writes `maex: <message>` on stderr.
    static func printError(_ message: String) {
        StandardStreams.error("maex: \(message)\n")
    }

    static func printWarning(_ message: String) {
        StandardStreams.error("maex: warning: \(message)\n")
    }

    /// A command's error for bad input, printed as `maex: <message>` by `run` when it ends the
    /// command. Printing there, not where the error is made, keeps a caller that recovers
    /// (`try?`, a fallback) from printing an error that did not happen.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The error to throw for bad input; nothing is printed until it reaches `run`.
    static func fail(_ message: String) -> Failure {
        Failure(message: message)
    }

    /// Runs `body`, turning the project's typed errors and `fail`'s into one line on stderr and
    /// exit 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let code as ExitCode {
            throw code
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            printError(String(describing: error))
            throw failure
        }
    }

    /// A number for humans: fixed for moderate magnitudes, scientific otherwise.
    static func format(_ value: Double, digits: Int = 4) -> String {
        if value.isNaN { return "n/a" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.\(digits - 1)e", value) }
        return String(format: "%.\(digits)f", value)
    }

    /// A JSON number, or null for NaN and infinities (which JSON cannot hold).
    static func jsonNumber(_ value: Double) -> Any { value.isFinite ? value : NSNull() }

    /// One line of JSON with sorted keys.
    static func jsonLine(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The options that choose a model checkpoint (safetensors, the authors' .pth, a Hugging Face folder).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Model checkpoint: .safetensors (maex, PyTorch), .pth (the authors'), or a "
                                            + "Hugging Face ViTMAE folder or cache folder (models--org--name).",
                                            valueName: "path"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Encoder attention heads, for a checkpoint without mae.config whose shapes match no preset.",
                                            valueName: "n"))
    var heads: Int?

    @Option(name: .customLong("decoder-heads"),
            help: ArgumentHelp("Decoder attention heads, likewise (the authors' decoders have 16).", valueName: "n"))
    var decoderHeads: Int?

    @Flag(name: .customLong("norm-pix"), inversion: .prefixedNo,
          help: ArgumentHelp("Whether the model predicts per-patch normalised pixels, overriding the file (shapes cannot tell: "
                             + "the authors' *_full.pth are norm-pix, mae_visualize_*.pth are not)."))
    var normPix: Bool?

    @Flag(name: .long, help: ArgumentHelp("Refuse a checkpoint whose pickle holds entries that refer to code "
                                          + "(never run; otherwise they are skipped with a warning)."))
    var strict = false

    func validate() throws {
        if let heads, heads < 1 { throw ValidationError("--heads must be at least 1") }
        if let decoderHeads, decoderHeads < 1 { throw ValidationError("--decoder-heads must be at least 1") }
    }

    func load(_ path: String) throws(CheckpointError) -> MAEModel {
        try Checkpoint.load(path: path, heads: heads, decoderHeads: decoderHeads, normPixLoss: normPix, strict: strict,
                            warn: CommandSupport.printWarning)
    }

    /// The model named by --model, else the installed default, else an untrained tiny model
    /// after a warning that `consequence` (what the command's output then is). The path is nil
    /// for the untrained model.
    func loadOrDefault(untrained consequence: String) throws -> (model: MAEModel, path: String?) {
        if let path = model ?? AssetLocator.defaultModelPath() { return (try load(path), path) }
        CommandSupport.printWarning("no model given and none installed (looked for \(AssetLocator.placesLooked(for: AssetLocator.defaultModel))"
                                    + "; set MAEX_ASSETS to the Assets folder): using an untrained tiny model, "
                                    + "so \(consequence); pass --model FILE")
        return (try MAEModel(config: .tiny, seed: 0), nil)
    }
}
