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

    public init(step: Int, epoch: Double? = nil, loss: Double, lr: Double? = nil,
                imagesPerSecond: Double? = nil, wallTime: Double? = nil) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
        self.imagesPerSecond = imagesPerSecond
        self.wallTime = wallTime
    }
}

/// Reads the lines of a training log: maex's metrics.jsonl or the authors' log.txt.
public enum RunLogParser {
    public enum Line: Equatable, Sendable {
        case point(MetricPoint)
        /// A maex event line, such as {"event": "checkpoint", ...}: its name.
        case event(String)
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
        if let event = object["event"] as? String { return .event(event) }
        func number(_ key: String) -> Double? {
            switch object[key] {
            case let n as NSNumber: n.doubleValue
            case let s as String: Double(s)  // Python's json writes NaN unquoted; some loggers quote it
            default: nil
            }
        }
        // maex writes a non-finite loss (the step a run diverged at) as null: it reads as NaN.
        let maexLoss = object["loss"] is NSNull ? Double.nan : number("loss")
        if let loss = maexLoss, let step = number("step"), step.isFinite {
            return .point(MetricPoint(step: Int(step), epoch: number("epoch"), loss: loss, lr: number("lr"),
                                      imagesPerSecond: number("images_per_s"),
                                      wallTime: number("elapsed")))
        }
        if let loss = number("train_loss"), let epoch = number("epoch"), epoch.isFinite {
            return .point(MetricPoint(step: Int(epoch), epoch: epoch, loss: loss, lr: number("train_lr")))
        }
        return .malformed
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
