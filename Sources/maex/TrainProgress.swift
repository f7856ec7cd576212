import Foundation
import Training

/// What `maex train` prints while the trainer runs (called from the trainer thread).
/// Not a terminal: one plain line per log interval. A terminal: one progress line redrawn in
/// place with \r; messages (warnings, saves) print above it. The live view (`--tui`, TrainTUI)
/// takes its place on a terminal; the trainer is the same.
final class TrainProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let totalSteps: Int
    private let effectiveBatch: Int
    private var inPlace: Bool
    private var lineShown = false
    private(set) var skipped = 0
    /// The step of the last checkpoint this process saved.
    var lastCheckpointStep: Int? { lock.withLock { savedStep } }
    private var savedStep: Int?
    private var pending: (loss: Double, steps: Int, since: Double) = (0, 0, 0)
    private var lastDraw = 0.0

    init(totalSteps: Int, effectiveBatch: Int, inPlace: Bool) {
        self.totalSteps = totalSteps
        self.effectiveBatch = effectiveBatch
        self.inPlace = inPlace
    }

    func handle(_ event: TrainerEvent) {
        switch event {
        case .step(let sample):
            guard inPlace else { return }
            // Redraw at most 4 times a second, with the loss and speed since the last redraw.
            let draw: (Double, Double)? = lock.withLock {
                pending.loss += sample.loss
                pending.steps += 1
                let now = sample.time
                if pending.since == 0 { pending.since = now - Double(effectiveBatch) / max(sample.imagesPerSecond, 1e-9) }
                guard now - lastDraw >= 0.25 || sample.step == totalSteps else { return nil }
                let result = (pending.loss / Double(pending.steps),
                              Double(pending.steps * effectiveBatch) / max(now - pending.since, 1e-9))
                pending = (0, 0, now)
                lastDraw = now
                return result
            }
            if let (loss, rate) = draw {
                progress(Self.line(sample, meanLoss: loss, imagesPerSecond: rate, totalSteps: totalSteps,
                                   effectiveBatch: effectiveBatch, bar: true))
            }
        case .log(let sample, let meanLoss, let rate):
            guard !inPlace else { return }
            progress(Self.line(sample, meanLoss: meanLoss, imagesPerSecond: rate, totalSteps: totalSteps,
                               effectiveBatch: effectiveBatch, bar: false))
        case .skipped(let file):
            lock.withLock { skipped += 1 }
            message("warning: skipped \(file.path): \(file.reason)", toError: true)
        case .checkpoint(let path, let step):
            lock.withLock { savedStep = step }
            message("saved \(path) at step \(step)")
        case .saveFailed(let step, let failure):
            message("warning: step \(step) not saved: \(failure)", toError: true)
        case .paused(let step):
            message("paused at step \(step)")
        case .resumed(let step):
            message("resumed at step \(step)")
        case .finished:
            finishLine()
        }
    }

    /// From now on one plain line per log interval: the output is no longer a terminal (it was
    /// redirected to the run's train.log after a hang-up).
    func switchToPlainLines() {
        lock.withLock {
            inPlace = false
            lineShown = false
        }
    }

    /// Prints a line of its own (above the progress line on a terminal).
    func message(_ text: String, toError: Bool = false) {
        lock.withLock {
            if lineShown {
                write("\r\u{1B}[K", toError: false)
                lineShown = false
            }
            write(text + "\n", toError: toError)
        }
    }

    private func progress(_ text: String) {
        lock.withLock {
            if inPlace {
                write("\r" + Self.fit(text, columns: Self.terminalColumns()) + "\u{1B}[K", toError: false)
                lineShown = true
            } else {
                write(text + "\n", toError: false)
            }
        }
    }

    /// Ends the progress line so what follows starts on a line of its own.
    func finishLine() {
        lock.withLock {
            if lineShown {
                write("\n", toError: false)
                lineShown = false
            }
        }
    }

    private func write(_ text: String, toError: Bool) {
        toError ? StandardStreams.error(text) : StandardStreams.output(text)
    }

    /// step 120/1000  epoch 3.20  loss 0.8123  lr 1.50e-04  412.5 img/s  ETA 2m13s
    static func line(_ s: TrainingSample, meanLoss: Double, imagesPerSecond rate: Double, totalSteps: Int,
                     effectiveBatch: Int, bar: Bool) -> String {
        let remaining = Double(max(totalSteps - s.step, 0)) * Double(effectiveBatch) / max(rate, 1e-9)
        let width = String(totalSteps).count
        var fields = [
            "step " + String(repeating: " ", count: max(width - String(s.step).count, 0)) + "\(s.step)/\(totalSteps)",
            "epoch " + String(format: "%.2f", s.epoch),
            "loss " + String(format: "%.4f", meanLoss),
            "lr " + String(format: "%.2e", s.lr),
            String(format: "%.1f img/s", rate),
            "ETA " + duration(remaining),
        ]
        if bar { fields.insert(progressBar(Double(s.step) / Double(max(totalSteps, 1)), width: 20), at: 0) }
        return fields.joined(separator: "  ")
    }

    /// The line cut to the terminal's width (a wrapped line cannot be redrawn with \r): the
    /// bar goes first, then the end.
    static func fit(_ line: String, columns: Int) -> String {
        var text = line
        if text.count >= columns, text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = String(text[text.index(after: end)...]).trimmingCharacters(in: .whitespaces)
        }
        return text.count < columns ? text : String(text.prefix(max(columns - 1, 0)))
    }

    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    static func progressBar(_ fraction: Double, width: Int) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    /// 45s, 12m05s, 3h20m.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
