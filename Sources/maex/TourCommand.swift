import ArgumentParser
import Explorer
import Foundation
import MAE
import Pipeline
import Training

/// `maex tour`: the explorer as a lesson, seven screens on what the MAE paper found.
struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Step through seven screens on how a Masked Autoencoder works, on the live model.",
        discussion: """
            Each screen is one sentence above the explorer's four panels, which stay live: the \
            image as patches; random masking at 75% (with the encoder's token counts and its time \
            measured with and without the mask); mask tokens and the decoder; the loss on hidden \
            patches only (the error heatmap); the ratio curve (the % chart); random, block and grid \
            masks; what cannot be known at 90%. PgDn or Enter goes forward, PgUp or Backspace back; \
            every key of `maex explore` works on every screen (? lists them), so a teacher can paint \
            patches or change the ratio while explaining.

            Without PATHs the tour shows chelsea.png and coffee.png from the bundled images, which \
            the bundled model was not trained on. Works in terminals from 80×24 up.
            """)

    @Argument(help: ArgumentHelp("Image files or folders (default: two held-out sample images).", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("Colours (default: detected).", valueName: "mode"))
    var color: ColorMode?

    func validate() throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such file or folder")
        }
    }

    func run() throws {
        try CommandSupport.run {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, !term.isEmpty, term != "dumb" else {
                throw CommandSupport.fail("tour is interactive and needs a terminal (stdin and stdout, TERM set)")
            }
            let images = try ImageList.expand(paths.isEmpty ? try Self.heldOutImages() : paths)
            let (model, path) = try modelOptions.loadOrDefault(untrained: "reconstructions are noise")
            let name = path.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "untrained-tiny"
            let seen = path.flatMap { TrainingImages.parse((try? Checkpoint.metadata(path: $0))?[TrainingImages.metadataKey]) }
            var setup = ExplorerSetup(
                model: ModelEngine.summary(of: model, name: name, note: path == nil ? "untrained model: reconstructions are noise " : nil),
                images: images, ratio: 0, pattern: .random, seed: 0, glyphs: nil, colors: color,
                engine: ModelEngine(model: model, trainingImages: seen), makeMask: ModelEngine.makeMask)
            // Measured here, before the worker owns the model.
            setup.tour = TourState(encoderTiming: images.first.flatMap { Self.encoderTiming(model, imagePath: $0.path) })
            let report = try ExplorerApp.run(setup)
            if let signal = report.signal { throw ExitCode(128 + signal) }
        }
    }

    /// The encoder's time on the image with the 75% random mask of seed 0 and with no mask.
    static func encoderTiming(_ model: MAEModel, imagePath: String) -> EncoderTiming? {
        guard let image = try? PreparedImage(path: imagePath, side: model.config.imgSize) else { return nil }
        let c = model.config
        let mask = makeMask(.random, ratio: 0.75, gridSize: c.gridSize, seed: 0)
        let masked = model.encoderSeconds(image: image.input, mask: mask)
        let full = model.encoderSeconds(image: image.input, mask: .none(patches: c.numPatches))
        return EncoderTiming(maskedTokens: mask.visibleCount + 1, allTokens: c.numPatches + 1, maskedSeconds: masked,
                             fullSeconds: full)
    }

    /// chelsea.png and coffee.png of the bundled images (held out of the bundled model's training).
    static func heldOutImages() throws -> [String] {
        let folder = try ExploreCommand.sampleFolder()
        return ["chelsea.png", "coffee.png"].map { (folder as NSString).appendingPathComponent($0) }
    }
}
