import Foundation

/// Computes reconstructions on the worker thread; the only code that runs a model for the
/// explorer. Used from that one thread only.
public protocol ReconstructionEngine: AnyObject {
    func run(_ request: ReconstructionRequest) -> ReconstructionOutcome
}

/// The explorer's reconstruction thread: serves the newest request only (a drag sends many)
/// and keeps the last few outcomes, so that each request the UI waits on reaches it.
public final class ReconstructionWorker: @unchecked Sendable {
    private let worker: LatestRequestWorker<ReconstructionRequest, ReconstructionOutcome>

    public init(engine: ReconstructionEngine, wakeFD: Int32) {
        worker = LatestRequestWorker(name: "maex-reconstruction", stackSize: 8 << 20, keep: 8,
                                     wakeFD: wakeFD, work: { engine.run($0) })
    }

    /// Starts the thread with SIGWINCH and the quit signals blocked in it.
    public func start() { worker.start() }

    public func submit(_ request: ReconstructionRequest) { worker.submit(request) }

    /// Outcomes finished since the last call, oldest first.
    public func takeFinished() -> [ReconstructionOutcome] { worker.takeFinished() }

    /// Whether a request is waiting or being computed.
    public var busy: Bool { worker.isBusy }

    /// Drops the waiting request and asks the thread to end after the current one, waiting up
    /// to 10 s for that one (a sweep point takes longest) so the process never exits while the
    /// thread is inside BLAS.
    public func stop() { worker.stopAndWait(timeout: 10) }
}
