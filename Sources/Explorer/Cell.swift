/// Text attributes of a cell, independent of curses' bit layout.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let dim = CellAttributes(rawValue: 1 << 1)
    public static let reverse = CellAttributes(rawValue: 1 << 2)
    public static let underline = CellAttributes(rawValue: 1 << 3)
}

/// One terminal cell: a single-column glyph with its colours and attributes.
public struct Cell: Hashable, Sendable {
    public var glyph: Unicode.Scalar
    public var fg: TerminalColor
    public var bg: TerminalColor
    public var attrs: CellAttributes

    public init(_ glyph: Unicode.Scalar = " ", fg: TerminalColor = .standard, bg: TerminalColor = .standard,
                attrs: CellAttributes = []) {
        self.glyph = glyph
        self.fg = fg
        self.bg = bg
        self.attrs = attrs
    }

    public static let blank = Cell()

    /// The upper half block: foreground paints the top pixel, background the bottom one.
    public static let upperHalf: Unicode.Scalar = "\u{2580}"
    public static let lowerHalf: Unicode.Scalar = "\u{2584}"
    public static let fullBlock: Unicode.Scalar = "\u{2588}"
}
