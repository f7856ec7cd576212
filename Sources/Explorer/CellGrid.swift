/// The whole screen as cells, row-major: what the renderer produces and the backend shows.
/// Tests read it the way ratatui's TestBackend is read, without a terminal.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Reads give a blank cell outside the grid; writes outside are dropped, so drawing code
    /// never has to guard against small terminals.
    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x: x, y: y) ? cells[y * width + x] : .blank }
        set { if contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y), one scalar per cell, at most `maxWidth` cells (clipped at the
    /// right edge). Scalars that may not be one column wide become "?". Returns the cells used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, fg: TerminalColor = .standard,
                             bg: TerminalColor = .standard, attrs: CellAttributes = []) -> Int {
        let limit = min(maxWidth ?? Int.max, width - x)
        var column = 0
        for scalar in text.unicodeScalars where column < limit {
            self[x + column, y] = Cell(CellGrid.singleWidth(scalar), fg: fg, bg: bg, attrs: attrs)
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell) {
        guard w > 0, h > 0 else { return }
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { cells[row * width + col] = cell }
        }
    }

    /// The glyphs of one row as a string (for tests and for finding text on screen).
    public func text(row: Int) -> String {
        guard row >= 0, row < height else { return "" }
        var s = String.UnicodeScalarView()
        for x in 0..<width { s.append(cells[row * width + x].glyph) }
        return String(s)
    }

    /// Every row joined by newlines.
    public var text: String { (0..<height).map { text(row: $0) }.joined(separator: "\n") }

    /// Printable scalars known to be one column wide stay; control characters, combining marks
    /// and anything that may be wide or ambiguous (CJK, emoji) become "?" so the grid keeps its
    /// columns whatever the file names contain.
    static func singleWidth(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        if v >= 0x20 && v < 0x7F { return s }
        if v >= 0xA0 && v < 0x300 { return s }          // Latin-1 and Latin Extended
        if v >= 0x370 && v < 0x530 { return s }         // Greek, Cyrillic
        if v >= 0x2010 && v < 0x2070 { return s }       // dashes, quotes, bullets, ellipsis
        if v >= 0x2190 && v < 0x2300 { return s }       // arrows, mathematical operators
        if v >= 0x2500 && v < 0x25A0 { return s }       // box drawing, blocks
        if v >= 0x2800 && v < 0x2900 { return s }       // braille (spinner, plots)
        if v >= 0x1FB00 && v < 0x1FB3C { return s }     // sextants
        return "?"
    }
}
