/// The one seam between the pure screens and a terminal: the explorer and the live view render
/// cell grids and read input through this, never through curses. CursesBackend is the real
/// terminal; TestBackend records what was presented and replays scripted input, so the path
/// from a key to the cells on screen is tested without one. Every call comes from the UI thread.
public protocol TerminalBackend: AnyObject {
    /// The screen's size in cells now.
    var size: (width: Int, height: Int) { get }
    /// What the terminal can show, decided when it opened.
    var colors: ColorMode { get }
    /// Whether the locale is UTF-8 (else the screens draw coloured spaces).
    var utf8: Bool { get }
    /// Whether the system knows the sextant glyphs are one column wide.
    var sextants: Bool { get }
    /// Things worth telling the user once (a fallback taken at start).
    var notes: [String] { get }

    /// The UI thread's clock: frame pacing, the spinner and the byte budget read it here, so a
    /// test can move time on by hand.
    var now: ContinuousClock.Instant { get }
    /// Bytes sent to the terminal since the backend opened (the live view's budget and its
    /// `--stats` line).
    var bytesWritten: Int { get }
    /// The write end of the pipe `readInput` also sleeps on: a worker writes a byte to it when
    /// it has something for the UI.
    var wakeFD: Int32 { get }

    /// Shows `grid`, sending only what changed since the last one (FrameDiff).
    func present(_ grid: CellGrid)
    /// Makes the next `present` resend every cell (Ctrl-L).
    func redrawAll()
    /// Sleeps until input arrives, a worker wakes the UI, or `timeout` passes (nil: no limit),
    /// then returns every event waiting (possibly none).
    func readInput(timeout: Duration?) throws(ExplorerError) -> [InputEvent]
    /// Leaves the terminal as it was; later calls do nothing.
    func close()
}
