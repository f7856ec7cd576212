import Testing
@testable import Explorer
import Imaging

@Suite struct ColorModeTests {
    /// Values worked out by hand from TERMINAL.md's rule (cube level per channel, grey ramp,
    /// nearer of the two).
    @Test(arguments: [
        (RGB8(0, 0, 0), 16), (RGB8(255, 255, 255), 231), (RGB8(128, 128, 128), 244),
        (RGB8(95, 135, 175), 67), (RGB8(255, 0, 0), 196), (RGB8(10, 10, 10), 232),
        (RGB8(250, 250, 250), 231), (RGB8(47, 47, 47), 236), (RGB8(48, 0, 0), 233),
        (RGB8(114, 114, 114), 243), (RGB8(113, 200, 30), 76), (RGB8(238, 238, 238), 255),
        (RGB8(1, 2, 3), 16),
    ])
    func palette256Mapping(color: RGB8, index: Int) {
        #expect(Palette256.index(color) == UInt8(index))
    }

    @Test func cubeLevelThresholds() {
        #expect(Palette256.cubeLevel(47) == 0)
        #expect(Palette256.cubeLevel(48) == 1)
        #expect(Palette256.cubeLevel(113) == 1)
        #expect(Palette256.cubeLevel(114) == 1)  // (114 − 35) / 40 = 1
        #expect(Palette256.cubeLevel(115) == 2)
        #expect(Palette256.cubeLevel(255) == 5)
        #expect(Palette256.greyStep(0) == 0)
        #expect(Palette256.greyStep(255) == 23)
    }

    /// The theme colours 0–15 are never produced in 256-colour mode, dithered or not.
    @Test func palette256NeverEmitsThemeColours() {
        let q = ColorQuantizer(mode: .palette256)
        for r in stride(from: 0, through: 255, by: 17) {
            for g in stride(from: 0, through: 255, by: 17) {
                for b in stride(from: 0, through: 255, by: 17) {
                    for (x, y) in [(0, 0), (1, 2), (3, 3), (2, 1)] {
                        guard case .indexed(let i) = q.color(Float(r) / 255, Float(g) / 255, Float(b) / 255, x: x, y: y)
                        else { Issue.record("not indexed"); return }
                        #expect(i >= 16)
                    }
                }
            }
        }
    }

    /// Ordered dithering at a full step keeps a flat colour's mean over a 4×4 tile; without it a
    /// colour between two palette steps would snap to one of them. (`--dither ordered`; the
    /// default light dither gives up some of the mean for a calmer picture, DitherTests.)
    @Test(arguments: [ColorMode.palette256, .palette16])
    func ditheringKeepsTheMean(mode: ColorMode) {
        let q = ColorQuantizer(mode: mode, dither: .ordered)
        let v: Float = mode == .palette256 ? 0.62 : 0.45
        let other: Float = mode == .palette256 ? 0.2 : 0.45  // a saturated colour in 256, grey in 16
        var sum = 0.0
        var distinct = Set<UInt8>()
        for y in 0..<4 {
            for x in 0..<4 {
                guard case .indexed(let i) = q.color(v, other, other, x: x, y: y) else {
                    Issue.record("\(mode) gave a colour that is not indexed")
                    return
                }
                distinct.insert(i)
                sum += Double(Palette256.color(i).r)
            }
        }
        #expect(distinct.count >= 2)
        let mean = sum / 16 / 255
        let tolerance = mode == .palette256 ? 0.02 : 0.08
        #expect(abs(mean - Double(v)) < tolerance)
    }

    /// Greys dither over the grey ramp's own step (10), not the cube's (40): a flat grey mixes
    /// neighbouring greys (the cube has greys of its own, 135 between the ramp's 128 and 138).
    @Test func greysDitherByOneGreyStep() {
        let q = ColorQuantizer(mode: .palette256)
        for v in stride(from: Float(0.1), through: 0.9, by: 0.05) {
            var values = Set<Int>()
            for y in 0..<4 {
                for x in 0..<4 {
                    guard case .indexed(let i) = q.color(v, v, v, x: x, y: y) else {
                        Issue.record("grey \(v) gave a colour that is not indexed")
                        return
                    }
                    values.insert(Int(Palette256.color(i).r))
                }
            }
            #expect(values.max()! - values.min()! <= 13, "grey \(v): \(values.sorted())")
        }
    }

    @Test func unditheredIsTheNearestColour() {
        let q = ColorQuantizer(mode: .palette256)
        for (x, y) in [(0, 0), (1, 3), (2, 2)] {
            #expect(q.color(0.485, 0.456, 0.406, x: x, y: y, dither: false) == .indexed(Palette256.index(RGB8(124, 116, 104))))
        }
    }

    @Test func truecolourIsNotDithered() {
        let q = ColorQuantizer(mode: .truecolor)
        let a = q.color(0.3, 0.5, 0.7, x: 0, y: 0), b = q.color(0.3, 0.5, 0.7, x: 1, y: 2)
        #expect(a == b)
        #expect(a == .rgb(RGB8(77, 128, 179)))
    }

    @Test func monochromeHalfBlocks() {
        var image = RGBImage(width: 2, height: 2)
        image[0, 0, 0] = 1; image[0, 0, 1] = 1; image[0, 0, 2] = 1  // top-left white
        for c in 0..<3 { image[1, 0, c] = 1; image[1, 1, c] = 1 }  // right column white
        let cells = ImageCells.encode(image, glyphs: .halfBlock, colors: .mono)
        #expect(cells.map(\.glyph) == [Cell.upperHalf, Cell.fullBlock])
        #expect(cells.allSatisfy { $0.fg == .standard && $0.bg == .standard })
        let dark = ImageCells.encode(RGBImage(width: 1, height: 2), glyphs: .halfBlock, colors: .mono)
        #expect(dark[0].glyph == " ")
    }

    @Test func monochromeGreyDithersToHalfTheSubpixels() {
        let grey = RGBImage(width: 4, height: 4, fill: (0.5, 0.5, 0.5))
        let cells = ImageCells.encode(grey, glyphs: .halfBlock, colors: .mono)
        let lit = cells.reduce(0) { n, c in
            n + (c.glyph == Cell.fullBlock ? 2 : (c.glyph == " " ? 0 : 1))
        }
        #expect(lit == 8)
    }

    @Test func asciiModeUsesColouredSpaces() {
        let image = RGBImage(width: 2, height: 4, fill: (0.2, 0.4, 0.6))
        let cells = ImageCells.encode(image, glyphs: .ascii, colors: .truecolor)
        #expect(cells.count == 4)
        #expect(cells.allSatisfy { $0.glyph == " " && $0.bg == .rgb(RGB8(51, 102, 153)) })
    }

    // MARK: detection

    typealias F = ColorDetection.Facts

    @Test func detectionOrder() {
        let plain = F(term: "xterm-256color", colors: 256)
        #expect(ColorDetection.decide(plain).mode == .palette256)
        #expect(ColorDetection.decide(plain).directTerm == nil)

        var rgb = plain; rgb.rgbFlag = true
        #expect(ColorDetection.decide(rgb) == .init(mode: .truecolor, directTerm: nil, fallback: .truecolor))

        var ct = plain; ct.colorTerm = "truecolor"
        #expect(ColorDetection.decide(ct) == .init(mode: .truecolor, directTerm: "xterm-direct", fallback: .palette256))
        ct.inTmux = true; ct.colorTerm = "24bit"
        #expect(ColorDetection.decide(ct).directTerm == "tmux-direct")

        var noColor = rgb; noColor.noColor = true
        #expect(ColorDetection.decide(noColor).mode == .mono)
        #expect(ColorDetection.decide(noColor, override: .palette16).mode == .palette16)

        #expect(ColorDetection.decide(F(term: "xterm", colors: 8)).mode == .palette8)
        #expect(ColorDetection.decide(F(term: "xterm-16color", colors: 16)).mode == .palette16)
        #expect(ColorDetection.decide(F(term: "vt100", colors: -1)).mode == .mono)
        #expect(ColorDetection.decide(plain, override: .truecolor).directTerm == "xterm-direct")
        #expect(ColorDetection.decide(plain, override: .mono).mode == .mono)
    }

    @Test func colorArguments() {
        #expect(ColorMode(argument: "truecolor") == .truecolor)
        #expect(ColorMode(argument: "256") == .palette256)
        #expect(ColorMode(argument: "16") == .palette16)
        #expect(ColorMode(argument: "mono") == .mono)
        #expect(ColorMode(argument: "purple") == nil)
        #expect(GlyphMode(argument: "sextant") == .sextant)
        #expect(GlyphMode(argument: "half") == .halfBlock)
    }
}
