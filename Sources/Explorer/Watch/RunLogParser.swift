import Foundation

/// One point of a training curve, whichever program wrote it.
public struct MetricPoint: Equatable, Sendable {
    /// The x value: the optimizer step for maex runs, the epoch for the authors' log.txt.
    public var step: Int
    public var epoch: Double?
    public var loss: Double
    public var lr: Double?
    public var imagesPerSecond: Double?
    /// Seconds since the run started.
    public var wallTime: Double?
    /// When the line was written (Unix seconds; maex's "time").
    public var time: Double?

    public init(step: Int, epoch: Double? = nil, loss: Double, lr: Double? = nil,
                imagesPerSecond: Double? = nil, wallTime: Double? = nil, time: Double? = nil) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
        self.imagesPerSecond = imagesPerSecond
        self.wallTime = wallTime
        self.time = time
    }
}

/// A maex event line of metrics.jsonl: {"event": name, ...}. The trainer's lifecycle events are
/// "started" (pid, host, step, total_steps, time), "resume" (step, time), "checkpoint" (path,
/// step, time), "skipped" (file, reason, step), and one of "finished", "stopped" or "failed"
/// (step, reason for the last two, time) when it ends.
public struct RunEvent: Equatable, Sendable {
    public var name: String
    public var step: Int?
    public var time: Double?
    public var pid: Int32?
    public var host: String?
    public var totalSteps: Int?
    public var reason: String?

    public init(name: String, step: Int? = nil, time: Double? = nil, pid: Int32? = nil, host: String? = nil,
                totalSteps: Int? = nil, reason: String? = nil) {
        self.name = name
        self.step = step
        self.time = time
        self.pid = pid
        self.host = host
        self.totalSteps = totalSteps
        self.reason = reason
    }
}

/// Reads the lines of a training log: maex's metrics.jsonl or the authors' log.txt.
public enum RunLogParser {
    public enum Line: Equatable, Sendable {
        case point(MetricPoint)
        /// A maex event line, such as {"event": "checkpoint", ...}.
        case event(RunEvent)
        /// An empty line.
        case blank
        /// Not JSON, not an object, or without the fields a point needs.
        case malformed
    }

    /// maex's metrics.jsonl: {"step", "epoch", "loss", "lr", "images_per_s", "elapsed"} per
    /// logged step (a null loss is NaN), or {"event": ...}. The authors' log.txt: one object per epoch with
    /// "train_loss", "train_lr" and "epoch"; other keys are ignored.
    public static func parse(_ text: String) -> Line {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .blank }
        guard trimmed.first == "{",
              let object = jsonObject(trimmed) ?? jsonObject(quotingNonFinite(trimmed))
        else { return .malformed }
        func number(_ key: String) -> Double? {
            switch object[key] {
            case let n as NSNumber: n.doubleValue
            case let s as String: Double(s)  // Python's json writes NaN unquoted; some loggers quote it
            default: nil
            }
        }
        func int(_ key: String) -> Int? { number(key).flatMap(Self.integer) }
        if let name = object["event"] as? String {
            return .event(RunEvent(name: name, step: int("step"), time: number("time"), pid: int("pid").flatMap { Int32(exactly: $0) },
                                   host: object["host"] as? String, totalSteps: int("total_steps"),
                                   reason: object["reason"] as? String))
        }
        // maex writes a non-finite loss (the step a run diverged at) as null: it reads as NaN.
        let maexLoss = object["loss"] is NSNull ? Double.nan : number("loss")
        if let loss = maexLoss, let step = number("step").flatMap(Self.integer) {
            return .point(MetricPoint(step: step, epoch: number("epoch"), loss: loss, lr: number("lr"),
                                      imagesPerSecond: number("images_per_s"),
                                      wallTime: number("elapsed"), time: number("time")))
        }
        if let loss = number("train_loss"), let epoch = number("epoch"), let step = Self.integer(epoch) {
            return .point(MetricPoint(step: step, epoch: epoch, loss: loss, lr: number("train_lr")))
        }
        return .malformed
    }

    /// The largest step, epoch, pid or step count read (in magnitude): 10^15, more than any run
    /// takes, and below 2^53, where doubles still hold every integer. A number beyond it (1e300
    /// would trap when made an Int) makes its line malformed, or its field unread.
    public static let largestInteger = 1e15

    /// `v` as an Int (toward zero) when it is finite and within `largestInteger`.
    static func integer(_ v: Double) -> Int? {
        v.isFinite && abs(v) < largestInteger ? Int(v) : nil
    }

    /// The event lines among `text`'s lines, in order.
    public static func events<Text: StringProtocol>(in text: Text) -> [RunEvent] {
        text.split(separator: "\n").compactMap { line in
            if case .event(let event) = parse(String(line)) { return event }
            return nil
        }
    }

    private static func jsonObject(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// Python's json writes bare NaN, Infinity and -Infinity, which JSON does not allow: quote
    /// them so they read as strings that `Double` understands.
    private static func quotingNonFinite(_ text: String) -> String {
        text.replacingOccurrences(of: ": -Infinity", with: ": \"-inf\"")
            .replacingOccurrences(of: ": Infinity", with: ": \"inf\"")
            .replacingOccurrences(of: ": NaN", with: ": \"nan\"")
    }
}
