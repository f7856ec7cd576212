/// A colour as the terminal is told it: the theme's default, a palette index, or direct RGB.
public enum TerminalColor: Hashable, Sendable {
    /// The terminal's own foreground or background (follows the user's theme).
    case standard
    /// A palette entry 0...255 (256- and 16-colour modes).
    case indexed(UInt8)
    /// A direct colour (truecolour mode).
    case rgb(RGB8)

    /// The colour number curses expects: -1 for the default, the index, or 0xRRGGBB for
    /// direct-colour terminfo entries (xterm-direct, tmux-direct).
    ///
    /// Direct colours 0...7 are sent as palette colours 0...7 by those entries, so pure black
    /// would follow the theme's black and 0x000005 would show as magenta: every channel is
    /// raised to at least 8, which keeps the number above 7 and costs nothing visible.
    public var cursesNumber: Int32 {
        switch self {
        case .standard: return -1
        case .indexed(let i): return Int32(i)
        case .rgb(let c): return Self.directNumber(c)
        }
    }

    public static func directNumber(_ c: RGB8) -> Int32 {
        let r = Int32(max(c.r, 8)), g = Int32(max(c.g, 8)), b = Int32(max(c.b, 8))
        return r << 16 | g << 8 | b
    }
}
