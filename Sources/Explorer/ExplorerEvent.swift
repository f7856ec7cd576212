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
}
