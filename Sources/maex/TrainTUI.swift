import ArgumentParser
import Explorer
import Foundation
import Training

/// `maex train`'s live-view options.
struct TrainLiveOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Show the live training view (default when stdin and stdout are a terminal); --no-tui prints the plain progress line.")
    var tui: Bool?

    @Option(help: ArgumentHelp("Probe image for the live view's panels (default: the first data image; p moves on).",
                               valueName: "image"))
    var probe: String?

    @Option(name: .customLong("preview-every"),
            help: ArgumentHelp("Reconstruct the probe with the newest weights every N steps (default 20; at most once a second).",
                               valueName: "n"))
    var previewEvery: Int = 20

    @Flag(help: "On exit from the live view, print the bytes it sent to the terminal per second.")
    var stats = false

    func validate() throws {
        if previewEvery < 1 { throw ValidationError("--preview-every must be 1 or more, got \(previewEvery)") }
        if let probe, !FileManager.default.fileExists(atPath: probe) {
            throw ValidationError("--probe \(probe): no such file")
        }
        if tui == true && !LiveTerminal.available {
            throw ValidationError("--tui needs a terminal on stdin and stdout (and TERM set, not dumb); use --no-tui")
        }
    }

    /// Whether this run shows the live view.
    var enabled: Bool { tui ?? LiveTerminal.available }
}

enum LiveTerminal {
    static var available: Bool {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
    }

    /// The `--stats` line.
    static func statsLine(_ r: LiveApp.Report) -> String {
        String(format: "terminal output: %d bytes in %.1f s (%.0f bytes/s); after the first frame %d bytes in %.1f s (%.0f bytes/s)",
               r.bytesWritten, r.seconds, Double(r.bytesWritten) / max(r.seconds, 1e-9),
               r.bytesAfterFirstFrame, r.secondsAfterFirstFrame,
               Double(r.bytesAfterFirstFrame) / max(r.secondsAfterFirstFrame, 1e-9))
    }
}

/// `maex train` with the live view: the trainer on its own thread, the view on this one. `q`
/// (or SIGINT/SIGTERM) stops the trainer, which saves; the view closes once it has, and the
/// caller prints the summary on the restored terminal. When the terminal goes away (SIGHUP, its
/// input ends) the view closes at once and the trainer runs on headless to the end of its
/// plan, its messages in the run's train.log; SIGINT and SIGTERM still save and stop it.
enum TrainTUI {
    static func run(session: TrainingSession, options: TrainLiveOptions,
                    progress: TrainProgress) throws -> (Trainer, TrainerOutcome) {
        let mailbox = TrainingFeed.Mailbox()
        let trainer = Trainer(session: session) { mailbox.receive($0) }
        let probes = (options.probe.map { [$0] } ?? []) + session.dataset.files
        let feed = TrainingFeed(trainer: trainer, mailbox: mailbox, probeImages: probes, previewEvery: options.previewEvery)
        let report: LiveApp.Report
        do {
            report = try LiveApp.run(feed, state: TrainingFeed.initialState(session), options: LiveApp.Options())
        } catch {
            trainer.stop()
            trainer.wait()
            throw CommandSupport.fail("\(error)")
        }
        if report.detached {
            return (trainer, detached(trainer, mailbox: mailbox, session: session, progress: progress))
        }
        let outcome = trainer.wait() ?? .stopped(step: session.state.step)
        if options.stats { print(LiveTerminal.statsLine(report)) }
        return (trainer, outcome)
    }

    /// The rest of the run without a terminal: messages to train.log (or nowhere without a run
    /// folder), plain progress lines, a pause from the view lifted, signals as for --no-tui.
    static func detached(_ trainer: Trainer, mailbox: TrainingFeed.Mailbox, session: TrainingSession,
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
