import Foundation

/// A backend without a terminal, after ratatui's TestBackend: it keeps every grid presented and
/// the screen their diffs add up to, replays a script of input, and has a clock that moves only
/// when the script says so. Tests drive the explorer and the live view through it from keys to
/// cells.
public final class TestBackend: TerminalBackend {
    /// One call of `readInput`.
    public enum Turn: Sendable {
        /// Returned at once; a resize also changes `size`, as the terminal would first.
        case input([InputEvent])
        /// Nothing typed: sleeps on the wake pipe until a worker writes to it (at most
        /// `wakeDeadline`; past it the terminal reads as gone, so the app ends).
        case awaitWake
        /// Nothing happens for this long: the clock moves on and nothing is returned.
        case idle(Duration)
    }

    /// TERMINAL.md's cost of one changed truecolour cell and of the synchronized-output brackets
    /// around a frame: `bytesWritten` is this estimate, so byte budgets can be tested.
    public static let bytesPerCell = 40
    public static let bytesPerFrame = 16
    public static let wakeDeadline = Duration.seconds(10)

    public private(set) var size: (width: Int, height: Int)
    public let colors: ColorMode
    public let utf8: Bool
    public let sextants: Bool
    public let notes: [String]
    public private(set) var now: ContinuousClock.Instant
    public private(set) var bytesWritten = 0
    public let wakeFD: Int32
    private let wakeReadFD: Int32

    /// The turns not read yet; when none are left the terminal reads as hung up, which ends
    /// every loop, so a script too short cannot hang a test.
    public var script: [Turn]
    /// Every grid presented, and the diff each one cost.
    public private(set) var presented: [CellGrid] = []
    public private(set) var diffs: [FrameDiff] = []
    /// What the terminal shows: the diffs applied in turn.
    public private(set) var screen: CellGrid?
    /// The timeout of each `readInput` call, in order.
    public private(set) var timeouts: [Duration?] = []
    public private(set) var redraws = 0
    public private(set) var closed = false

    public init(width: Int = 160, height: Int = 48, colors: ColorMode = .truecolor, utf8: Bool = true,
                sextants: Bool = true, notes: [String] = [], script: [Turn] = []) {
        size = (width, height)
        self.colors = colors
        self.utf8 = utf8
        self.sextants = sextants
        self.notes = notes
        self.script = script
        now = .now
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        wakeReadFD = fds[0]
        wakeFD = fds[1]
    }

    deinit {
        _ = Foundation.close(wakeReadFD)
        _ = Foundation.close(wakeFD)
    }

    public func present(_ grid: CellGrid) {
        guard !closed else { return }
        let diff = FrameDiff(from: screen, to: grid)
        screen = diff.applied(to: screen)
        bytesWritten += Self.bytesPerFrame + Self.bytesPerCell * diff.cellCount
        presented.append(grid)
        diffs.append(diff)
    }

    /// The next present is measured against nothing, so it writes every cell.
    public func redrawAll() {
        redraws += 1
        screen = nil
    }

    public func readInput(timeout: Duration?) throws(ExplorerError) -> [InputEvent] {
        timeouts.append(timeout)
        guard !closed, !script.isEmpty else { return [.hangUp] }
        switch script.removeFirst() {
        case .input(let events):
            for case .resize(let w, let h) in events { size = (w, h) }
            return events
        case .awaitWake:
            return waitForWake() ? [] : [.hangUp]
        case .idle(let d):
            now += d
            return []
        }
    }

    public func close() { closed = true }

    /// Polls the wake pipe until a byte arrives or the deadline passes; empties it.
    private func waitForWake() -> Bool {
        let deadline = ContinuousClock.now + Self.wakeDeadline
        var fds = [pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
        while ContinuousClock.now < deadline {
            let left = Int32(clamping: Int64(((deadline - .now) / .milliseconds(1)).rounded(.up)))
            if poll(&fds, 1, left) > 0 && fds[0].revents & Int16(POLLIN) != 0 {
                var sink = [UInt8](repeating: 0, count: 256)
                while read(wakeReadFD, &sink, sink.count) > 0 {}
                return true
            }
        }
        return false
    }
}
