import ArgumentParser
import Foundation
import MAE
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Masked Autoencoder on a folder of images, on the CPU.",
        discussion: """
            Trains with the authors' recipe (AdamW β 0.9/0.95, weight decay 0.05, lr = blr × \
            effective batch / 256 with linear warmup and a half-cycle cosine, RandomResizedCrop \
            0.2–1 and horizontal flips). The run folder receives config.json, metrics.jsonl (one \
            JSON object a line), checkpoint.safetensors (opens in `maex reconstruct` and PyTorch) \
            and optimizer.safetensors, saved every --save-every steps, every --save-every-minutes \
            minutes and at the end. Ctrl-C finishes the current step, saves and exits; --resume \
            continues the run exactly, from the newest complete save even after a kill -9.
            """
    )

    @Option(help: ArgumentHelp("Folder of PNG and JPEG images, searched recursively (required for a new run).", valueName: "dir"))
    var data: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("Run folder for config.json, metrics.jsonl and the checkpoints.",
                                                         valueName: "dir"))
    var runFolder: String

    @Flag(help: "Continue the run in --run from its last checkpoint (same steps, learning rate and data order).")
    var resume = false

    @Flag(help: "Start the run in the background, detached from this terminal (messages to RUN/train.log); print its pid and how to follow and stop it.")
    var detach = false

    @Option(name: .customLong("init"),
            help: ArgumentHelp("Start from this model's weights (safetensors or the authors' .pth) instead of random ones; its config is the run's (a new warmup and schedule).",
                               valueName: "model"))
    var initModel: String?

    @Option(help: ArgumentHelp("Model preset (default tiny).", valueName: "name"))
    var preset: MAEPreset?

    @Option(help: ArgumentHelp("Model config as JSON (inline or a file path), laid over the preset, e.g. '{\"embed_dim\": 96}'.",
                               valueName: "json"))
    var config: String?

    @Flag(inversion: .prefixedNo, help: "Normalise each target patch by its own mean and variance (default: the model config's).")
    var normPix: Bool?

    @Option(help: "Images per batch (default 64).")
    var batch: Int?

    @Option(help: "Batches per optimizer step (gradient accumulation; default 1). Effective batch = batch × accum.")
    var accum: Int?

    @Option(help: "Length of the run in optimizer steps, counted from its start, also after --resume (default 1000).")
    var steps: Int?

    @Option(help: "Length of the run in epochs (passes over the images) instead of --steps.")
    var epochs: Double?

    @Option(help: "Base learning rate; the peak is blr × effective batch / 256 (default 1.5e-4).")
    var blr: Double?

    @Option(help: "Absolute peak learning rate; overrides --blr.")
    var lr: Double?

    @Option(name: .customLong("warmup-steps"), help: "Linear warmup length in optimizer steps (default 5% of the run).")
    var warmupSteps: Double?

    @Option(name: .customLong("warmup-epochs"), help: "Linear warmup length in epochs instead of steps.")
    var warmupEpochs: Double?

    @Option(name: .customLong("min-lr"), help: "Learning rate at the end of the cosine (default 0).")
    var minLR: Double?

    @Option(name: .customLong("weight-decay"), help: "AdamW's decoupled weight decay (default 0.05).")
    var weightDecay: Double?

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of patches hidden (default 0.75).", valueName: "r"))
    var maskRatio: Double?

    @Option(help: ArgumentHelp("How to choose the hidden patches (default random; grid always hides 3 of 4).",
                               valueName: "strategy"))
    var strategy: MaskStrategy?

    @Option(help: "Seed of the initial weights, data order, augmentations and masks (default 0).")
    var seed: UInt64?

    @Option(help: "Threads for the matrix products (default: every core).")
    var threads: Int?

    @Option(name: .customLong("save-every"), help: "Save the checkpoint and optimizer state every N steps (default 500; always at the end).")
    var saveEvery: Int?

    @Option(name: .customLong("save-every-minutes"),
            help: ArgumentHelp("Also save after every M minutes of training since the last save (default 10; fractions allowed).",
                               valueName: "M"))
    var saveEveryMinutes: Double?

    @Option(name: .customLong("log-every"), help: "Print and log a metrics line every N steps (default 10).")
    var logEvery: Int?

    @Option(name: .customLong("crop-scale-min"),
            help: "Smallest random crop, as a fraction of the image's area (default 0.2, the authors'; ≤ 1).")
    var cropScaleMin: Double?

    @Flag(name: .customLong("quarter-turns"),
          help: "Turn each crop by a random multiple of 90° as well (with the flips, the 8 symmetries of the square).")
    var quarterTurns = false

    @Flag(name: .customLong("channel-shuffle"), help: "Reorder each image's R, G, B channels at random (colour augmentation).")
    var channelShuffle = false

    @Option(help: ArgumentHelp("Saturation jitter: scale each image's saturation by a factor in max(0, 1−s)…1+s (default 0: off).",
                               valueName: "s"))
    var saturation: Double?

    @Option(name: .customLong("grey-prob"), help: ArgumentHelp("Probability of turning an image grey (default 0).", valueName: "p"))
    var greyProb: Double?

    @Option(help: ArgumentHelp("When the run completes, also write its weights to this file in F16 (half the size; "
                               + "what maex ships as its default model).", valueName: "file"))
    var export: String?

    @Option(name: .customLong("cache-mb"), help: "Memory for decoded images, in MiB (default 1024); the rest is decoded when used.")
    var cacheMB: Int?

    @OptionGroup(title: "Live view") var live: TrainLiveOptions

    @Flag(name: .customLong("print-torchrun"),
          help: "Print the same run as the authors' main_pretrain.py under torchrun (and the maex watch line for it) instead of training.")
    var printTorchrun = false

    @Option(help: ArgumentHelp("Nodes for --print-torchrun (default 1).", valueName: "n"))
    var nodes: Int = 1

    @Option(help: ArgumentHelp("GPUs a node for --print-torchrun (default 8).", valueName: "n"))
    var gpus: Int = 8

    /// The options above that set a TrainingOptions field, each with its flag.
    var trainingFlags: [TrainingFlag] {
        [TrainingFlag("--batch", \.batchSize, batch), TrainingFlag("--accum", \.accum, accum),
         TrainingFlag("--steps", \.steps, steps), TrainingFlag("--epochs", \.epochs, epochs),
         TrainingFlag("--blr", \.blr, blr), TrainingFlag("--lr", \.lr, lr),
         TrainingFlag("--warmup-steps", \.warmupSteps, warmupSteps), TrainingFlag("--warmup-epochs", \.warmupEpochs, warmupEpochs),
         TrainingFlag("--min-lr", \.minLR, minLR), TrainingFlag("--weight-decay", \.weightDecay, weightDecay),
         TrainingFlag("--mask-ratio", \.maskRatio, maskRatio), TrainingFlag("--strategy", \.strategy, strategy),
         TrainingFlag("--seed", \.seed, seed), TrainingFlag("--threads", \.threads, threads),
         TrainingFlag("--save-every", \.saveEvery, saveEvery),
         TrainingFlag("--save-every-minutes", \.saveEveryMinutes, saveEveryMinutes),
         TrainingFlag("--log-every", \.logEvery, logEvery),
         TrainingFlag("--cache-mb", \.cacheBytes, cacheMB.map { $0 << 20 }),
         TrainingFlag("--crop-scale-min", \.cropScaleMin, cropScaleMin),
         TrainingFlag("--quarter-turns", \.quarterTurns, quarterTurns ? true : nil),
         TrainingFlag("--channel-shuffle", \.channelShuffle, channelShuffle ? true : nil),
         TrainingFlag("--saturation", \.saturation, saturation), TrainingFlag("--grey-prob", \.greyProbability, greyProb)]
    }

    /// How the command line names a field.
    func flag(_ field: TrainingOptions.Field) -> String {
        trainingFlags.first { $0.path == field.path }?.name ?? field.key
    }

    func validate() throws {
        if !resume && data == nil { throw ValidationError("--data is required for a new run (a folder of PNG or JPEG images)") }
        if resume && initModel != nil { throw ValidationError("a resumed run continues its own weights: drop --init") }
        if initModel != nil && (preset != nil || config != nil || normPix != nil) {
            throw ValidationError("--init takes the model's config from its file: drop --preset, --config and --norm-pix")
        }
        if resume && (preset != nil || config != nil || normPix != nil) {
            throw ValidationError("a resumed run keeps its model: drop --preset, --config and --norm-pix")
        }
        do {
            try options(base: TrainingOptions()).validate()
        } catch {
            throw ValidationError(error.message(naming: flag))
        }
        if detach && live.tui == true { throw ValidationError("--detach runs without a terminal: drop --tui") }
        if printTorchrun && (resume || detach || initModel != nil) {
            throw ValidationError("--print-torchrun describes a new run from random weights, as main_pretrain.py starts: drop --resume, --detach and --init")
        }
        if nodes < 1 || gpus < 1 { throw ValidationError("--nodes and --gpus must be at least 1") }
        if let cacheMB, cacheMB < 0 { throw ValidationError("--cache-mb must be 0 or more, got \(cacheMB)") }
    }

    /// `base` with every option the user gave.
    func options(base: TrainingOptions) -> TrainingOptions {
        var o = base
        for flag in trainingFlags { flag.apply(&o) }
        // A length or a warmup given in one unit replaces the one saved in the other.
        if steps != nil || epochs != nil { (o.steps, o.epochs) = (steps, epochs) }
        if warmupSteps != nil || warmupEpochs != nil { (o.warmupSteps, o.warmupEpochs) = (warmupSteps, warmupEpochs) }
        return o
    }

    /// What --resume may change: the length, the intervals (saving and logging), threads, cache
    /// and the data path.
    /// Anything else that differs from the run's config.json is refused rather than ignored.
    func adjust(_ config: inout RunConfig) throws(RunError) {
        let saved = config.training
        var wanted = options(base: saved)
        var fixed = wanted
        (fixed.steps, fixed.epochs, fixed.saveEvery, fixed.saveEveryMinutes, fixed.logEvery, fixed.threads, fixed.cacheBytes) =
            (saved.steps, saved.epochs, saved.saveEvery, saved.saveEveryMinutes, saved.logEvery, saved.threads, saved.cacheBytes)
        let changed = fixed.differences(from: saved)
        if !changed.isEmpty {
            throw .notResumable(path: config.data, reason: "a resumed run keeps its training settings; "
                + "these differ from config.json: \(changed.map(flag).joined(separator: ", ")) (only --steps, --epochs, "
                + "--save-every, --save-every-minutes, --log-every, --threads, --cache-mb and --data may change)")
        }
        if wanted.steps == nil && wanted.epochs == nil { wanted.steps = saved.steps }
        config.training = wanted
        if let data { config.data = data }
    }

    func run() throws {
        try CommandSupport.run {
            if printTorchrun {
                try printLaunch()
            } else if detach {
                try TrainDetach.start(arguments: Array(CommandLine.arguments.dropFirst()), run: RunDirectory(path: runFolder))
            } else {
                try train()
            }
        }
    }

    private func train() throws {
        let session: TrainingSession
        do {
            if resume {
                session = try TrainingSession.resume(run: RunDirectory(path: runFolder), adjust: adjust)
            } else {
                let start = try initModel.map { (path: String) throws(CheckpointError) in try Checkpoint.load(path: path, warn: CommandSupport.printWarning) }
                let model = try start?.config ?? TrainModelConfig.resolve(preset: preset, json: config, normPix: normPix)
                session = try TrainingSession.fresh(data: data!, model: model, options: options(base: TrainingOptions()),
                                                    run: RunDirectory(path: runFolder),
                                                    weights: start.map { ($0, initModel!) })
            }
        } catch let error as TrainModelConfig.Problem {
            throw ValidationError(error.description)
        } catch {
            throw CommandSupport.fail(Self.withFlags("\(error)", for: error))
        }
        defer { session.lock?.release() }  // an exit without it leaves the lock looking stale
        if let stale = session.lock?.tookOver {
            CommandSupport.printWarning("took over \(runFolder)/lock from \(stale), which no longer holds it "
                                        + "(that trainer ended without releasing it)")
        }

        // The trainer's own thread takes the run's count; the live view's reconstructions follow it.
        if let threads = session.options.threads { ModelThreads.count = threads }
        let plan = session.plan
        let progress = TrainProgress(totalSteps: plan.totalSteps, effectiveBatch: plan.effectiveBatch,
                                     inPlace: isatty(STDOUT_FILENO) == 1)
        progress.message(TrainCommand.header(session))
        if session.state.step >= plan.totalSteps {
            progress.message("the run is already at step \(session.state.step) of \(plan.totalSteps); give a larger --steps to continue")
            // A finished run still exports, so `make pretrained` after a completed run writes the model.
            if let export, let run = session.run { try Self.export(run: run, session: session, step: session.state.step, to: export, progress: progress) }
            return
        }
        let trainer: Trainer, outcome: TrainerOutcome
        if live.enabled {
            (trainer, outcome) = try TrainTUI.run(session: session, options: live, progress: progress)
        } else {
            trainer = Trainer(session: session) { progress.handle($0) }
            let signals = TrainSignals(trainer: trainer, progress: progress, logPath: session.run?.logPath)
            signals.install()
            trainer.start()
            outcome = trainer.wait() ?? .stopped(step: session.state.step)
            signals.remove()
        }
        TrainCommand.summarise(outcome, session: session, trainer: trainer, progress: progress)
        if case .failed = outcome { throw CommandSupport.failure }
        if case .completed(let step) = outcome, let export, let run = session.run {
            try Self.export(run: run, session: session, step: step, to: export, progress: progress)
        }
    }

    /// `--print-torchrun`: the launch, from the same options and data; nothing is written.
    private func printLaunch() throws {
        let model: MAEConfig
        do {
            model = try TrainModelConfig.resolve(preset: preset, json: config, normPix: normPix)
        } catch {
            throw ValidationError(error.description)
        }
        let o = options(base: TrainingOptions())
        let images: Int
        do {
            images = try ImageFolder.imageFiles(in: data!).count
        } catch {
            throw CommandSupport.fail(Self.withFlags("\(error)", for: error))
        }
        let launch = TorchrunLaunch(config: model, options: o, plan: TrainingPlan(options: o, images: images), data: data!,
                                    run: runFolder, nodes: nodes, gpus: gpus)
        do {
            print(try launch.text())
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// A Training error's message with the flags that change what it is about: the module
    /// speaks of folders and learning rates, the command line of --data, --resume and --lr.
    static func withFlags(_ message: String, for error: any Error) -> String {
        switch error {
        case RunError.alreadyARun, TrainerFailure.save(.alreadyARun):
            message + " (--resume continues it; --run chooses the folder)"
        case RunError.locked(let path, _):
            message + " (maex stop \(path) asks it to save and stop; --run chooses another folder)"
        case RunError.data(.notADirectory), DataError.notADirectory, TrainerFailure.data(.notADirectory):
            message + " (--data takes a folder of PNG or JPEG images)"
        case TrainerFailure.nonFiniteLoss:
            message + " (try a lower --lr or --blr, or more --warmup-steps)"
        default:
            message
        }
    }

    /// Writes the run's saved checkpoint (not the live weights: the export is exactly what was
    /// saved) to `path` in F16, with the content hashes of the training images.
    static func export(run: RunDirectory, session: TrainingSession, step: Int, to path: String, progress: TrainProgress) throws {
        do {
            let model = try Checkpoint.load(path: run.checkpointPath)
            let seen = TrainingImages.hashes(files: session.dataset.files, folder: session.config.data)
            try Checkpoint.save(model, to: path, storage: .f16,
                                metadata: ["train.step": String(step), TrainingImages.metadataKey: TrainingImages.metadataValue(seen)])
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        progress.message("exported \(path) (F16)")
    }

    static func header(_ s: TrainingSession) -> String {
        let c = s.config.model, o = s.options, p = s.plan
        let preset = c.matchingPreset.map { "\($0.rawValue) " } ?? ""
        let params = Double(s.model.table.trainableCount) / 1e6
        var lines = [
            String(format: "model: %@%d px, patch %d, %d×%d encoder, %d×%d decoder, %.2fM parameters%@",
                   preset, c.imgSize, c.patchSize, c.embedDim, c.depth, c.decoderEmbedDim, c.decoderDepth, params,
                   c.normPixLoss ? ", norm-pix targets" : ""),
            "weights: " + (s.config.weights.map { "from \($0)" } ?? "random (seed \(o.seed))"),
            "data: \(s.dataset.count) images in \(s.config.data)"
                + (s.dataset.skippedAtOpen.isEmpty ? "" : " (\(s.dataset.skippedAtOpen.count) skipped)"),
            augmentationLine(o),
            String(format: "plan: %d steps of %d images (batch %d × accum %d), lr %.3g, warmup %.0f steps, min lr %.3g, "
                   + "mask %.2f %@, seed %llu", p.totalSteps, p.effectiveBatch, o.batchSize, o.accum, p.peakLR,
                   p.warmupSteps, p.minLR, o.maskRatio, o.strategy.rawValue, o.seed),
        ]
        if let run = s.run {
            lines.append(s.resumed ? "run: \(run.path), resuming at step \(s.state.step)"
                + (s.resumedFrom?.note.map { " (\($0))" } ?? "") : "run: \(run.path)")
        }
        return lines.joined(separator: "\n")
    }

    static func augmentationLine(_ o: TrainingOptions) -> String {
        var parts = [String(format: "crop scale %g–1, flips", o.cropScaleMin)]
        if o.quarterTurns { parts.append("quarter turns") }
        if o.channelShuffle { parts.append("channel shuffle") }
        if o.saturation > 0 { parts.append(String(format: "saturation ±%g", o.saturation)) }
        if o.greyProbability > 0 { parts.append(String(format: "grey %g", o.greyProbability)) }
        return "augmentation: " + parts.joined(separator: ", ")
    }

    static func summarise(_ outcome: TrainerOutcome, session: TrainingSession, trainer: Trainer, progress: TrainProgress) {
        progress.finishLine()
        let wait = trainer.dataWait
        let steps = outcome.step - session.state.step
        let elapsed = trainer.status.latest.map { $0.elapsed - session.state.elapsed } ?? 0
        let checkpoint = session.run?.checkpointPath ?? "(no run folder)"
        switch outcome {
        case .completed(let step):
            progress.message("done: step \(step) of \(session.plan.totalSteps); checkpoint \(checkpoint)")
        case .stopped(let step):
            progress.message("stopped at step \(step); saved \(checkpoint) (continue with --resume)")
        case .failed(let step, let failure):
            progress.message("maex: " + Self.withFlags(failure.description, for: failure), toError: true)
            if let last = progress.lastCheckpointStep ?? (session.resumed ? session.state.step : nil) {
                var line = "last good checkpoint: \(checkpoint) (step \(last))"
                if case .save = failure { line += "; continue with --resume once the folder is writable" }
                progress.message(line, toError: true)
            } else {
                progress.message("no checkpoint was saved (stopped after step \(step))", toError: true)
            }
        }
        progress.message(String(format: "data wait: %.3f s in %d of %d steps (%.1f%% of %.1f s training)",
                                wait.seconds, wait.count, steps, 100 * wait.seconds / max(elapsed, 1e-9), elapsed))
        // Final: the trainer has ended, and its loader thread (which records the failures) with it.
        let skipped = session.dataset.skippedAtOpen.count + session.dataset.failedCount
        if skipped > 0 {
            progress.message("skipped \(skipped) file\(skipped == 1 ? "" : "s") that did not decode (listed above and in metrics.jsonl)")
        }
    }
}
