import Foundation

/// One background thread that serves the newest request only: a request submitted while
/// another waits replaces it (a drag or a training run sends many; only the latest matters).
/// Finished outcomes are collected by the UI thread, which a byte on the wake pipe tells to
/// look. The work closure runs on the worker thread only, so it may use state that is not
/// thread-safe (a model, BLAS buffers) as long as nothing else touches it.
public final class LatestRequestWorker<Request, Outcome>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: Request?
    private var finished: [Outcome] = []
    private var running = false
    private var stopping = false

    private let name: String
    private let stackSize: Int
    private let keep: Int
    private let wakeFD: Int32
    private let work: (Request) -> Outcome

    /// - Parameters:
    ///   - keep: how many finished outcomes to hold for `takeFinished`; older ones are dropped.
    ///   - wakeFD: the write end of the UI's wake pipe; gets one byte per finished request.
    ///   - work: computes one outcome; called on the worker thread only.
    public init(name: String, stackSize: Int, keep: Int, wakeFD: Int32,
                work: @escaping (Request) -> Outcome) {
        precondition(keep >= 1, "keep must be at least 1")
        self.name = name
        self.stackSize = stackSize
        self.keep = keep
        self.wakeFD = wakeFD
        self.work = work
    }

    /// Starts the thread with SIGWINCH and the quit signals blocked in it, so the UI thread
    /// receives them (threads it starts, such as BLAS workers, inherit the block).
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.stackSize = stackSize
        TerminalGuard.withSignalsBlocked { thread.start() }
    }

    /// Queues `request`, replacing one that has not started yet.
    public func submit(_ request: Request) {
        condition.withLock {
            pending = request
            condition.signal()
        }
    }

    /// Outcomes finished since the last call (at most `keep`), oldest first.
    public func takeFinished() -> [Outcome] {
        condition.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// Whether a request is waiting or being computed.
    public var isBusy: Bool { condition.withLock { running || pending != nil } }

    /// Drops the waiting request and asks the thread to end after the current one (the
    /// process may exit before it does).
    public func stop() {
        condition.withLock {
            stopping = true
            pending = nil
            condition.signal()
        }
    }

    /// Like `stop`, then waits up to `timeout` seconds for the request being computed to end:
    /// a process that exits while the thread is inside OpenBLAS crashes in BLAS's own teardown.
    public func stopAndWait(timeout: Double) {
        stop()
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.withLock {
            while running && condition.wait(until: deadline) {}
        }
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

            let outcome = work(request)

            condition.withLock {
                running = false
                condition.broadcast()
                finished.append(outcome)
                if finished.count > keep { finished.removeFirst(finished.count - keep) }
            }
            var byte: UInt8 = 1
            _ = write(wakeFD, &byte, 1)
        }
    }
}
