import Foundation

/// Computes reconstructions on the worker thread; the only code that runs a model for the
/// explorer. Used from that one thread only.
public protocol ReconstructionEngine: AnyObject {
    func run(_ request: ReconstructionRequest) -> ReconstructionOutcome
}

/// One background thread that serves the newest request only: a request submitted while
/// another waits replaces it (a drag sends many; only the latest matters). Finished outcomes
/// are collected by the UI thread, which a byte on the wake pipe tells to look.
public final class ReconstructionWorker: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: ReconstructionRequest?
    private var finished: [ReconstructionOutcome] = []
    private var stopping = false
    private var running = false

    private let engine: ReconstructionEngine
    private let wakeFD: Int32

    public init(engine: ReconstructionEngine, wakeFD: Int32) {
        self.engine = engine
        self.wakeFD = wakeFD
    }

    /// Starts the thread with SIGWINCH and the quit signals blocked in it.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "maex-reconstruction"
        thread.stackSize = 8 << 20
        TerminalGuard.withSignalsBlocked { thread.start() }
    }

    public func submit(_ request: ReconstructionRequest) {
        condition.lock()
        pending = request
        condition.signal()
        condition.unlock()
    }

    /// Outcomes finished since the last call, oldest first.
    public func takeFinished() -> [ReconstructionOutcome] {
        condition.lock()
        defer { condition.unlock() }
        let out = finished
        finished.removeAll()
        return out
    }

    /// Whether a request is waiting or being computed.
    public var busy: Bool {
        condition.lock()
        defer { condition.unlock() }
        return pending != nil || running
    }

    /// Asks the thread to end after the current request (the process may exit before it does).
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending == nil && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let request = pending!
            pending = nil
            running = true
            condition.unlock()

            let outcome = engine.run(request)

            condition.lock()
            running = false
            finished.append(outcome)
            if finished.count > 8 { finished.removeFirst(finished.count - 8) }
            condition.unlock()
            var byte: UInt8 = 1
            _ = write(wakeFD, &byte, 1)
        }
    }
}
