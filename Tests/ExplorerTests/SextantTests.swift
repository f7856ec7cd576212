import Testing
@testable import Explorer

@Suite struct SextantTests {
    typealias P = (Float, Float, Float)
    let red: P = (1, 0, 0), blue: P = (0, 0, 1), white: P = (1, 1, 1), black: P = (0, 0, 0)

    @Test func topRowAgainstTheRest() {
        let best = Sextant.bestPartition([red, red, blue, blue, blue, blue])
        #expect(best.mask == 0b000011)
        #expect(best.fg == red && best.bg == blue)
        #expect(Sextant.glyph(best.mask) == "\u{1FB02}")  // BLOCK SEXTANT-12
    }

    @Test func leftColumnIsTheLeftHalfBlock() {
        let best = Sextant.bestPartition([white, black, white, black, white, black])
        #expect(best.mask == 21)
        #expect(Sextant.glyph(best.mask) == "\u{258C}")
        #expect(best.fg == white && best.bg == black)
    }

    @Test func oneOddSubpixelInTheCornerGoesToTheBackground() {
        // Sub-pixel 5 is always background, so the other five form the foreground.
        let best = Sextant.bestPartition([white, white, white, white, white, red])
        #expect(best.mask == 31)
        #expect(Sextant.glyph(31) == "\u{1FB1D}")  // BLOCK SEXTANT-12345
        #expect(best.fg == white && best.bg == red)
    }

    @Test func flatCellIsOneColour() {
        let best = Sextant.bestPartition(Array(repeating: (0.3, 0.4, 0.5), count: 6))
        #expect(best.mask == 0)
        #expect(Sextant.glyph(0) == " ")
    }

    @Test func glyphTableSkipsTheHalfBlocks() {
        var seen = Set<Unicode.Scalar>()
        for bits in 0..<64 { seen.insert(Sextant.glyph(bits)) }
        #expect(seen.count == 64)
        #expect(Sextant.glyph(1) == "\u{1FB00}")
        #expect(Sextant.glyph(20) == "\u{1FB13}")
        #expect(Sextant.glyph(22) == "\u{1FB14}")
        #expect(Sextant.glyph(62) == "\u{1FB3B}")
        #expect(Sextant.glyph(42) == "\u{2590}")
        #expect(Sextant.glyph(63) == "\u{2588}")
    }

    /// On arbitrary cells the chosen partition's error equals the least error over all 64
    /// subsets, found by brute force with its own arithmetic.
    @Test func choiceMatchesBruteForce() {
        var state: UInt32 = 7
        func next() -> Float { state = state &* 1_664_525 &+ 1_013_904_223; return Float(state >> 8) / Float(1 << 24) }
        func sse(_ px: [P], _ subset: Int) -> Double {
            var total = 0.0
            for side in [true, false] {
                let members = (0..<6).filter { ((subset >> $0) & 1 == 1) == side }
                guard !members.isEmpty else { continue }
                let mean = (0..<3).map { c in members.reduce(0.0) { $0 + Double([px[$1].0, px[$1].1, px[$1].2][c]) } / Double(members.count) }
                for m in members {
                    let v = [px[m].0, px[m].1, px[m].2]
                    for c in 0..<3 { total += (Double(v[c]) - mean[c]) * (Double(v[c]) - mean[c]) }
                }
            }
            return total
        }
        for _ in 0..<300 {
            let px: [P] = (0..<6).map { _ in (next(), next(), next()) }
            let chosen = Sextant.bestPartition(px)
            let best = (0..<64).map { sse(px, $0) }.min()!
            #expect(abs(sse(px, chosen.mask) - best) < 1e-5)
        }
    }

    @Test func sextantCellsCoverTwoByThreeSubpixels() {
        // A 64 px picture drawn as 32×16 sextant cells: 64×48 sub-pixels; left half red, right blue.
        var image = Imaging.RGBImage(width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 { image[x, y, x < 32 ? 0 : 2] = 1 } }
        let cells = PanelPicture(image: image).cells(cols: 32, rows: 16, gridSize: 8, glyphs: .sextant, colors: .truecolor)
        #expect(cells.count == 32 * 16)
        #expect(cells[0].fg == cells[0].bg || cells[0].glyph == " ")
        #expect(cells[0].bg == .rgb(RGB8(255, 0, 0)))
        #expect(cells[31].bg == .rgb(RGB8(0, 0, 255)))
    }
}

import Imaging
