import CNcurses
import Foundation

/// The only code that calls curses, from one thread (the UI thread). It writes the cells
/// FrameDiff finds changed since the previous grid, keeps the colour pairs those cells use, and
/// turns what the terminal sends into input events.
public final class CursesBackend: TerminalBackend {
    public private(set) var colors: ColorMode
    /// Whether the locale is UTF-8 (else the renderer must draw coloured spaces).
    public let utf8: Bool
    /// Things worth telling the user once (a fallback taken at start).
    public private(set) var notes: [String] = []
    public let sextants: Bool

    private var screen: OpaquePointer?
    private var previous: CellGrid?
    /// The pair number each cell of `previous` holds (0: default colours).
    private var cellPairs: [Int] = []
    private var pairs: ColorPairTable
    private var closed = false
    private var mouse = SGRMouseAccumulator()
    /// The SGR mouse report key, KEY_MAX + 1, defined at start.
    private let mouseKey: Int32
    private let outputFD: Int32
    private let wake: WakePipe?
    /// This thread's write count when the backend opened (see `bytesWritten`).
    private let startBytes: Int
    /// A quit signal already returned by `readInput` (it is reported once).
    private var reportedSignal = false
    public static let mouseOn = "\u{1B}[?1002h\u{1B}[?1006h"
    public static let mouseOff = "\u{1B}[?1006l\u{1B}[?1002l"
    static let syncBegin = "\u{1B}[?2026h"
    static let syncEnd = "\u{1B}[?2026l"

    /// Opens the terminal on stdin/stdout. `colorOverride` is `--color`; NO_COLOR, COLORTERM
    /// and terminfo decide otherwise (ColorDetection). `wake` is the pipe `readInput` sleeps on
    /// with standard input; the app opens it first, since it installs TerminalGuard, which must
    /// see the tty modes from before curses (nil: `readInput` only takes what is waiting).
    /// `outputFD`/`inputFD` are the terminal (tests pass a file to count the bytes sent).
    init(colorOverride: ColorMode?, wake: WakePipe? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                outputFD: Int32 = STDOUT_FILENO, inputFD: Int32 = STDIN_FILENO) throws(ExplorerError) {
        startBytes = ThreadIO.bytesWritten()
        self.outputFD = outputFD
        self.wake = wake
        setlocale(LC_ALL, "")
        utf8 = maex_locale_is_utf8() != 0
        sextants = maex_wcwidth(0x1FB00) == 1
        // Exported LINES/COLUMNS would pin the size and stop resizing.
        unsetenv("LINES")
        unsetenv("COLUMNS")
        let term = environment["TERM"] ?? ""
        var rgb: Int32 = 0, count: Int32 = -1
        if maex_probe_terminfo(term, &rgb, &count) != 0 {
            throw ExplorerError("unknown terminal type TERM=\(term) (no terminfo entry)")
        }
        let facts = ColorDetection.Facts(term: term, colorTerm: environment["COLORTERM"],
                                         noColor: !(environment["NO_COLOR"] ?? "").isEmpty,
                                         inTmux: environment["TMUX"] != nil, rgbFlag: rgb != 0, colors: Int(count))
        let decision = ColorDetection.decide(facts, override: colorOverride)
        colors = decision.mode
        if let direct = decision.directTerm {
            screen = maex_newterm(direct, dup(outputFD), dup(inputFD))
            if screen == nil {
                colors = decision.fallback
                notes.append("no \(direct) terminfo entry (package ncurses-term): using \(colors.label)")
            }
        }
        if screen == nil { screen = maex_newterm(nil, dup(outputFD), dup(inputFD)) }
        guard let screen else { throw ExplorerError("cannot open the terminal (TERM=\(term))") }
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        let w = maex_stdscr()
        keypad(w, true)
        nodelay(w, true)
        intrflush(w, false)
        _ = curs_set(0)
        set_escdelay(25)
        mouseKey = maex_key_max() + 1
        define_key("\u{1B}[<", mouseKey)
        if colors != .mono {
            if has_colors() {
                start_color()
                use_default_colors()
            } else {
                colors = .mono
            }
        }
        pairs = ColorPairTable(capacity: colors == .mono ? 1 : Int(min(maex_color_pairs(), 65536)))
        TerminalGuard.wakeOnResize()
        writeRaw(Self.mouseOn)
    }

    deinit { close() }

    public var now: ContinuousClock.Instant { .now }

    /// Counted by the kernel per thread (the UI thread writes only to the terminal; trainer and
    /// loader write their files on threads of their own), so it includes what curses buffered
    /// and flushed as well as the raw escape sequences.
    public var bytesWritten: Int { ThreadIO.bytesWritten() - startBytes }

    public var wakeFD: Int32 { wake?.writeFD ?? -1 }

    /// The terminal's size now.
    public var size: (width: Int, height: Int) {
        var y: Int32 = 0, x: Int32 = 0
        maex_getmaxyx(maex_stdscr(), &y, &x)
        return (Int(x), Int(y))
    }

    /// Shows `grid`: cells equal to the previous grid's are not touched; ncurses sends only the
    /// difference, inside a synchronized-output block so the terminal paints it at once.
    public func present(_ grid: CellGrid) {
        guard !closed else { return }
        let w = maex_stdscr()
        let diff = FrameDiff(from: previous, to: grid)
        if diff.erase {
            // After a resize everything is new: start from a blank screen (erase, not clear:
            // ncurses still diffs against what the terminal shows).
            werase(w)
            pairs.releaseAll()
            cellPairs = Array(repeating: 0, count: grid.cells.count)
        }
        for run in diff.runs {
            for (k, cell) in run.cells.enumerated() {
                let i = run.y * grid.width + run.x + k
                if cellPairs[i] != 0 { pairs.release(cellPairs[i]) }
                cellPairs[i] = pair(for: cell)
                _ = maex_put_cell(w, Int32(run.y), Int32(run.x + k), wchar_t(bitPattern: cell.glyph.value),
                                  attributes(cell.attrs), Int32(cellPairs[i]))
            }
        }
        previous = grid
        writeRaw(Self.syncBegin)
        wnoutrefresh(w)
        doupdate()
        writeRaw(Self.syncEnd)
    }

    /// Resends every cell (Ctrl-L): the only place clear() is used.
    public func redrawAll() {
        guard !closed else { return }
        clearok(maex_stdscr(), true)
    }

    private func pair(for cell: Cell) -> Int {
        guard colors != .mono else { return 0 }
        let c = ColorPairTable.Colors(fg: cell.fg.cursesNumber, bg: cell.bg.cursesNumber)
        if c.fg == -1 && c.bg == -1 { return 0 }
        guard let got = pairs.acquire(c) else { return 0 }  // more colours on screen than pairs
        if got.define { init_extended_pair(Int32(got.pair), c.fg, c.bg) }
        return got.pair
    }

    private func attributes(_ a: CellAttributes) -> attr_t {
        var out = maex_a_normal()
        if a.contains(.bold) { out |= maex_a_bold() }
        if a.contains(.dim) { out |= maex_a_dim() }
        if a.contains(.reverse) { out |= maex_a_reverse() }
        if a.contains(.underline) { out |= maex_a_underline() }
        return out
    }

    /// Sleeps in poll(2) on standard input and the wake pipe, then returns what came: a quit
    /// signal or a hang-up alone (the loops end on them), else every key, mouse report and
    /// resize waiting. A pending Ctrl-Z is carried out here (see `suspend`), so every UI loop
    /// honours it; it reads as a resize.
    public func readInput(timeout: Duration?) throws(ExplorerError) -> [InputEvent] {
        guard !closed else { return [] }
        var alive = true
        if let wake {
            let ms = timeout.map { Int32(clamping: Int64(($0 / .milliseconds(1)).rounded(.up))) }
            alive = try wake.wait(timeout: ms ?? -1)
        }
        if let signal = TerminalGuard.requestedSignal {
            if !reportedSignal { reportedSignal = true; return [.quitSignal(signal)] }
        }
        if !alive { return [.hangUp] }
        var events: [InputEvent] = []
        if TerminalGuard.takeSuspendRequest() {
            let s = suspend()
            events.append(.resize(width: s.width, height: s.height))
        }
        let w = maex_stdscr()
        var c: UInt32 = 0
        while true {
            let r = maex_get_wch(w, &c)
            if r == ERR { break }
            if r == maex_key_code_yes() {
                let code = Int32(bitPattern: c)
                switch code {
                case mouseKey, KEY_MOUSE:
                    if let report = readMouseReport() { events.append(.mouse(report)) }
                case maex_key_resize():
                    let s = size
                    events.append(.resize(width: s.width, height: s.height))
                case KEY_UP: events.append(.key(.up))
                case KEY_DOWN: events.append(.key(.down))
                case KEY_LEFT: events.append(.key(.left))
                case KEY_RIGHT: events.append(.key(.right))
                case KEY_BTAB: events.append(.key(.backTab))
                case KEY_ENTER: events.append(.key(.enter))
                case KEY_BACKSPACE: events.append(.key(.backspace))
                case KEY_NPAGE: events.append(.key(.pageDown))
                case KEY_PPAGE: events.append(.key(.pageUp))
                default: events.append(.key(.unknown))
                }
                continue
            }
            switch c {
            case 9: events.append(.key(.tab))
            case 10, 13: events.append(.key(.enter))
            case 12: events.append(.key(.redraw))
            case 27: events.append(.key(.escape))
            case 8, 127: events.append(.key(.backspace))
            default:
                if let scalar = Unicode.Scalar(c), c >= 32 { events.append(.key(.character(Character(scalar)))) }
            }
        }
        return events
    }

    /// The rest of an SGR report after `ESC [ <`: the terminal sends it in one write, so it is
    /// normally waiting already; allow 50 ms for a slow link.
    private func readMouseReport() -> MouseReport? {
        let w = maex_stdscr()
        wtimeout(w, 50)
        defer { nodelay(w, true) }
        var c: UInt32 = 0
        for _ in 0..<32 {
            guard maex_get_wch(w, &c) == OK, let scalar = Unicode.Scalar(c) else { return nil }
            switch mouse.feed(Character(scalar)) {
            case .more: continue
            case .report(let r): return r
            case .invalid: return nil
            }
        }
        return nil
    }

    /// Gives the terminal back for a stop (Ctrl-Z), stops, and takes it again on continue; the
    /// next present repaints everything. Returns the size after the pause.
    public func suspend() -> (width: Int, height: Int) {
        guard !closed else { return size }
        writeRaw(Self.mouseOff + Self.syncEnd)
        _ = curs_set(1)
        endwin()
        TerminalGuard.stopProcess()
        writeRaw(Self.mouseOn)
        let w = maex_stdscr()
        wrefresh(w)  // leaving endwin: back to program mode and the alternate screen
        _ = curs_set(0)
        clearok(w, true)
        return size
    }

    /// Leaves the terminal as it was: mouse tracking off, cursor on, curses ended.
    public func close() {
        guard !closed else { return }
        closed = true
        writeRaw(Self.mouseOff + Self.syncEnd)
        _ = curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// Writes straight to the terminal, outside curses' buffer (which doupdate has flushed).
    func writeRaw(_ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(outputFD, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            off += n
        }
    }
}
