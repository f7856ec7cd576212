/// What the terminal can show, decided from facts gathered by the backend. Pure, so the rules
/// (TERMINAL.md: RGB flag, COLORTERM, COLORS, `--color`, NO_COLOR) are tested without a terminal.
public enum ColorDetection {
    public struct Facts: Sendable, Equatable {
        public var term: String
        /// $COLORTERM.
        public var colorTerm: String?
        /// $NO_COLOR is set to a non-empty value.
        public var noColor: Bool
        /// Running inside tmux ($TMUX set).
        public var inTmux: Bool
        /// The terminfo entry has the RGB flag.
        public var rgbFlag: Bool
        /// The terminfo entry's colors (0 or less when none).
        public var colors: Int

        public init(term: String, colorTerm: String? = nil, noColor: Bool = false, inTmux: Bool = false,
                    rgbFlag: Bool = false, colors: Int = 8) {
            self.term = term
            self.colorTerm = colorTerm
            self.noColor = noColor
            self.inTmux = inTmux
            self.rgbFlag = rgbFlag
            self.colors = colors
        }
    }

    public struct Decision: Sendable, Equatable {
        public var mode: ColorMode
        /// A direct-colour terminfo entry to open instead of $TERM (it may be missing: then the
        /// backend falls back to $TERM and `fallback`).
        public var directTerm: String?
        public var fallback: ColorMode
    }

    public static func decide(_ f: Facts, override: ColorMode? = nil) -> Decision {
        let byCount: ColorMode = f.colors >= 256 ? .palette256 : f.colors >= 16 ? .palette16
            : f.colors >= 8 ? .palette8 : .mono
        let direct = f.inTmux ? "tmux-direct" : "xterm-direct"
        if let mode = override {
            if mode == .truecolor && !f.rgbFlag {
                return Decision(mode: .truecolor, directTerm: direct, fallback: byCount == .mono ? .mono : byCount)
            }
            return Decision(mode: mode, directTerm: nil, fallback: mode)
        }
        if f.noColor { return Decision(mode: .mono, directTerm: nil, fallback: .mono) }
        if f.rgbFlag { return Decision(mode: .truecolor, directTerm: nil, fallback: .truecolor) }
        if let ct = f.colorTerm?.lowercased(), ct == "truecolor" || ct == "24bit" {
            return Decision(mode: .truecolor, directTerm: direct, fallback: byCount)
        }
        return Decision(mode: byCount, directTerm: nil, fallback: byCount)
    }
}
