import Foundation
import MAE
import Training

/// The explorer's shell around a trainer in this process: starts it, reports what it did since
/// the last poll, and carries out what the keys ask. Used from the UI thread only.
public final class TrainingLink {
    /// Makes the trainer of a run (with its folder, lock and data), handing its events to
    /// `onEvent`; not started yet. Errors are shown in the status bar.
    public typealias Maker = (_ onEvent: @escaping @Sendable (TrainerEvent) -> Void) throws -> Trainer

    public let trainer: Trainer
    public let mailbox: TrainerMailbox
    private var lastSample = 0

    private init(trainer: Trainer, mailbox: TrainerMailbox) {
        self.trainer = trainer
        self.mailbox = mailbox
    }

    /// Makes the trainer and starts it, with the window-size and quit signals blocked so its
    /// threads leave them to the UI thread. Its weights are kept for the worker every second.
    static func start(_ make: Maker, wakeFD: Int32) throws(ExplorerError) -> TrainingLink {
        let mailbox = TrainerMailbox()
        mailbox.setWake(wakeFD)
        let trainer: Trainer
        do {
            trainer = try make { mailbox.receive($0) }
        } catch {
            throw ExplorerError("\(error)")
        }
        trainer.publishWeights(every: 1)
        TerminalGuard.withSignalsBlocked { trainer.start() }
        return TrainingLink(trainer: trainer, mailbox: mailbox)
    }

    /// The explorer's first view of the run.
    var view: TrainingView {
        let session = trainer.session
        var live = LiveViewState(source: .training(run: session.run?.path ?? "(in memory)"))
        live.totalSteps = session.plan.totalSteps
        let trainer = self.trainer
        return TrainingView(live: live, weights: WeightFeed { trainer.latestWeights() })
    }

    /// The steps and events since the last call; `now` is the UI's clock in seconds.
    func poll(now: Double) -> TrainingPoll {
        let (samples, latest) = trainer.samples(after: lastSample)
        lastSample = latest
        let points = samples.map {
            MetricPoint(step: $0.step, epoch: $0.epoch, loss: $0.loss, lr: $0.lr, imagesPerSecond: $0.imagesPerSecond,
                        wallTime: $0.elapsed)
        }
        return TrainingPoll(points: points, events: mailbox.take(), newestWeights: trainer.latestWeights()?.step, now: now)
    }

    /// Carries out `action` (not `.start`); writing the weights answers with an event.
    func perform(_ action: TrainingAction) -> ExplorerEvent? {
        switch action {
        case .start: return nil
        case .pause: trainer.pause()
        case .resume: trainer.resume()
        case .save: trainer.saveNow()
        case .stop: trainer.stop(reason: "q in the explorer")
        case .writeWeights: return .weightsWritten(writeWeights())
        }
        return nil
    }

    /// The newest kept weights (at most a second old, or the final ones) in F16, into the run
    /// folder as weights-step-N.safetensors, which `--model` opens.
    func writeWeights() -> Result<String, ExplorerError> {
        guard let (model, step) = trainer.latestWeights() else { return .failure(ExplorerError("no weights yet")) }
        let folder = trainer.session.run?.path ?? FileManager.default.currentDirectoryPath
        let path = (folder as NSString).appendingPathComponent("weights-step-\(step).safetensors")
        do {
            try Checkpoint.save(model, to: path, storage: .f16, metadata: ["train.step": String(step)])
        } catch {
            return .failure(ExplorerError("\(path): \(error)"))
        }
        return .success(path)
    }
}
