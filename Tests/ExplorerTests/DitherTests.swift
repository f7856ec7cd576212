import Foundation
import Imaging
import Pipeline
import Testing
@testable import Explorer

/// Which 256-colour mapping looks most like the picture: each bundled photo drawn as the tiny
/// model's panel at 32 × 16 cells (4 × 4 half-block pixels a patch), decoded back to pixels and
/// compared with the truecolour panel after a Gaussian blur of σ = 1 panel pixel in OKLab, the
/// averaging the eye does from a viewing distance (a checkerboard that PSNR rewards is noise
/// to it).
@Suite struct DitherTests {
    static let photos = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "ladybird.jpg", "colorful_cups.jpg",
                         "forest_path.jpg", "yellow_flower.jpg"]

    /// The panel's pixels as the terminal shows them: 32 × 32, each cell's top and bottom colour.
    static func shown(_ image: RGBImage, colors: ColorMode, dither: Dither) -> RGBImage {
        let cols = 32, rows = 16
        let cells = PanelPicture(image: image).cells(cols: cols, rows: rows, gridSize: 8, glyphs: .halfBlock,
                                                     colors: colors, dither: dither)
        var out = RGBImage(width: cols, height: 2 * rows)
        func put(_ c: TerminalColor, _ x: Int, _ y: Int) {
            let rgb: RGB8
            switch c {
            case .rgb(let v): rgb = v
            case .indexed(let i): rgb = Palette256.color(i)
            default: rgb = RGB8(0, 0, 0)
            }
            let i = (y * cols + x) * 3
            out.pixels[i] = Float(rgb.r) / 255
            out.pixels[i + 1] = Float(rgb.g) / 255
            out.pixels[i + 2] = Float(rgb.b) / 255
        }
        for y in 0..<rows {
            for x in 0..<cols {
                put(cells[y * cols + x].fg, x, 2 * y)
                put(cells[y * cols + x].bg, x, 2 * y + 1)
            }
        }
        return out
    }

    /// The image in OKLab, blurred by a separable Gaussian (σ = 1 pixel, radius 3, edges clamped).
    static func blurredLab(_ image: RGBImage) -> [Float] {
        let w = image.width, h = image.height
        var lab = [Float](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let c = OKLabPalette.lab(image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2])
            (lab[3 * i], lab[3 * i + 1], lab[3 * i + 2]) = (c.0, c.1, c.2)
        }
        let taps = (-3...3).map { Float(exp(-Double($0 * $0) / 2)) }
        let total = taps.reduce(0, +)
        func pass(_ src: [Float], dx: Int, dy: Int) -> [Float] {
            var dst = [Float](repeating: 0, count: src.count)
            for y in 0..<h {
                for x in 0..<w {
                    for (k, t) in taps.enumerated() {
                        let sx = min(w - 1, max(0, x + (k - 3) * dx)), sy = min(h - 1, max(0, y + (k - 3) * dy))
                        for c in 0..<3 { dst[(y * w + x) * 3 + c] += t / total * src[(sy * w + sx) * 3 + c] }
                    }
                }
            }
            return dst
        }
        return pass(pass(lab, dx: 1, dy: 0), dx: 0, dy: 1)
    }

    static func blurredError(_ a: RGBImage, _ b: RGBImage) -> Double {
        let x = blurredLab(a), y = blurredLab(b)
        return zip(x, y).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(x.count)
    }

    @Test func theDefaultIsTheClosestAfterTheBlur() throws {
        var totals: [Dither: Double] = [:]
        for name in Self.photos {
            let image = PreparedImage(try decodeImage(atPath: TrainingImageMarkerTests.assets + "/" + name), side: 64).original
            let truth = Self.shown(image, colors: .truecolor, dither: .none)
            for d in Dither.allCases {
                let e = Self.blurredError(Self.shown(image, colors: .palette256, dither: d), truth)
                totals[d, default: 0] += e / Double(Self.photos.count)
                print("dither \(d.rawValue) \(name): blurred OKLab MSE \(String(format: "%.6f", e))")
            }
        }
        print("dither means: " + Dither.allCases.map { "\($0.rawValue) \(String(format: "%.6f", totals[$0]!))" }.joined(separator: ", "))
        for d in Dither.allCases {
            #expect(totals[Dither.standard]! <= totals[d]!, "\(Dither.standard) \(totals[Dither.standard]!) vs \(d) \(totals[d]!)")
        }
    }

    /// Flat areas stay one colour without dither, and the OKLab table finds exact palette colours.
    @Test func theTableFindsPaletteColours() {
        for i in [16, 21, 46, 196, 231, 232, 244, 255] {
            let c = Palette256.color(UInt8(i))
            #expect(Palette256.color(OKLabPalette.index(c)) == c, "index \(i)")
        }
        let q = ColorQuantizer(mode: .palette256, dither: .none)
        let colours = Set((0..<16).map { q.color(0.3, 0.5, 0.7, x: $0 % 4, y: $0 / 4) })
        #expect(colours.count == 1)
    }
}
