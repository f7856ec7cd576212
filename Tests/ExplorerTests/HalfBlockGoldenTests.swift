import Testing
@testable import Explorer
import Imaging

/// Half-block cells decode back to pixels exactly: fg is the top pixel, bg the bottom one.
@Suite struct HalfBlockGoldenTests {
    /// The k×k box mean of `image` at (x, y) of the reduced image, computed independently in Double.
    func boxMean(_ image: RGBImage, k: Int, x: Int, y: Int) -> RGB8 {
        var c = [0.0, 0.0, 0.0]
        for yy in (y * k)..<(y * k + k) {
            for xx in (x * k)..<(x * k + k) {
                for ch in 0..<3 { c[ch] += Double(image[xx, yy, ch]) }
            }
        }
        let n = Double(k * k)
        return RGB8(unit: Float(c[0] / n), Float(c[1] / n), Float(c[2] / n))
    }

    func decode(_ cells: [Cell], cols: Int, rows: Int) -> [[RGB8]] {
        var px = Array(repeating: Array(repeating: RGB8(0, 0, 0), count: cols), count: 2 * rows)
        for y in 0..<rows {
            for x in 0..<cols {
                let cell = cells[y * cols + x]
                #expect(cell.glyph == Cell.upperHalf)
                guard case .rgb(let top) = cell.fg, case .rgb(let bottom) = cell.bg else {
                    Issue.record("cell \(x),\(y) is not direct colour: \(cell)")
                    continue
                }
                px[2 * y][x] = top
                px[2 * y + 1][x] = bottom
            }
        }
        return px
    }

    /// 64 px, patch 8: 64×32 cells at 1:1, 32×16 at ½, 16×8 at ¼; 224 px, patch 16: 56×28 at ¼.
    @Test(arguments: [(64, 1), (64, 2), (64, 4), (224, 4)])
    func cellsDecodeToTheBoxFilteredImage(side: Int, k: Int) {
        let image = Fixture.image(side: side, seed: side + k)
        let cols = side / k, rows = side / k / 2
        let cells = PanelPicture(image: image).cells(cols: cols, rows: rows, gridSize: side / (side == 64 ? 8 : 16),
                                                     glyphs: .halfBlock, colors: .truecolor)
        #expect(cells.count == cols * rows)
        let px = decode(cells, cols: cols, rows: rows)
        var mismatches = 0
        for y in 0..<(2 * rows) {
            for x in 0..<cols where px[y][x] != boxMean(image, k: k, x: x, y: y) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func upscalingCopiesPixels() {
        let image = Fixture.image(side: 64)
        let cells = PanelPicture(image: image).cells(cols: 128, rows: 64, gridSize: 8, glyphs: .halfBlock, colors: .truecolor)
        let px = decode(cells, cols: 128, rows: 64)
        for (x, y) in [(0, 0), (127, 127), (77, 3), (5, 100)] {
            #expect(px[y][x] == RGB8(pixel: image, x: x / 2, y: y / 2))
        }
    }

    /// Patch borders fall on cell borders: a picture whose patches are flat colours gives cells
    /// that never mix two patches.
    @Test func patchBordersFallOnCellBorders() {
        var image = RGBImage(width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 { image[x, y, 0] = Float((y / 8) * 8 + x / 8) / 64 } }
        let cells = PanelPicture(image: image).cells(cols: 32, rows: 16, gridSize: 8, glyphs: .halfBlock, colors: .truecolor)
        for y in 0..<16 {
            for x in 0..<32 {
                let expected = RGB8(unit: Float((y / 2) * 8 + x / 4) / 64, 0, 0)
                #expect(cells[y * 32 + x].fg == .rgb(expected))
                #expect(cells[y * 32 + x].bg == .rgb(expected))
            }
        }
    }

    @Test func hiddenPatchesShowTheMaskColour() {
        let image = Fixture.image(side: 64)
        var hidden = [Bool](repeating: false, count: 64)
        hidden[9] = true  // row 1, column 1
        let cells = PanelPicture(image: image, hidden: hidden).cells(cols: 32, rows: 16, gridSize: 8,
                                                                     glyphs: .halfBlock, colors: .truecolor)
        let m = PanelPicture.maskColor
        let grey = TerminalColor.rgb(RGB8(unit: m.0, m.1, m.2))
        for y in 2..<4 { for x in 4..<8 { #expect(cells[y * 32 + x].fg == grey && cells[y * 32 + x].bg == grey) } }
        #expect(cells[0].fg != grey)
    }

    /// Direct colour numbers 0...7 would be read as palette colours: channels below 8 go to 8.
    @Test func directColourChannelsAreRaisedToEight() {
        #expect(TerminalColor.directNumber(RGB8(0, 0, 5)) == 0x080808)
        #expect(TerminalColor.directNumber(RGB8(200, 3, 100)) == 0xC80864)
        #expect(TerminalColor.directNumber(RGB8(255, 255, 255)) == 0xFFFFFF)
        #expect(TerminalColor.rgb(RGB8(0, 0, 0)).cursesNumber > 7)
        #expect(TerminalColor.standard.cursesNumber == -1)
    }
}

@Suite struct FlatMaskTests {
    /// In palette modes hidden patches are one flat colour (no dither pattern), so they read as
    /// "nothing here"; visible patches are still dithered.
    @Test func hiddenPatchesAreNotDithered() {
        let image = RGBImage(width: 64, height: 64, fill: (0.3, 0.55, 0.8))
        var hidden = [Bool](repeating: false, count: 64)
        for k in 0..<32 { hidden[k] = true }  // the top four patch rows
        let cells = PanelPicture(image: image, hidden: hidden).cells(cols: 32, rows: 16, gridSize: 8,
                                                                     glyphs: .halfBlock, colors: .palette256)
        let top = Set(cells[0..<(8 * 32)].flatMap { [$0.fg, $0.bg] })
        let bottom = Set(cells[(8 * 32)...].flatMap { [$0.fg, $0.bg] })
        #expect(top.count == 1)
        #expect(bottom.count >= 2)
    }
}
