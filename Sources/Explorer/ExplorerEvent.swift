/// Everything that can change the explorer's state.
public enum ExplorerEvent: Sendable {
    case key(Key)
    case mouse(MouseReport)
    case resize(width: Int, height: Int)
    /// A finished reconstruction (or a failed image) from the worker.
    case reconstructed(ReconstructionOutcome)
    /// The spinner advances while the worker computes.
    case tick
    /// An export finished: the written path, or the error text.
    case exported(Result<String, ExplorerError>)
    /// Training started (`T`, or `maex train --tui` at once): the view of its run.
    case trainingStarted(TrainingView)
    /// Training could not start, and why.
    case trainingFailed(ExplorerError)
    /// What the trainer did since the last poll.
    case trainingPolled(TrainingPoll)
    /// `W` wrote the weights: the path, or why not.
    case weightsWritten(Result<String, ExplorerError>)
    /// The frame just presented cost this many bytes (a redraw with newer weights waits for them
    /// to be paid off at the byte rate).
    case presented(bytes: Int)
}
