import Foundation
import Training

/// Trainer events, handed from the trainer thread to the UI thread. The trainer only appends
/// under a lock (and writes a byte to the wake pipe for these rare events); per-step numbers are
/// read from the trainer's ring on the UI's own schedule, so the screen never slows a step.
public final class TrainerMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [TrainerEvent] = []
    private var wakeFD: Int32 = -1
    private var forward: (@Sendable (TrainerEvent) -> Void)?

    public init() {}

    /// The trainer's `onEvent`: per-step events are dropped (the ring has them).
    public func receive(_ event: TrainerEvent) {
        if let forward = lock.withLock({ forward }) { return forward(event) }
        if case .step = event { return }
        if case .log = event { return }
        let fd = lock.withLock { events.append(event); return wakeFD }
        if fd >= 0 {
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    func setWake(_ fd: Int32) { lock.withLock { wakeFD = fd } }

    /// After the screen has closed with the trainer still running (detached): every event,
    /// per-step ones too, goes to `handler` instead, and the closed wake pipe is forgotten.
    public func forward(to handler: @escaping @Sendable (TrainerEvent) -> Void) {
        let waiting = lock.withLock {
            forward = handler
            wakeFD = -1
            defer { events.removeAll() }
            return events
        }
        for event in waiting { handler(event) }
    }

    func take() -> [TrainerEvent] { lock.withLock { defer { events.removeAll() }; return events } }
}
