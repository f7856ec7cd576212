import Testing
@testable import Explorer

/// `maex tour` on the cell grid: every screen's text above the panels without overlap, at the
/// smallest supported size and a large one, and the keys that move between screens.
@Suite struct TourTests {
    let r = Fixture.reducer

    func tourState(width: Int, height: Int) -> ExplorerState {
        var s = ExplorerState(model: Fixture.tiny, images: [ImageEntry(path: "/images/chelsea.png")], ratio: 0.75, seed: 3,
                              width: width, height: height)
        s.tour = TourState(encoderTiming: EncoderTiming(maskedTokens: 17, allTokens: 65, maskedSeconds: 0.0004,
                                                        fullSeconds: 0.0015))
        _ = r.start(&s)
        _ = r.reduce(&s, .reconstructed(Fixture.answer(s)))
        return s
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func everyScreenFitsWithoutOverlap(size: (Int, Int)) throws {
        var s = tourState(width: size.0, height: size.1)
        for (i, screen) in TourScreen.allCases.enumerated() {
            #expect(s.tour?.screen == screen)
            let grid = ScreenRenderer.render(s)
            let layout = s.layout
            #expect(grid.text(row: 0).contains("maex tour \(i + 1)/7 · \(screen.title)"), "\(grid.text)")
            // The sentence, word for word, on the rows between the title and the panels.
            let visible = s.mask.filter { !$0 }.count
            let words = screen.sentence(visible: visible, patches: 64, grid: 8).split(separator: " ").map(String.init)
            let textRows = (1..<TourHeader.rows).map { grid.text(row: $0) }
            let shown = textRows.joined(separator: " ").split(separator: " ").map(String.init)
            #expect(Array(shown.prefix(words.count)) == words, "screen \(screen): \(textRows)")
            // Panels and charts start below the text and end above the status bar, and do not overlap.
            let top = try #require(layout.panels.map(\.titleY).min())
            #expect(top >= TourHeader.rows && layout.panels.count == 4, "\(screen) at \(size)")
            var boxes = layout.panels.map { ($0.x, $0.titleY, $0.cols, $0.rows + 1) }
            if let c = layout.charts { boxes.append((c.x, c.y, c.width, c.height)) }
            for (a, b) in zip(boxes.indices, boxes.indices.dropFirst()) where a < b {
                let p = boxes[a], q = boxes[b]
                let apart = p.0 + p.2 <= q.0 || q.0 + q.2 <= p.0 || p.1 + p.3 <= q.1 || q.1 + q.3 <= p.1
                #expect(apart, "\(screen): \(p) overlaps \(q)")
            }
            #expect(boxes.allSatisfy { $0.1 + $0.3 <= layout.statusY })
            #expect(screen.showsSweep == (layout.charts != nil))
            if screen == .randomMasking {
                let text = shown.joined(separator: " ")
                #expect(visible == 16 && text.contains("16 of 64 tokens"))
                #expect(text.contains("measured: encoder on 17 tokens 0.4 ms, on all 65 1.5 ms (3.8× longer)"), "\(text)")
            }
            _ = r.reduce(&s, .key(.pageDown))
            _ = r.reduce(&s, .reconstructed(Fixture.answer(s)))
        }
        #expect(s.tour?.screen == .ninety && s.message?.contains("last screen") == true)
    }

    @Test func keysMoveThroughTheScreensAndTheExplorersKeysStillWork() {
        var s = tourState(width: 160, height: 48)
        #expect(s.tour?.screen == .patches && !s.mask.contains(true) && s.showGrid)
        _ = r.reduce(&s, .key(.enter))
        #expect(s.tour?.screen == .randomMasking && s.mask.filter { $0 }.count == 48 && s.pattern == .random)
        _ = r.reduce(&s, .key(.pageDown))
        _ = r.reduce(&s, .key(.pageDown))
        #expect(s.tour?.screen == .loss && s.showHeatmap)
        _ = r.reduce(&s, .key(.pageDown))
        #expect(s.tour?.screen == .ratioCurve && s.showsSweep)
        _ = r.reduce(&s, .key(.pageDown))
        #expect(s.tour?.screen == .strategies && s.pattern == .block && !s.showsSweep && !s.showHeatmap)
        // The explorer's keys: arrows move the cursor, not the tour; g draws the grid mask.
        _ = r.reduce(&s, .key(.right))
        _ = r.reduce(&s, .key(.right))
        #expect(s.tour?.screen == .strategies && s.cursor.col == 1)
        _ = r.reduce(&s, .key(.character("g")))
        #expect(s.pattern == .grid)
        _ = r.reduce(&s, .key(.backspace))
        #expect(s.tour?.screen == .ratioCurve && s.pattern == .random && abs(s.ratio - 0.75) < 1e-12)
        _ = r.reduce(&s, .key(.pageUp))
        #expect(s.tour?.screen == .loss)
        for _ in 0..<5 { _ = r.reduce(&s, .key(.pageUp)) }
        #expect(s.tour?.screen == .patches && s.message == "this is the first screen")
        // Outside the tour Enter still hides the patch under the cursor.
        var plain = Fixture.shownState()
        let before = plain.mask
        _ = r.reduce(&plain, .key(.enter))
        #expect(plain.mask != before && plain.tour == nil)
    }
}
