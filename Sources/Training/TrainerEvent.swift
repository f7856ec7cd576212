/// How a training thread ended.
public enum TrainerOutcome: Sendable, Equatable {
    /// The planned number of steps is done (and saved).
    case completed(step: Int)
    /// `stop()` was called: the current step finished and was saved.
    case stopped(step: Int)
    /// The run could not go on; `step` is the last completed (and, unless saving was the
    /// problem, saved) step.
    case failed(step: Int, TrainerFailure)

    public var step: Int {
        switch self {
        case .completed(let s), .stopped(let s), .failed(let s, _): s
        }
    }
}

public enum TrainerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The loss of step `step` was NaN or infinite: the step was not applied and the weights of
    /// that step are not saved; the last checkpoint on disk is the last good one.
    case nonFiniteLoss(step: Int, loss: Float)
    /// Writing the checkpoint, the optimizer state or the metrics failed.
    case save(RunError)
    case data(DataError)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let loss):
            "the loss became \(loss.isNaN ? "NaN" : loss > 0 ? "+inf" : "-inf") at step \(step); training stopped, the last good checkpoint is kept "
                + "(a lower learning rate or a longer warmup may help)"
        case .save(let e): "cannot save: \(e)"
        case .data(let e): e.description
        }
    }
}

/// What the trainer tells its owner, on the trainer thread (handlers must be quick and must
/// not call back into the trainer's blocking methods).
public enum TrainerEvent: Sendable {
    /// After every step (for a display that redraws as it likes; `.log` marks the intervals).
    case step(TrainingSample)
    /// Every `logEvery` steps and at the last step: the step's sample, the mean loss and the
    /// throughput since the previous log line.
    case log(TrainingSample, meanLoss: Double, imagesPerSecond: Double)
    case skipped(SkippedFile)
    case checkpoint(path: String, step: Int)
    /// A save while paused failed (`failure` says why); the run stays paused and tries again
    /// when the pause ends, and a failure then ends the run as any failed save does.
    case saveFailed(step: Int, TrainerFailure)
    case paused(step: Int)
    case resumed(step: Int)
    case finished(TrainerOutcome)
}

/// Where the trainer stands, for a status line.
public struct TrainerStatus: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case ready, running, paused, finished }
    public var phase: Phase
    public var step: Int
    public var totalSteps: Int
    public var latest: TrainingSample?
    /// Seconds the training thread waited for data, and steps that had to wait.
    public var dataWaitSeconds: Double
    public var outcome: TrainerOutcome?
}
