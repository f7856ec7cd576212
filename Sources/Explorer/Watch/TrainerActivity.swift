/// What `maex watch` can tell of the trainer that writes a run, from the lines of its
/// metrics.jsonl (the "started" event and the one that ends the run, and when lines were
/// written) and, where it can be seen, whether the run's lock is still held. Pure: lines and
/// the clock come in, `state(now:lock:)` answers.
public struct TrainerActivity: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Started and writing; `host` is the trainer's machine.
        case running(pid: Int32, host: String)
        /// Started, not ended, but no line for three log intervals since `since` (Unix seconds).
        case stalled(pid: Int32, host: String, since: Double)
        case finished(step: Int)
        /// Stopped and saved: `reason` is what asked (a signal's name, "stop requested").
        case stopped(step: Int, reason: String)
        case failed(step: Int, reason: String)
        /// Started, no end event, and nobody holds the run's lock any more: the trainer died
        /// (kill -9, a crash, the machine went down).
        case gone(pid: Int32)
    }

    /// What the run's lock says about the trainer.
    public enum Lock: Equatable, Sendable {
        /// The lock is held by this pid.
        case held(pid: Int32)
        /// Nobody holds it (seen on this host).
        case free
        /// Cannot be told (another host, or no /proc/locks).
        case unknown
    }

    /// A stall is also never declared sooner than this after the last line, so that a save
    /// of a tiny model's checkpoint does not read as one.
    public static let minimumStall = 5.0

    private var started: RunEvent?
    private var end: State?
    /// The time of the newest line, and of the newest step line (or of "started").
    private var lastLine: Double?
    private var lastPoint: Double?
    /// Seconds between the last two step lines (the first counts from "started").
    private var interval: Double?

    public init() {}

    /// The trainer's pid and host from its "started" event.
    public var trainer: (pid: Int32, host: String)? {
        guard let s = started, let pid = s.pid else { return nil }
        return (pid, s.host ?? "")
    }

    /// Takes in the next line of metrics.jsonl.
    public mutating func read(_ line: RunLogParser.Line) {
        switch line {
        case .point(let p):
            if let t = p.time {
                if let last = lastPoint, t > last { interval = t - last }
                lastPoint = t
                seen(t)
            }
        case .event(let e):
            switch e.name {
            case "started":
                started = e
                end = nil
                interval = nil
                lastPoint = e.time
            case "finished":
                end = .finished(step: e.step ?? 0)
            case "stopped":
                end = .stopped(step: e.step ?? 0, reason: e.reason ?? "")
            case "failed":
                end = .failed(step: e.step ?? 0, reason: e.reason ?? "")
            default:
                break
            }
            if let t = e.time { seen(t) }
        case .blank, .malformed:
            break
        }
    }

    private mutating func seen(_ t: Double) {
        lastLine = max(lastLine ?? t, t)
    }

    /// The file started over: forget everything.
    public mutating func reset() { self = TrainerActivity() }

    /// Where the trainer stands at `now` (Unix seconds); nil for a log without a "started"
    /// event (the authors' log.txt, a run begun before maex wrote one).
    public func state(now: Double, lock: Lock) -> State? {
        if let end { return end }
        guard let (pid, host) = trainer else { return nil }
        switch lock {
        case .free: return .gone(pid: pid)
        case .held(let holder) where holder != pid: return .gone(pid: pid)
        case .held, .unknown: break
        }
        if let last = lastLine, let interval, now - last > max(3 * interval, Self.minimumStall) {
            return .stalled(pid: pid, host: host, since: last)
        }
        return .running(pid: pid, host: host)
    }
}
