import Imaging
import Testing
@testable import Explorer

@Suite struct LayoutTests {
    struct Expect: Sendable, CustomStringConvertible {
        var width: Int, height: Int
        var arrangement: ScreenLayout.Arrangement
        var cols: Int, rows: Int
        var description: String { "\(width)×\(height)" }
    }

    /// The tiny model (64 px, patch 8) at the sizes the issue names.
    @Test(arguments: [
        Expect(width: 200, height: 60, arrangement: .row, cols: 48, rows: 24),
        Expect(width: 240, height: 70, arrangement: .grid, cols: 64, rows: 32),
        Expect(width: 160, height: 48, arrangement: .row, cols: 32, rows: 16),
        Expect(width: 120, height: 40, arrangement: .grid, cols: 32, rows: 16),
        Expect(width: 80, height: 24, arrangement: .row, cols: 16, rows: 8),
        Expect(width: 40, height: 12, arrangement: .single, cols: 16, rows: 8),
        Expect(width: 20, height: 5, arrangement: .tooSmall, cols: 0, rows: 0),
    ])
    func tinyModelLayouts(e: Expect) {
        let l = ScreenLayout(width: e.width, height: e.height, gridSize: 8, patchSize: 8)
        #expect(l.arrangement == e.arrangement)
        if e.arrangement == .tooSmall {
            #expect(l.panels.isEmpty)
            return
        }
        #expect(l.panels.count == (e.arrangement == .single ? 1 : 4))
        for p in l.panels {
            #expect(p.cols == e.cols && p.rows == e.rows)
            #expect(p.cols % 8 == 0 && p.rows % 8 == 0)  // whole cells per patch
            #expect(l.cellsPerPatch == p.cols / 8)
        }
        checkBounds(l)
    }

    /// 224 px with patch 16 draws at 56×28 (¼) when one panel has the room, 28×14 in a row.
    @Test func baseModelScales() {
        let single = ScreenLayout(width: 60, height: 32, gridSize: 14, patchSize: 16)
        #expect(single.arrangement == .single && single.panels[0].cols == 56 && single.panels[0].rows == 28)
        let row = ScreenLayout(width: 160, height: 48, gridSize: 14, patchSize: 16)
        #expect(row.arrangement == .row && row.panels[0].cols == 28 && row.panels[0].rows == 14)
        checkBounds(row)
    }

    /// Every even number of cells a patch, also below one pixel a cell (6 for 8 pixels).
    @Test func scalesAreWholeCellsPerPatch() {
        let s8 = ScreenLayout.scales(patchSize: 8)
        #expect(s8.first == 64 && s8.last == 2 && s8.count == 32 && s8.contains(6) && s8.allSatisfy { $0 % 2 == 0 })
        #expect(ScreenLayout.scales(patchSize: 16).contains(4))
        #expect(ScreenLayout.scales(patchSize: 14).contains(2))
        #expect(ScreenLayout.scales(patchSize: 0).isEmpty)
    }

    /// The largest fit, for a table of sizes: no larger whole scale would fit the arrangement.
    @Test func theLargestScaleThatFits() throws {
        for (w, h) in [(200, 60), (160, 48), (120, 40), (100, 30), (80, 24), (150, 45), (230, 66)] {
            let l = ScreenLayout(width: w, height: h, gridSize: 8, patchSize: 8)
            let c = try #require(l.cellsPerPatch)
            let bigger = ScreenLayout.scales(patchSize: 8).filter { $0 > c }
            let area = h - ScreenLayout.headerRows - ScreenLayout.statusRows
            for b in bigger {
                let cols = 8 * b, rows = cols / 2
                #expect(!(4 * cols + 6 <= w && 1 + rows <= area), "\(w)×\(h): \(b) cells a patch fit in a row")
                #expect(!(2 * cols + 2 <= w && 2 * (1 + rows) <= area), "\(w)×\(h): \(b) cells a patch fit two by two")
            }
        }
    }

    /// The pair for projectors: masked and reconstruction + visible, twice as large or more.
    @Test func thePairIsLarge() {
        let l = ScreenLayout(width: 200, height: 60, gridSize: 8, patchSize: 8, zoom: .two)
        #expect(l.arrangement == .pair && l.panels.map(\.slot) == ScreenLayout.pairSlots)
        #expect(l.panels[0].cols == 96 && l.panels[0].rows == 48)
        checkBounds(l)
        let narrow = ScreenLayout(width: 40, height: 30, gridSize: 8, patchSize: 8, zoom: .two)
        #expect(narrow.panels.count == 2 && narrow.panels[0].cols == 16, "two fit at 40 columns")
    }

    @Test func singlePanelFollowsFocus() {
        let l = ScreenLayout(width: 40, height: 12, gridSize: 8, patchSize: 8, focus: 2)
        #expect(l.panels.map(\.slot) == [2])
        let wrapped = ScreenLayout(width: 40, height: 12, gridSize: 8, patchSize: 8, focus: -1)
        #expect(wrapped.panels.map(\.slot) == [3])
    }

    /// Any size from 0×0 upwards gives a layout whose panels stay on screen and apart.
    @Test func everySizeIsSafe() {
        for (g, p) in [(8, 8), (14, 16), (16, 14)] {
            for w in 0...230 {
                for h in stride(from: 0, through: 80, by: 1) where (w + h) % 3 == 0 || h < 14 {
                    checkBounds(ScreenLayout(width: w, height: h, gridSize: g, patchSize: p))
                }
            }
        }
    }

    func checkBounds(_ l: ScreenLayout) {
        for (i, p) in l.panels.enumerated() {
            if p.x < 0 || p.x + p.cols > l.width || p.titleY < ScreenLayout.headerRows
                || p.imageY + p.rows > l.statusY || p.cols < 1 || p.rows < 1 {
                Issue.record("panel \(p) outside \(l.width)×\(l.height)")
            }
            for q in l.panels[(i + 1)...] {
                let apart = p.x + p.cols <= q.x || q.x + q.cols <= p.x
                    || p.imageY + p.rows <= q.titleY || q.imageY + q.rows <= p.titleY
                if !apart { Issue.record("panels \(p) and \(q) overlap at \(l.width)×\(l.height)") }
            }
        }
    }
}

@Suite struct ScreenRendererTests {
    @Test func fourTitlesAtFullSize() {
        let s = Fixture.shownState(width: 160, height: 48)
        let grid = ScreenRenderer.render(s)
        #expect(grid.width == 160 && grid.height == 48)
        let text = grid.text
        for title in ScreenRenderer.titles { #expect(text.contains(title)) }
        #expect(grid.text(row: 46).contains("ratio 75%"))
        #expect(grid.text(row: 46).contains("img0.png 1/3"))
        #expect(grid.text(row: 46).contains("PSNR 18.3 dB"))
        #expect(grid.text(row: 46).contains("seed 0"))
        #expect(grid.text(row: 46).contains("test-tiny 64px p8 5.5M"))
    }

    @Test(arguments: [(200, 60), (120, 40), (80, 24), (40, 12)])
    func panelsShowImageCells(width: Int, height: Int) {
        let s = Fixture.shownState(width: width, height: height)
        let grid = ScreenRenderer.render(s)
        let l = s.layout
        for p in l.panels {
            let c = grid[p.x + p.cols / 2, p.imageY + p.rows / 2]
            #expect(c.glyph == Cell.upperHalf)
            if case .rgb = c.fg {} else { Issue.record("panel \(p.slot) at \(width)×\(height): \(c)") }
        }
        #expect(grid.text.contains("original") || l.arrangement == .single)
    }

    @Test func tooSmallIsOneLine() {
        let s = Fixture.shownState(width: 20, height: 5)
        let grid = ScreenRenderer.render(s)
        #expect(grid.text(row: 0).hasPrefix("maex needs a"))
        for y in 1..<5 { #expect(grid.text(row: y).allSatisfy { $0 == " " }) }
    }

    /// Rendering never traps, whatever the size, view or colour mode.
    @Test func everySizeRenders() {
        var s = Fixture.shownState()
        for w in stride(from: 0, through: 210, by: 7) {
            for h in stride(from: 0, through: 64, by: 5) {
                s.width = w
                s.height = h
                s.showHelp = (w + h) % 2 == 0
                s.showGrid = w % 3 == 0
                s.colors = [.truecolor, .palette256, .palette16, .mono][(w / 7) % 4]
                s.glyphs = [.halfBlock, .sextant, .ascii][(h / 5) % 3]
                let grid = ScreenRenderer.render(s)
                #expect(grid.cells.count == max(0, w) * max(0, h))
            }
        }
    }

    @Test func helpListsEveryKey() {
        var s = Fixture.shownState(width: 120, height: 40)
        s.showHelp = true
        let text = ScreenRenderer.render(s).text
        for binding in KeyBindings.all { #expect(text.contains(binding.action), "\(binding.action)") }
        #expect(text.contains("any key closes") && !text.contains("terminal-features"))
        // In palette colours the box says how tmux gives truecolour, also at 80×24.
        var palette = Fixture.shownState(width: 80, height: 24, colors: .palette256)
        palette.showHelp = true
        let small = ScreenRenderer.render(palette).text
        #expect(small.contains(HelpOverlay.truecolorHint.trimmingCharacters(in: .whitespaces)), "\(small)")
        #expect(small.contains("quit (training: save and stop first)"), "the last key row is cut")
    }

    @Test func spinnerWhileComputing() {
        var s = Fixture.shownState()
        _ = Fixture.reducer.reduce(&s, .key(.character("r")))
        #expect(s.computing)
        let text = ScreenRenderer.render(s).text
        #expect(text.contains("reconstruction ⠋"))
    }

    @Test func compareModeTitles() {
        var s = Fixture.shownState()
        _ = Fixture.reducer.reduce(&s, .key(.character("v")))
        _ = Fixture.reducer.reduce(&s, .reconstructed(Fixture.answer(s, psnr: 21.04)))
        let text = ScreenRenderer.render(s).text
        for label in ["25% masked · 21.0 dB", "50% masked", "75% masked", "90% masked"] {
            #expect(text.contains(label))
        }
    }

    @Test func untrainedNoteInTheHeader() {
        var s = Fixture.shownState()
        s.model.note = "untrained model"
        #expect(ScreenRenderer.render(s).text(row: 0).contains("untrained model"))
    }
}

@Suite struct NarrowCharacterSetTests {
    /// Without UTF-8 every cell is ASCII: images are coloured spaces, text loses its dots and bars.
    @Test func asciiModeIsPureAscii() {
        var s = Fixture.shownState(width: 120, height: 40, glyphs: .ascii)
        s.showHelp = true
        let grid = ScreenRenderer.render(s)
        #expect(grid.cells.allSatisfy { $0.glyph.isASCII })
        #expect(grid.text.contains("ratio 75%"))
        let panel = s.layout.panels[0]
        let c = grid[panel.x + 3, panel.imageY + 3]
        #expect(c.glyph == " ")
        if case .rgb = c.bg {} else { Issue.record("image cell without a background colour: \(c)") }
    }

    @Test func monochromeHiddenPatchesAreShaded() {
        let s = Fixture.shownState(width: 160, height: 48, colors: .mono)
        let grid = ScreenRenderer.render(s)
        let masked = s.layout.panel(slot: 1)!
        let hidden = s.mask.firstIndex(of: true)!
        let c = s.layout.centerCell(row: hidden / 8, col: hidden % 8, in: masked)
        #expect(grid[c.x, c.y].glyph == "\u{2591}")
        #expect(grid.cells.allSatisfy { $0.fg == .standard && $0.bg == .standard })
    }
}

@Suite struct ZoomTests {
    /// `z` shows masked and reconstruction + visible large, then one panel as large as it fits
    /// (80×24: 32×16 instead of four of 16×8); Tab cycles it; painting maps through the zoomed
    /// panel.
    @Test func zoomShowsOneLargePanel() {
        var s = Fixture.shownState(width: 80, height: 24)
        #expect(s.layout.arrangement == .row && s.layout.panels[0].cols == 16)
        _ = Fixture.reducer.reduce(&s, .key(.character("z")))
        #expect(s.layout.arrangement == .pair && s.layout.panels.map(\.slot) == [1, 3] && s.layout.panels[0].cols == 32)
        _ = Fixture.reducer.reduce(&s, .key(.character("z")))
        #expect(s.layout.arrangement == .single && s.layout.panels[0].cols == 32 && s.layout.panels[0].slot == 0)
        _ = Fixture.reducer.reduce(&s, .key(.tab))
        #expect(s.layout.panels[0].slot == 1)
        _ = Fixture.reducer.reduce(&s, .key(.character("c")))
        let c = s.layout.centerCell(row: 2, col: 5, in: s.layout.panels[0])
        _ = Fixture.reducer.reduce(&s, .mouse(MouseReport(kind: .press, x: c.x, y: c.y)))
        #expect(s.mask[2 * 8 + 5] && s.mask.filter { $0 }.count == 1)
        #expect(ScreenRenderer.render(s).text.contains("masked"))
        _ = Fixture.reducer.reduce(&s, .key(.character("z")))
        #expect(s.layout.arrangement == .row)
    }
}

/// Patch grid lines need room: at 2 cells a patch they would be half the picture.
@Suite struct GridLineTests {
    @Test func linesOnlyWhereAPatchHasFourSubpixels() {
        let image = RGBImage(width: 64, height: 64, fill: (0.2, 0.2, 0.2))
        func distinct(cols: Int, rows: Int) -> Int {
            Set(PanelPicture(image: image, grid: true).cells(cols: cols, rows: rows, gridSize: 8, glyphs: .halfBlock,
                                                             colors: .truecolor).map(\.fg)).count
        }
        #expect(distinct(cols: 32, rows: 16) > 1, "no grid lines at 4 cells a patch")
        #expect(distinct(cols: 16, rows: 8) == 1, "grid lines at 2 cells a patch")
    }
}
