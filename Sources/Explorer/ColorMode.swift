/// How many colours the renderer may use.
public enum ColorMode: String, CaseIterable, Sendable {
    case truecolor
    case palette256 = "256"
    case palette16 = "16"
    /// Eight colours (0–7): a terminal whose terminfo reports 8.
    case palette8 = "8"
    case mono

    /// The `--color` spellings.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "truecolor", "truecolour", "24bit", "direct", "rgb": self = .truecolor
        case "256": self = .palette256
        case "16": self = .palette16
        case "8": self = .palette8
        case "mono", "monochrome", "none", "no": self = .mono
        default: return nil
        }
    }

    public var label: String {
        switch self {
        case .truecolor: "truecolour"
        case .palette256: "256 colours"
        case .palette16: "16 colours"
        case .palette8: "8 colours"
        case .mono: "monochrome"
        }
    }
}

/// Which characters draw image cells.
public enum GlyphMode: String, CaseIterable, Sendable {
    /// U+2580 ▀ with the top pixel in the foreground and the bottom one in the background.
    case halfBlock = "half"
    /// The 2×3 sextants of Unicode 13 (U+1FB00…), best two-colour partition per cell.
    case sextant
    /// Coloured spaces (or an ASCII ramp in monochrome): for terminals without UTF-8.
    case ascii

    public init?(argument: String) {
        switch argument.lowercased() {
        case "half", "halfblock", "half-block", "halfblocks": self = .halfBlock
        case "sextant", "sextants": self = .sextant
        case "ascii", "space", "spaces": self = .ascii
        default: return nil
        }
    }

    /// Sub-pixels per cell, columns × rows.
    public var subpixels: (x: Int, y: Int) {
        switch self {
        case .halfBlock: (1, 2)
        case .sextant: (2, 3)
        case .ascii: (1, 2)
        }
    }
}
