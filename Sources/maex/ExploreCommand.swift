import ArgumentParser
import Explorer
import Foundation
import MAE
import Training

/// `maex explore` (and `maex` alone): the interactive explorer in the terminal.
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Show images, their masked versions and the MAE's reconstructions in the terminal.",
        discussion: """
            Four panels side by side: original | masked | reconstruction | reconstruction + visible, \
            drawn with block characters at a whole number of cells per patch. Paint patches with the \
            mouse (press and drag; the patch under the press decides hide or show) or the keyboard; \
            every change is reconstructed at once on a background thread. Press ? for every key.

            PATHs are image files (PNG, JPEG) and folders (their images, sorted). Without PATHs the \
            bundled sample images are shown. Without --model the bundled model \
            (Assets/models/maex-tiny.safetensors, found through $MAEX_ASSETS, <prefix>/share/maex or \
            the source tree) is used, else an untrained tiny model, which the header says.

            T trains the shown model in the background on the shown images (copied into the run \
            folder's data/) or on --train-data, with the bundled model's recipe (a tenth of its \
            learning rate when the model is already trained), into --run or a \
            new folder under $XDG_STATE_HOME/maex/runs/ (else ~/.local/state/maex/runs/): the \
            loss chart appears below the panels, which are drawn again with the newest weights \
            every second and at once after each mask change. T pauses, w saves, W writes the \
            weights (F16), q saves and stops; `maex train --resume --run DIR` continues the run.

            Colours are detected from terminfo's RGB flag, $COLORTERM (truecolor, 24bit) and the \
            terminal's colour count; NO_COLOR turns them off; --color overrides both. Needs a \
            terminal on stdin and stdout: for a figure without one use `maex reconstruct`.
            """)

    @Argument(help: ArgumentHelp("Image files or folders (default: the bundled sample images).", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of patches to hide at start.", valueName: "r"))
    var ratio: Double = 0.75

    @Option(name: .long, help: ArgumentHelp("How to choose the hidden patches.",
                                            valueName: "strategy"))
    var strategy: MaskStrategy = .random

    @Option(name: .long, help: ArgumentHelp("Seed of the first mask (r moves to the next).", valueName: "n"))
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Cell glyphs: half blocks (the default) or sextants (2×3 per cell, Unicode 13 fonts).",
                                            valueName: "glyphs"))
    var glyphs: GlyphMode?

    @Option(name: .long, help: ArgumentHelp("Colours (default: detected).", valueName: "mode"))
    var color: ColorMode?

    @Option(name: .long, help: ArgumentHelp("How pictures take 256 colours: light (the default: a half-step ordered dither, nearest colour in OKLab), none, or ordered (a full step, the checkerboard of older versions).",
                                            valueName: "dither"))
    var dither: Dither = .standard

    @Option(name: .customLong("run"),
            help: ArgumentHelp("Run folder for training with T (default: a new one under $XDG_STATE_HOME/maex/runs/).",
                               valueName: "dir"))
    var runFolder: String?

    @Option(name: .customLong("train-data"),
            help: ArgumentHelp("Train with T on this folder of images instead of the shown ones.", valueName: "dir"))
    var trainData: String?

    @Flag(help: "On exit, print the bytes the screen sent to the terminal per second.")
    var stats = false

    func validate() throws {
        if !(0...1).contains(ratio) { throw ValidationError("--mask-ratio must be between 0 and 1, got \(ratio)") }
        // GlyphMode(argument:) knows ascii too, which the explorer picks by itself on a terminal without UTF-8.
        if glyphs == .ascii { throw ValidationError("--glyphs must be half or sextant (ascii is used when the terminal is not UTF-8)") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such file or folder")
        }
        var isFolder: ObjCBool = false
        if let trainData, !(FileManager.default.fileExists(atPath: trainData, isDirectory: &isFolder) && isFolder.boolValue) {
            throw ValidationError("--train-data \(trainData): not a folder (give a folder of PNG or JPEG images)")
        }
    }

    func run() throws {
        try CommandSupport.run {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, !term.isEmpty, term != "dumb" else {
                let why = term.isEmpty || term == "dumb" ? "TERM is \(term.isEmpty ? "not set" : "dumb")"
                    : "stdin and stdout must be a terminal"
                throw CommandSupport.fail("explore is interactive and needs a terminal (\(why)); "
                                          + "for a figure file use `maex reconstruct IMAGE -o figure.png`")
            }
            let images = try ImageList.expand(paths.isEmpty ? [try Self.sampleFolder()] : paths)
            let (model, summary, seen, notes) = try loadModel()
            var setup = ExplorerSetup(
                model: summary, images: images, ratio: ratio, pattern: strategy, seed: seed, glyphs: glyphs, colors: color,
                engine: ModelEngine(loading: model, trainingImages: seen), makeMask: ModelEngine.makeMask, notes: notes)
            setup.dither = dither
            setup.makeTrainer = trainerMaker(model: model, weightsFrom: modelOptions.model ?? AssetLocator.defaultModelPath(),
                                             images: images.map(\.path))
            let report = try ExplorerApp.run(setup)
            if stats { print(report.traffic.summary) }
            if let link = report.training { try Self.finish(link, report: report) }
            if let signal = report.signal, !report.detached { throw ExitCode(128 + signal) }
        }
    }

    /// What `T` does: a new run from the shown model's weights (the loaded file is only read)
    /// with `InteractiveRun.recipe`, on the shown images or --train-data.
    func trainerMaker(model lazy: LazyModel, weightsFrom path: String?, images: [String]) -> TrainingLink.Maker {
        let runFolder = self.runFolder, trainData = self.trainData
        return { onEvent in
            let model = try lazy.get().get()
            let run = RunDirectory(path: runFolder ?? InteractiveRun.defaultFolder())
            if run.holdsCheckpoint { throw RunError.alreadyARun(path: run.path) }
            let data = try trainData ?? InteractiveRun.copyImages(images, into: run)
            do {
                let session = try TrainingSession.fresh(data: data, model: model.config,
                                                        options: InteractiveRun.recipe(trained: path != nil),
                                                        run: run, weights: (model, path ?? "an untrained model"))
                return Trainer(session: session, onEvent: onEvent)
            } catch {
                throw CommandSupport.fail(TrainCommand.withFlags("\(error)", for: error))
            }
        }
    }

    /// After the screen: where the run is and how it ended, or, when the terminal went away,
    /// the rest of the run without it (as `maex train` does).
    static func finish(_ link: TrainingLink, report: ExplorerApp.Report) throws {
        let session = link.trainer.session
        let progress = TrainProgress(totalSteps: session.plan.totalSteps, effectiveBatch: session.plan.effectiveBatch,
                                     inPlace: false)
        let outcome = report.detached
            ? TrainTUI.detached(link.trainer, mailbox: link.mailbox, session: session, progress: progress)
            : link.trainer.wait() ?? .stopped(step: session.state.step)
        guard let run = session.run else { return }
        let how: String
        switch outcome {
        case .completed(let step): how = "completed at step \(step)"
        case .stopped(let step): how = "stopped at step \(step), saved"
        case .failed(let step, let failure): how = "failed at step \(step): \(failure)"
        }
        progress.message("training run \(run.path): \(how)")
        if case .completed = outcome { return }
        progress.message("continue it with: maex train --resume --run \(run.path)")
    }

    /// The bundled images folder.
    static func sampleFolder() throws -> String {
        for base in AssetLocator.candidates() {
            let folder = (base as NSString).appendingPathComponent("images")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
                return folder
            }
        }
        throw CommandSupport.fail("no images given and the bundled ones were not found (looked for "
                                  + "\(AssetLocator.placesLooked(for: "images")); set MAEX_ASSETS to the Assets folder, "
                                  + "or pass image files or folders)")
    }

    /// Files above this are read after the window opens, on the worker (a note says so); smaller
    /// ones before, so that their errors end the command as in every other.
    static let loadInWindowBytes = 256 << 20

    /// The model (read, or to be read by the worker), what the status bar says of it, the hashes
    /// of its training images when its file lists them, and notes for the status bar.
    private func loadModel() throws -> (LazyModel, ModelSummary, Set<String>?, [String]) {
        guard let path = modelOptions.model ?? AssetLocator.defaultModelPath() else {
            let (model, _) = try modelOptions.loadOrDefault(untrained: "reconstructions are noise")
            return (LazyModel(model), ModelEngine.summary(of: model, name: "untrained-tiny",
                                                          note: "untrained model: reconstructions are noise (use --model) "), nil, [])
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let seen = TrainingImages.parse((try? Checkpoint.metadata(path: path))?[TrainingImages.metadataKey])
        let contents: CheckpointContents
        do {
            contents = try CheckpointContents.read(path: path, heads: modelOptions.heads, decoderHeads: modelOptions.decoderHeads)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        guard contents.fileBytes > Self.loadInWindowBytes, var config = contents.config else {
            let model = try modelOptions.load(path)
            return (LazyModel(model), ModelEngine.summary(of: model, name: name), seen, [])
        }
        // Large: what --strict refuses and what a load warns about is known from the entries
        // now, so the window opens on a file that will load (or says why it did not).
        let code = contents.skipped.filter(\.refersToCode)
        if modelOptions.strict, !code.isEmpty {
            throw CommandSupport.fail("\(path): refused with --strict: " + code.map(\.message).joined(separator: "; "))
        }
        for entry in code { CommandSupport.printWarning("\(path): \(entry.message)") }
        if let normPix = modelOptions.normPix { config.normPixLoss = normPix }
        let options = modelOptions
        let lazy = LazyModel { try Checkpoint.load(path: path, heads: options.heads, decoderHeads: options.decoderHeads,
                                                   normPixLoss: options.normPix) }
        let gigabytes = Double(contents.fileBytes) / 1e9
        let summary = ModelSummary(name: name, imageSide: config.imgSize, patchSize: config.patchSize,
                                   parameterCount: contents.encoderParameters + contents.decoderParameters)
        return (lazy, summary, seen, [String(format: "reading %@ (%.1f GB): the first reconstruction follows", name, gigabytes)])
    }
}
