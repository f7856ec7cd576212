/// A grid of braille cells used as a canvas of dots: each cell is 2 dots wide and 4 high.
/// Dot (0, 0) is the top-left of the canvas. A cell shows one colour, so each cell remembers
/// the highest layer drawn into it (the smoothed curve over the raw one).
public struct BrailleCanvas: Sendable {
    public let columns: Int
    public let rows: Int
    private(set) var bits: [UInt8]
    private(set) var layers: [Int8]

    public var dotWidth: Int { columns * 2 }
    public var dotHeight: Int { rows * 4 }

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        layers = Array(repeating: -1, count: self.columns * self.rows)
    }

    // Dot bits of U+2800: left column 0x01 0x02 0x04 0x40, right column 0x08 0x10 0x20 0x80,
    // top to bottom.
    private static let dotBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    public mutating func set(x: Int, y: Int, layer: Int = 0) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * columns + x / 2
        bits[cell] |= Self.dotBit[x % 2][y % 4]
        layers[cell] = max(layers[cell], Int8(clamping: layer))
    }

    /// A straight line of dots (Bresenham), both ends included. With `dash` > 0 the line is
    /// dashed: `dash` dots on, `dash` off, counted along the line from `phase`; returns the
    /// count at the end, to continue the pattern on the next segment.
    @discardableResult
    public mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), layer: Int = 0, dash: Int = 0,
                              phase: Int = 0) -> Int {
        var x = a.x, y = a.y, step = phase
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var err = dx + dy
        while true {
            if dash <= 0 || (step / dash) % 2 == 0 { set(x: x, y: y, layer: layer) }
            step += 1
            if x == b.x && y == b.y { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
        return step
    }

    /// The braille character of a cell, or nil when no dot is set.
    public func glyph(column: Int, row: Int) -> Unicode.Scalar? {
        let b = bits[row * columns + column]
        return b == 0 ? nil : Unicode.Scalar(0x2800 + UInt32(b))
    }

    /// The highest layer drawn into a cell, or nil when empty.
    public func layer(column: Int, row: Int) -> Int? {
        let l = layers[row * columns + column]
        return l < 0 ? nil : Int(l)
    }

    /// Whether the dot at (x, y) is set.
    public func isSet(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return false }
        return bits[(y / 4) * columns + x / 2] & Self.dotBit[x % 2][y % 4] != 0
    }
}
