import Foundation
import Training

/// SIGINT and SIGTERM during `maex train`: the first asks the trainer to finish its step, save
/// and stop (the command then exits 0); a second one quits at once without saving.
final class TrainSignals: @unchecked Sendable {
    private let trainer: Trainer
    private let progress: TrainProgress
    private let lock = NSLock()
    private var received = 0
    private var sources: [any DispatchSourceSignal] = []

    init(trainer: Trainer, progress: TrainProgress) {
        self.trainer = trainer
        self.progress = progress
    }

    func install() {
        for sig in [SIGINT, SIGTERM] {
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
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    private func received(_ sig: Int32) {
        let count = lock.withLock { received += 1; return received }
        if count == 1 {
            progress.message("\(sig == SIGINT ? "interrupt" : "terminate"): finishing this step and saving "
                             + "(again to quit without saving)", toError: true)
            trainer.stop(reason: sig == SIGINT ? "SIGINT" : "SIGTERM")
        } else {
            progress.message("quitting without saving", toError: true)
            Foundation.exit(130)
        }
    }
}
