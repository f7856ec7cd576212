import Foundation

/// How a picture's colours go to a palette of 256 colours (`--dither`). Judged as a person sees
/// a panel: the error after a Gaussian blur of σ = 1 panel pixel in OKLab (what the eye
/// averages from a viewing distance), see DitherTests; the best of the three is the default.
/// 16- and 8-colour palettes always dither in the ordered way: their steps are too coarse
/// for anything else.
public enum Dither: String, Sendable, CaseIterable {
    /// The nearest palette colour in OKLab, no dither: flat areas stay flat.
    case none
    /// Ordered 4×4 Bayer dither at half a palette step, then the nearest colour in OKLab.
    case light
    /// Ordered 4×4 Bayer dither at a whole palette step, nearest by the xterm cube's own rule
    /// (the highest PSNR, but a checkerboard where a patch is a few cells).
    case ordered

    /// The default for 256 colours (the lowest blurred error, see DitherTests).
    public static let standard = Dither.light

    /// The dither amplitude as a fraction of a palette step.
    var amplitude: Float {
        switch self {
        case .none: 0
        case .light: 0.5
        case .ordered: 1
        }
    }
}

/// The nearest of xterm's colours 16–255 to an sRGB colour in OKLab (Björn Ottosson's
/// perceptual space). The candidates are the cube colours around the colour (the two levels
/// around each channel: 8) and the three greys around its mean: the nearest in OKLab is among
/// them, and 11 distances a pixel keep a frame cheap.
enum OKLabPalette {
    /// sRGB 8-bit → linear light.
    static let linear: [Float] = (0...255).map { i in
        let v = Float(i) / 255
        return v <= 0.04045 ? v / 12.92 : Float(pow(Double((v + 0.055) / 1.055), 2.4))
    }

    /// OKLab of linear-light RGB.
    static func lab(linear lr: Float, _ lg: Float, _ lb: Float) -> (Float, Float, Float) {
        let l = cbrtf(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb)
        let m = cbrtf(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb)
        let s = cbrtf(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb)
        return (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
                1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
                0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s)
    }

    /// OKLab of an sRGB colour in 0...1.
    static func lab(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
        let c = RGB8(unit: r, g, b)
        return lab(linear: linear[Int(c.r)], linear[Int(c.g)], linear[Int(c.b)])
    }

    /// OKLab of indices 16...255, by index − 16.
    static let palette: [(Float, Float, Float)] = (16...255).map { i in
        let c = Palette256.color(UInt8(i))
        return lab(linear: linear[Int(c.r)], linear[Int(c.g)], linear[Int(c.b)])
    }

    /// The nearest palette index to an 8-bit colour.
    static func index(_ c: RGB8) -> UInt8 {
        let target = lab(linear: linear[Int(c.r)], linear[Int(c.g)], linear[Int(c.b)])
        var best = 16, bestDistance = Float.infinity
        func consider(_ i: Int) {
            let p = palette[i - 16]
            let d = (target.0 - p.0) * (target.0 - p.0) + (target.1 - p.1) * (target.1 - p.1) + (target.2 - p.2) * (target.2 - p.2)
            if d < bestDistance { bestDistance = d; best = i }
        }
        // The cube levels below and above each channel.
        func around(_ v: UInt8) -> (Int, Int) {
            let levels = Palette256.levels
            let lo = levels.lastIndex { $0 <= Int(v) } ?? 0
            return (lo, min(lo + 1, levels.count - 1))
        }
        let (r0, r1) = around(c.r), (g0, g1) = around(c.g), (b0, b1) = around(c.b)
        for r in [r0, r1] { for g in [g0, g1] { for b in [b0, b1] { consider(16 + 36 * r + 6 * g + b) } } }
        let grey = Palette256.greyStep((Int(c.r) + Int(c.g) + Int(c.b)) / 3)
        for step in max(0, grey - 1)...min(23, grey + 1) { consider(232 + step) }
        return UInt8(best)
    }
}
