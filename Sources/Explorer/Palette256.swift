/// The xterm 256-colour palette above the 16 theme colours: the 6×6×6 cube (16–231) and the
/// grey ramp (232–255). Indices 0–15 are never produced: they follow the user's theme.
public enum Palette256 {
    /// Cube levels per channel.
    public static let levels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The cube level index of one channel value: v < 48 → 0, v < 114 → 1, else (v − 35) / 40.
    @inline(__always)
    public static func cubeLevel(_ v: Int) -> Int {
        if v < 48 { return 0 }
        if v < 114 { return 1 }
        return min(5, (v - 35) / 40)
    }

    /// The grey ramp step: i = (avg − 3) / 10 capped to 0...23, grey value 8 + 10·i.
    @inline(__always)
    public static func greyStep(_ average: Int) -> Int {
        max(0, min(23, (average - 3) / 10))
    }

    /// The nearer (squared RGB distance) of the cube colour and the grey; the cube wins ties.
    public static func index(_ c: RGB8) -> UInt8 {
        let r = Int(c.r), g = Int(c.g), b = Int(c.b)
        let ri = cubeLevel(r), gi = cubeLevel(g), bi = cubeLevel(b)
        let cr = levels[ri], cg = levels[gi], cb = levels[bi]
        let cubeDistance = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb)
        let gi2 = greyStep((r + g + b) / 3)
        let grey = 8 + 10 * gi2
        let greyDistance = (r - grey) * (r - grey) + (g - grey) * (g - grey) + (b - grey) * (b - grey)
        if greyDistance < cubeDistance { return UInt8(232 + gi2) }
        return UInt8(16 + 36 * ri + 6 * gi + bi)
    }

    /// The colour an index 16...255 stands for.
    public static func color(_ index: UInt8) -> RGB8 {
        let i = Int(index)
        if i >= 232 {
            let v = UInt8(8 + 10 * (i - 232))
            return RGB8(v, v, v)
        }
        if i >= 16 {
            let k = i - 16
            return RGB8(UInt8(levels[k / 36]), UInt8(levels[(k / 6) % 6]), UInt8(levels[k % 6]))
        }
        return Palette16.colors[i]
    }
}

/// The 16 (or first 8) ANSI colours with xterm's default values. Only used when the terminal
/// has no more than that; the user's theme may move them, which cannot be helped.
public enum Palette16 {
    public static let colors: [RGB8] = [
        RGB8(0, 0, 0), RGB8(205, 0, 0), RGB8(0, 205, 0), RGB8(205, 205, 0),
        RGB8(0, 0, 238), RGB8(205, 0, 205), RGB8(0, 205, 205), RGB8(229, 229, 229),
        RGB8(127, 127, 127), RGB8(255, 0, 0), RGB8(0, 255, 0), RGB8(255, 255, 0),
        RGB8(92, 92, 255), RGB8(255, 0, 255), RGB8(0, 255, 255), RGB8(255, 255, 255),
    ]

    /// The nearest of the first `count` (8 or 16) colours by squared RGB distance.
    public static func index(_ c: RGB8, count: Int = 16) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for i in 0..<min(count, colors.count) {
            let p = colors[i]
            let dr = Int(c.r) - Int(p.r), dg = Int(c.g) - Int(p.g), db = Int(c.b) - Int(p.b)
            let d = dr * dr + dg * dg + db * db
            if d < bestDistance { bestDistance = d; best = i }
        }
        return UInt8(best)
    }
}
