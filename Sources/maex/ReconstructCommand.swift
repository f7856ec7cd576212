import ArgumentParser
import Foundation
import Imaging
import MAE
import Pipeline

/// `maex reconstruct`: the authors' demo figure for one image, headless.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Mask an image's patches and write the MAE's reconstruction as a four-panel figure.",
        discussion: """
            The image is resized (bicubic, shorter side to the model's side, then centre-cropped), \
            normalised, masked and reconstructed. The PNG shows, left to right: original | masked \
            (hidden patches grey) | reconstruction | reconstruction + visible, each enlarged by an \
            integer factor with thin patch grid lines. stdout gets the mask's actual ratio, the MSE \
            over the masked patches and the PSNR of "reconstruction + visible" against the original \
            over the whole image, both in pixel values 0...1.

            Without --model, maex uses Assets/models/maex-tiny.safetensors (found through \
            $MAEX_ASSETS, <prefix>/share/maex or the source tree), else an untrained model, with a \
            warning. For a norm-pix model the prediction is de-normalised with each hidden patch's \
            own mean and variance, which leaks information from the hidden patches: maex says so.

            Mask file (--mask-file): one line of L characters (patches in row-major order) or g \
            lines of g characters (the patch grid), L = g² patches of the model; '1' or '#' hides \
            a patch, '0' or '.' shows it; spaces and blank lines are ignored. Example for a 4×4 grid:
              #.#.
              ....
              #.#.
              ....
            """)

    @Argument(help: ArgumentHelp("The image (PNG or JPEG); a bare name such as astronaut.png also finds the bundled samples.",
                                 valueName: "image"))
    var image: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the figure (PNG).", valueName: "fig.png"))
    var output: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of patches to hide (default 0.75; grid hides 3 of 4 whatever the ratio).",
                                                 valueName: "r"))
    var ratio: Double?

    @Option(name: .long, help: ArgumentHelp("How to choose the hidden patches (default random, the authors').",
                                            valueName: "strategy"))
    var strategy: MaskStrategy?

    @Option(name: .long, help: ArgumentHelp("Seed of the mask (same seed, same mask on every machine).", valueName: "n"))
    var seed: UInt64 = 0

    @Option(name: .customLong("mask-file"), help: ArgumentHelp("Hide exactly the patches this file marks (format described above).",
                                                               valueName: "file"))
    var maskFile: String?

    @Option(name: .long, help: ArgumentHelp("Enlarge each panel by this integer factor (default: at least 224 px a panel).",
                                            valueName: "k"))
    var scale: Int?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .long, help: "Also print the model, the mask and the reconstruction time.")
    var verbose = false

    func validate() throws {
        if let ratio, !(0...1).contains(ratio) { throw ValidationError("--mask-ratio must be between 0 and 1, got \(ratio)") }
        if maskFile != nil && (ratio != nil || strategy != nil) {
            throw ValidationError("--mask-file chooses the patches itself: leave out --mask-ratio and --strategy")
        }
        if let scale, !(1...64).contains(scale) { throw ValidationError("--scale must be between 1 and 64") }
    }

    func run() throws {
        try CommandSupport.run {
            let (model, modelName) = try loadModel()
            let c = model.config
            let imagePath = Self.resolveImage(image)
            let prepared = try PreparedImage(path: imagePath, side: c.imgSize)

            let mask: PatchMask
            if let maskFile {
                mask = try MaskFile.read(path: maskFile, gridSize: c.gridSize)
            } else {
                mask = makeMask(strategy ?? .random, ratio: ratio ?? 0.75, gridSize: c.gridSize, seed: seed)
            }
            let result = prepared.reconstructed(by: model, mask: mask)

            let S = c.imgSize
            let masked = hidingMaskedPatches(prepared.original, mask: mask.masked, patchSize: c.patchSize)
            let factor = scale ?? max(1, (224 + S - 1) / S)
            let figure = fourPanelFigure(panels: [("original", prepared.original), ("masked", masked),
                                                  ("reconstruction", result.reconstruction),
                                                  ("reconstruction + visible", result.pasted)],
                                         patchSize: c.patchSize, scale: factor)
            try FigureFile.write(figure, toPath: output)

            let report = Report(image: imagePath, output: output, model: modelName, config: c,
                                strategy: maskFile == nil ? (strategy ?? .random).rawValue : "file",
                                requestedRatio: maskFile == nil ? (ratio ?? 0.75) : mask.ratio, seed: seed,
                                result: result.model, scores: result.scores, figure: figure)
            print(json ? report.json() : report.text(verbose: verbose))
        }
    }

    private func loadModel() throws -> (MAEModel, String) {
        let (model, path) = try modelOptions.loadOrDefault(untrained: "the reconstruction is noise")
        return (model, path ?? "untrained tiny (seed 0)")
    }

    /// A path as given, or the bundled sample of that name when the path does not exist.
    static func resolveImage(_ name: String) -> String {
        if FileManager.default.fileExists(atPath: name) || name.contains("/") { return name }
        return AssetLocator.image(named: name) ?? name
    }
}

/// What `maex reconstruct` prints, as text or one JSON object.
struct Report {
    var image: String
    var output: String
    var model: String
    var config: MAEConfig
    var strategy: String
    var requestedRatio: Double
    var seed: UInt64
    var result: Reconstruction
    var scores: ReconstructionScores
    var figure: RGBImage

    static let leakNote = "norm-pix model: the prediction was de-normalised with each hidden patch's own mean and "
        + "variance, which leaks information from the hidden patches into the figure and the scores"

    func text(verbose: Bool) -> String {
        let f = CommandSupport.format
        var lines: [String] = []
        if verbose {
            lines.append("model: \(model) (\(config.imgSize) px, \(config.patchSize) px patches, \(config.numPatches) patches, "
                         + "embed \(config.embedDim) × \(config.depth), decoder \(config.decoderEmbedDim) × \(config.decoderDepth))")
        }
        lines.append("mask: \(strategy), \(result.mask.maskedCount) of \(result.mask.count) patches hidden "
                     + "(ratio \(String(format: "%.3f", result.mask.ratio))"
                     + (strategy == "file" ? ")" : ", asked \(String(format: "%.3f", requestedRatio)), seed \(seed))"))
        lines.append("masked-patch MSE \(f(scores.maskedMSE, 5)) (pixels 0…1), PSNR \(f(scores.psnr, 2)) dB "
                     + "(reconstruction + visible against the original)")
        if result.leaksMaskedStatistics { lines.append("note: " + Self.leakNote) }
        if verbose { lines.append("reconstruction took \(String(format: "%.2f", result.seconds * 1000)) ms") }
        lines.append("wrote \(output) (\(figure.width)×\(figure.height))")
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var object: [String: Any] = [
            "image": image, "output": output, "model": model,
            "image_size": config.imgSize, "patch_size": config.patchSize, "patches": result.mask.count,
            "strategy": strategy, "requested_ratio": requestedRatio, "mask_ratio": result.mask.ratio,
            "masked_patches": result.mask.maskedCount,
            "masked_mse": CommandSupport.jsonNumber(scores.maskedMSE), "psnr_db": CommandSupport.jsonNumber(scores.psnr),
            "loss": CommandSupport.jsonNumber(Double(result.loss)),
            "norm_pix": config.normPixLoss, "leaks_masked_statistics": result.leaksMaskedStatistics,
            "reconstruction_ms": result.seconds * 1000, "figure_width": figure.width, "figure_height": figure.height,
        ]
        if strategy != "file" { object["seed"] = seed }
        if result.leaksMaskedStatistics { object["note"] = Self.leakNote }
        return CommandSupport.jsonLine(object)
    }
}
