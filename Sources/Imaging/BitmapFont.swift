/// A 5 × 8 pixel bitmap font for figure titles: lowercase letters (capitals are drawn as
/// lowercase), digits, space and `% . : + - ( ) / = , _ ?`; any other character is drawn
/// as `?`. Rows 0–6 hold capitals-height glyphs, row 7 the descenders of g j p q y.
public enum BitmapFont {
    public static let glyphWidth = 5
    public static let glyphHeight = 8
    /// Horizontal distance from one glyph to the next: the glyph and one blank column.
    public static let advance = 6

    /// Each glyph as eight rows of five cells, `#` ink and `.` paper.
    private static let drawings: [Character: String] = [
        "a": ".....|.....|.###.|....#|.####|#...#|.####|.....",
        "b": "#....|#....|####.|#...#|#...#|#...#|####.|.....",
        "c": ".....|.....|.###.|#....|#....|#....|.###.|.....",
        "d": "....#|....#|.####|#...#|#...#|#...#|.####|.....",
        "e": ".....|.....|.###.|#...#|#####|#....|.###.|.....",
        "f": "..##.|.#...|####.|.#...|.#...|.#...|.#...|.....",
        "g": ".....|.....|.####|#...#|#...#|.####|....#|.###.",
        "h": "#....|#....|####.|#...#|#...#|#...#|#...#|.....",
        "i": "..#..|.....|.##..|..#..|..#..|..#..|.###.|.....",
        "j": "...#.|.....|..##.|...#.|...#.|...#.|#..#.|.##..",
        "k": "#....|#....|#..#.|#.#..|##...|#.#..|#..#.|.....",
        "l": ".##..|..#..|..#..|..#..|..#..|..#..|.###.|.....",
        "m": ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#|.....",
        "n": ".....|.....|####.|#...#|#...#|#...#|#...#|.....",
        "o": ".....|.....|.###.|#...#|#...#|#...#|.###.|.....",
        "p": ".....|.....|####.|#...#|#...#|####.|#....|#....",
        "q": ".....|.....|.####|#...#|#...#|.####|....#|....#",
        "r": ".....|.....|#.##.|##..#|#....|#....|#....|.....",
        "s": ".....|.....|.####|#....|.###.|....#|####.|.....",
        "t": ".#...|.#...|####.|.#...|.#...|.#..#|..##.|.....",
        "u": ".....|.....|#...#|#...#|#...#|#..##|.##.#|.....",
        "v": ".....|.....|#...#|#...#|#...#|.#.#.|..#..|.....",
        "w": ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.|.....",
        "x": ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#|.....",
        "y": ".....|.....|#...#|#...#|#...#|.####|....#|.###.",
        "z": ".....|.....|#####|...#.|..#..|.#...|#####|.....",
        "0": ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.|.....",
        "1": "..#..|.##..|..#..|..#..|..#..|..#..|.###.|.....",
        "2": ".###.|#...#|....#|...#.|..#..|.#...|#####|.....",
        "3": "#####|...#.|..#..|...#.|....#|#...#|.###.|.....",
        "4": "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.|.....",
        "5": "#####|#....|####.|....#|....#|#...#|.###.|.....",
        "6": "..##.|.#...|#....|####.|#...#|#...#|.###.|.....",
        "7": "#####|....#|...#.|..#..|.#...|.#...|.#...|.....",
        "8": ".###.|#...#|#...#|.###.|#...#|#...#|.###.|.....",
        "9": ".###.|#...#|#...#|.####|....#|...#.|.##..|.....",
        " ": ".....|.....|.....|.....|.....|.....|.....|.....",
        "%": "##...|##..#|...#.|..#..|.#...|#..##|...##|.....",
        ".": ".....|.....|.....|.....|.....|.##..|.##..|.....",
        ":": ".....|.##..|.##..|.....|.##..|.##..|.....|.....",
        "+": ".....|..#..|..#..|#####|..#..|..#..|.....|.....",
        "-": ".....|.....|.....|#####|.....|.....|.....|.....",
        "(": "...#.|..#..|.#...|.#...|.#...|..#..|...#.|.....",
        ")": ".#...|..#..|...#.|...#.|...#.|..#..|.#...|.....",
        "/": ".....|....#|...#.|..#..|.#...|#....|.....|.....",
        "=": ".....|.....|#####|.....|#####|.....|.....|.....",
        ",": ".....|.....|.....|.....|.##..|..#..|.#...|.....",
        "_": ".....|.....|.....|.....|.....|.....|#####|.....",
        "?": ".###.|#...#|....#|...#.|..#..|.....|..#..|.....",
    ]

    /// Glyph rows as bit masks, bit 4 the leftmost column.
    private static let glyphs: [Character: [UInt8]] = drawings.mapValues { drawing in
        drawing.split(separator: "|").map { row in
            row.reduce(UInt8(0)) { bits, cell in (bits << 1) | (cell == "#" ? 1 : 0) }
        }
    }

    /// Whether `character` has a glyph of its own (after lowercasing).
    public static func covers(_ character: Character) -> Bool {
        glyphs[Character(character.lowercased())] != nil
    }

    /// The eight row masks drawn for `character`.
    static func rows(for character: Character) -> [UInt8] {
        glyphs[Character(character.lowercased())] ?? glyphs["?"]!
    }

    /// Width in pixels of `text` drawn at `scale` (no trailing blank column).
    public static func width(of text: String, scale: Int) -> Int {
        text.isEmpty ? 0 : (text.count * advance - 1) * scale
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a scale × scale
    /// square; parts outside the image are skipped.
    public static func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int, scale: Int = 1,
                            colour: (Float, Float, Float) = (0, 0, 0)) {
        let (width, height) = (image.width, image.height)
        image.pixels.withUnsafeMutableBufferPointer { out in
            for (index, character) in text.enumerated() {
                let glyphX = x + index * advance * scale
                for (row, bits) in rows(for: character).enumerated() where bits != 0 {
                    for column in 0..<glyphWidth where bits & (0b10000 >> column) != 0 {
                        for dy in 0..<scale {
                            let py = y + row * scale + dy
                            guard py >= 0 && py < height else { continue }
                            for dx in 0..<scale {
                                let px = glyphX + column * scale + dx
                                guard px >= 0 && px < width else { continue }
                                let i = (py * width + px) * 3
                                out[i] = colour.0; out[i + 1] = colour.1; out[i + 2] = colour.2
                            }
                        }
                    }
                }
            }
        }
    }
}
