/// Turns a 0...1 colour at a sub-pixel position into a terminal colour for one colour mode,
/// with ordered 4×4 Bayer dithering in the palette modes as `dither` says (never in truecolour:
/// live images would shimmer and cost bytes for nothing).
public struct ColorQuantizer: Sendable {
    public let mode: ColorMode
    /// How 256 colours are chosen (16 and 8 always dither in full).
    public let dither: Dither

    public init(mode: ColorMode, dither: Dither = .standard) {
        self.mode = mode
        self.dither = dither
    }

    /// The 4×4 Bayer matrix, values 0...15.
    public static let bayer: [[Int]] = [
        [0, 8, 2, 10],
        [12, 4, 14, 6],
        [3, 11, 1, 9],
        [15, 7, 13, 5],
    ]

    /// The dither offset at (x, y), in (−0.5, 0.5): centred so that a flat colour keeps its mean.
    @inline(__always)
    public static func threshold(x: Int, y: Int) -> Float {
        (Float(bayer[y & 3][x & 3]) + 0.5) / 16 - 0.5
    }

    /// The spread a dither offset is scaled by, in 0...255 units: about one palette step. In
    /// 256 colours near-grey colours land on the grey ramp (steps of 10), others on the cube
    /// (steps of 40); dithering greys by a cube step would add visible noise to flat areas.
    func ditherStep(_ r: Float, _ g: Float, _ b: Float) -> Float {
        switch mode {
        case .truecolor, .mono: return 0
        case .palette256:
            let chroma = max(r, g, b) - min(r, g, b)
            return chroma < 16 / 255 ? 10 : 40
        case .palette16, .palette8: return 128
        }
    }

    /// `dither: false` maps to the nearest colour (flat areas such as hidden patches).
    public func color(_ r: Float, _ g: Float, _ b: Float, x: Int, y: Int, dither: Bool = true) -> TerminalColor {
        switch mode {
        case .truecolor:
            return .rgb(RGB8(unit: r, g, b))
        case .mono:
            return .standard
        case .palette256, .palette16, .palette8:
            let amplitude = mode == .palette256 ? self.dither.amplitude : 1
            let t = dither ? Self.threshold(x: x, y: y) * ditherStep(r, g, b) * amplitude / 255 : 0
            let c = RGB8(unit: r + t, g + t, b + t)
            switch mode {
            case .palette256: return .indexed(self.dither == .ordered ? Palette256.index(c) : OKLabPalette.index(c))
            case .palette16: return .indexed(Palette16.index(c, count: 16))
            default: return .indexed(Palette16.index(c, count: 8))
            }
        }
    }

    /// Whether a sub-pixel is lit in monochrome: Rec. 709 luma against the Bayer threshold.
    @inline(__always)
    public static func lit(_ r: Float, _ g: Float, _ b: Float, x: Int, y: Int) -> Bool {
        let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
        return luma > threshold(x: x, y: y) + 0.5
    }
}
