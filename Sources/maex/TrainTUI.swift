import ArgumentParser
import Explorer
import Foundation
import Training

/// `maex train`'s live-view options.
struct TrainLiveOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Show the training screen (default when stdin and stdout are a terminal); --no-tui prints the plain progress line.")
    var tui: Bool?

    @Option(help: ArgumentHelp("The image shown first on the training screen (default: the first data image; [ ] move through the data).",
                               valueName: "image"))
    var probe: String?

    @Flag(help: "On exit from the training screen, print the bytes it sent to the terminal per second.")
    var stats = false

    @Option(help: ArgumentHelp("How the training screen's pictures take 256 colours (as for explore).", valueName: "dither"))
    var dither: Dither = .standard

    func validate() throws {
        if let probe, !FileManager.default.fileExists(atPath: probe) {
            throw ValidationError("--probe \(probe): no such file")
        }
        if tui == true && !LiveTerminal.available {
            throw ValidationError("--tui needs a terminal on stdin and stdout (and TERM set, not dumb); use --no-tui")
        }
    }

    /// Whether this run shows the training screen.
    var enabled: Bool { tui ?? LiveTerminal.available }
}

enum LiveTerminal {
    static var available: Bool {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
    }

}

/// `maex train` with its screen: the explorer's, training from the start, with the probe image
/// first and the run's images behind it (`[ ]`), every mask tool working on them. `q` (or
/// SIGINT/SIGTERM) stops the trainer, which saves; the screen closes once it has, and the
/// caller prints the summary on the restored terminal. When the terminal goes away (SIGHUP, its
/// input ends) the screen closes at once and the trainer runs on headless to the end of its
/// plan, its messages in the run's train.log; SIGINT and SIGTERM still save and stop it.
enum TrainTUI {
    static func run(session: TrainingSession, options: TrainLiveOptions,
                    progress: TrainProgress) throws -> (Trainer, TrainerOutcome) {
        let images = (options.probe.map { [$0] } ?? []) + session.dataset.files
        let model = session.model.copy()  // the engine's own until the trainer's first weights
        let name = session.run.map { ($0.path as NSString).lastPathComponent } ?? "training"
        var setup = ExplorerSetup(model: ModelEngine.summary(of: model, name: name), images: images.map { ImageEntry(path: $0) },
                                  ratio: session.options.maskRatio, pattern: .random, seed: 0, glyphs: nil, colors: nil,
                                  engine: ModelEngine(model: model), makeMask: ModelEngine.makeMask)
        setup.makeTrainer = { onEvent in Trainer(session: session, onEvent: onEvent) }
        setup.trainAtStart = true
        setup.dither = options.dither
        let report: ExplorerApp.Report
        do {
            report = try ExplorerApp.run(setup)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        guard let link = report.training else { throw CommandSupport.fail("the trainer did not start") }
        if report.detached {
            return (link.trainer, detached(link.trainer, mailbox: link.mailbox, session: session, progress: progress))
        }
        let outcome = link.trainer.wait() ?? .stopped(step: session.state.step)
        if options.stats { print(report.traffic.summary) }
        return (link.trainer, outcome)
    }

    /// The rest of the run without a terminal: messages to train.log (or nowhere without a run
    /// folder), plain progress lines, a pause from the view lifted, signals as for --no-tui.
    static func detached(_ trainer: Trainer, mailbox: TrainerMailbox, session: TrainingSession,
                         progress: TrainProgress) -> TrainerOutcome {
        StandardStreams.redirect(toLog: session.run?.logPath)
        progress.switchToPlainLines()
        let step = trainer.status.latest?.step ?? session.state.step
        progress.message("the terminal went away at step \(step): training goes on without it"
                         + (session.run.map { " (follow it with: maex watch \($0.path))" } ?? ""))
        mailbox.forward { progress.handle($0) }
        let signals = TrainSignals(trainer: trainer, progress: progress, logPath: session.run?.logPath, hangUpStops: false)
        signals.install()
        defer { signals.remove() }
        trainer.resume()
        return trainer.wait() ?? .stopped(step: session.state.step)
    }
}
