/// An 8-bit sRGB colour, as a terminal receives it.
public struct RGB8: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Rounds channels in 0...1 (clamped) to the nearest of 0...255.
    public init(unit r: Float, _ g: Float, _ b: Float) {
        self.init(RGB8.byte(r), RGB8.byte(g), RGB8.byte(b))
    }

    @inline(__always)
    public static func byte(_ v: Float) -> UInt8 {
        guard v == v else { return 0 }  // NaN shows as black rather than trapping
        return UInt8(max(0, min(255, (v * 255).rounded())))
    }

    public var description: String { "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
