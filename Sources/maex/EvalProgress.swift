import Foundation

/// The progress line of `maex eval` on stderr, only when stderr is a terminal: redrawn in place
/// at most 4 times a second, erased before anything else is printed and at the end.
final class EvalProgress {
    private let total: Int
    private let enabled: Bool
    private var done = 0
    private var shown = false
    private var lastDraw = 0.0

    init(total: Int, enabled: Bool) {
        self.total = max(total, 1)
        self.enabled = enabled
    }

    func advance(by count: Int, label: String) {
        done += count
        guard enabled else { return }
        let now = ProcessInfo.processInfo.systemUptime
        guard now - lastDraw >= 0.25 || done >= total else { return }
        lastDraw = now
        let percent = done * 100 / total
        // A wrapped line cannot be redrawn with \r: cut it to the terminal's width.
        let line = TrainProgress.fit("eval: \(done)/\(total) masks (\(percent) %), \(label)", columns: Self.columns())
        write("\r" + line + "\u{1B}[K")
        shown = true
    }

    /// Erases the line, so that a warning or the report starts at the left margin.
    func clear() {
        guard enabled, shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    private static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    private func write(_ text: String) {
        StandardStreams.error(text)
    }
}
