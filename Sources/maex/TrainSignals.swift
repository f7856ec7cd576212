import Foundation
import Training

/// Signals during `maex train` without the live view (and after the live view has detached).
/// The first SIGINT or SIGTERM asks the trainer to finish its step, save and stop (the command
/// then exits 0); a second one quits at once without saving. SIGHUP (the terminal is gone)
/// first points standard output and error at the run's train.log, since writes to a dead
/// terminal fail, then saves and stops the same way; later hang-ups change nothing. A run that
/// must outlive its terminal uses the live view or --detach.
final class TrainSignals: @unchecked Sendable {
    private let trainer: Trainer
    private let progress: TrainProgress
    private let logPath: String?
    private let hangUpStops: Bool
    private let lock = NSLock()
    private var received = 0
    private var sources: [any DispatchSourceSignal] = []

    /// `logPath`: where messages go once the terminal is gone (nil: nowhere). `hangUpStops`:
    /// false once the process runs headless on purpose (a detached live view), when a hang-up
    /// means nothing.
    init(trainer: Trainer, progress: TrainProgress, logPath: String?, hangUpStops: Bool = true) {
        self.trainer = trainer
        self.progress = progress
        self.logPath = logPath
        self.hangUpStops = hangUpStops
    }

    func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)  // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in received(sig) }
            source.resume()
            sources.append(source)
        }
    }

    func remove() {
        for s in sources { s.cancel() }
        sources.removeAll()
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }

    private func received(_ sig: Int32) {
        if sig == SIGHUP {
            guard hangUpStops, lock.withLock({ received == 0 }) else { return }
            StandardStreams.redirect(toLog: logPath)
            progress.switchToPlainLines()
        }
        let count = lock.withLock { received += 1; return received }
        if count == 1 {
            let name = sig == SIGINT ? "interrupt" : sig == SIGTERM ? "terminate" : "hang-up"
            progress.message("\(name): finishing this step and saving" + (sig == SIGHUP ? "" : " (again to quit without saving)"),
                             toError: true)
            trainer.stop(reason: sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP")
        } else {
            progress.message("quitting without saving", toError: true)
            Foundation.exit(130)
        }
    }
}
