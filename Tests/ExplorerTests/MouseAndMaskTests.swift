import Testing
@testable import Explorer

@Suite struct SGRParsingTests {
    @Test func reports() {
        #expect(MouseReport.parse("0;10;5M") == MouseReport(kind: .press, button: 0, x: 9, y: 4))
        #expect(MouseReport.parse("2;1;1M") == MouseReport(kind: .press, button: 2, x: 0, y: 0))
        #expect(MouseReport.parse("32;11;5M") == MouseReport(kind: .drag, button: 0, x: 10, y: 4))
        #expect(MouseReport.parse("0;10;5m") == MouseReport(kind: .release, button: 0, x: 9, y: 4))
        #expect(MouseReport.parse("64;3;4M")?.kind == .wheelUp)
        #expect(MouseReport.parse("65;3;4M")?.kind == .wheelDown)
        #expect(MouseReport.parse("35;3;4M")?.kind == .move)
        #expect(MouseReport.parse("4;300;200M") == MouseReport(kind: .press, x: 299, y: 199, shift: true))
        #expect(MouseReport.parse("16;1;1M")?.control == true)
    }

    @Test(arguments: ["0;10M", "a;b;cM", "0;10;5X", "0;0;5M", "0;10;5", "", "M", ";;M", "0;10;5;1M", "-1;2;3M"])
    func rejects(body: String) {
        #expect(MouseReport.parse(body) == nil)
    }

    @Test func accumulatorCollectsOneReport() {
        var acc = SGRMouseAccumulator()
        var steps: [SGRMouseAccumulator.Step] = []
        for c in "0;10;5M" { steps.append(acc.feed(c)) }
        #expect(steps.dropLast().allSatisfy { $0 == .more })
        #expect(steps.last == .report(MouseReport(kind: .press, x: 9, y: 4)))
        // The next report starts clean; junk aborts.
        #expect(acc.feed("x") == .invalid)
        for c in "32;2;2" { _ = acc.feed(c) }
        #expect(acc.feed("m") == .report(MouseReport(kind: .release, x: 1, y: 1)))
    }
}

@Suite struct MousePatchTests {
    /// Every patch's centre cell maps back to it, and every cell of a patch maps to that patch,
    /// in every panel of several layouts.
    @Test(arguments: [(160, 48, 8, 8), (120, 40, 8, 8), (80, 24, 8, 8), (40, 12, 8, 8), (160, 48, 14, 16), (60, 32, 14, 16)])
    func roundTrips(width: Int, height: Int, g: Int, p: Int) {
        let l = ScreenLayout(width: width, height: height, gridSize: g, patchSize: p)
        #expect(!l.panels.isEmpty)
        for panel in l.panels {
            let cw = panel.cols / g, ch = panel.rows / g
            for row in 0..<g {
                for col in 0..<g {
                    let c = l.centerCell(row: row, col: col, in: panel)
                    let hit = l.patch(atX: c.x, y: c.y)
                    #expect(hit?.slot == panel.slot && hit?.row == row && hit?.col == col)
                    for dy in 0..<ch {
                        for dx in 0..<cw {
                            let h = l.patch(atX: panel.x + col * cw + dx, y: panel.imageY + row * ch + dy)
                            #expect(h?.row == row && h?.col == col)
                        }
                    }
                }
            }
            #expect(l.patch(atX: panel.x - 1, y: panel.imageY) == nil || l.arrangement != .single)
            #expect(l.patch(atX: panel.x, y: panel.titleY) == nil)
        }
    }

    @Test func bresenhamConnectsSkippedPatches() {
        let line = PatchLine.cells(from: (0, 0), to: (3, 7))
        #expect(line.first! == (0, 0) && line.last! == (3, 7))
        #expect(line.count == 8)
        for (a, b) in zip(line, line.dropFirst()) {
            #expect(abs(a.row - b.row) <= 1 && abs(a.col - b.col) <= 1)
        }
        #expect(PatchLine.cells(from: (2, 2), to: (2, 2)).count == 1)
        #expect(PatchLine.cells(from: (5, 1), to: (0, 1)).map(\.row) == [5, 4, 3, 2, 1, 0])
    }
}

@Suite struct MaskEditingTests {
    let r = Fixture.reducer

    func mouse(_ kind: MouseReport.Kind, _ x: Int, _ y: Int, button: Int = 0) -> ExplorerEvent {
        .mouse(MouseReport(kind: kind, button: button, x: x, y: y))
    }

    func center(_ s: ExplorerState, _ row: Int, _ col: Int, slot: Int = 1) -> (x: Int, y: Int) {
        s.layout.centerCell(row: row, col: col, in: s.layout.panel(slot: slot)!)
    }

    @Test func pressPaintsAndDragFillsTheLine() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("c")))  // start from no mask
        #expect(s.actualRatio == 0)
        let a = center(s, 0, 0), b = center(s, 7, 7)
        let effects = r.reduce(&s, mouse(.press, a.x, a.y))
        #expect(s.mask[0] && s.pattern == nil)
        #expect(effects.count == 1)
        // One motion report far away: the whole diagonal in between is painted.
        _ = r.reduce(&s, mouse(.drag, b.x, b.y))
        for k in 0..<8 { #expect(s.mask[k * 8 + k], "diagonal patch \(k)") }
        #expect(s.mask.filter { $0 }.count == 8)
        _ = r.reduce(&s, mouse(.release, b.x, b.y))
        #expect(s.stroke == nil)
        // A press on a hidden patch erases along the stroke.
        _ = r.reduce(&s, mouse(.press, b.x, b.y))
        let mid = center(s, 4, 4)
        _ = r.reduce(&s, mouse(.drag, mid.x, mid.y))
        #expect(!s.mask[7 * 8 + 7] && !s.mask[6 * 8 + 6] && !s.mask[5 * 8 + 5] && !s.mask[4 * 8 + 4])
        #expect(s.mask[3 * 8 + 3] && s.mask.filter { $0 }.count == 4)
    }

    @Test func paintingWorksInEveryPanelAndStaysInIt() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("c")))
        for slot in 0..<4 {
            let a = center(s, slot, 1, slot: slot)
            _ = r.reduce(&s, mouse(.press, a.x, a.y))
            #expect(s.mask[slot * 8 + 1], "panel \(slot)")
            // Dragging into the next panel paints along the edge of the first one.
            let far = center(s, slot, 5, slot: (slot + 1) % 4)
            _ = r.reduce(&s, mouse(.drag, far.x, far.y))
            _ = r.reduce(&s, mouse(.release, far.x, far.y))
        }
        #expect(s.mask[0 * 8 + 7] && s.mask[1 * 8 + 7] && s.mask[2 * 8 + 7])
        #expect(s.mask[3 * 8 + 0])  // the last panel's drag went left, into the first panel
    }

    @Test func rightButtonErases() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("i")))
        _ = r.reduce(&s, .key(.character("c")))
        _ = r.reduce(&s, .key(.character("9")))
        let hidden = s.mask.firstIndex(of: true)!, visible = s.mask.firstIndex(of: false)!
        let a = center(s, hidden / 8, hidden % 8), b = center(s, visible / 8, visible % 8)
        _ = r.reduce(&s, mouse(.press, b.x, b.y, button: 2))
        #expect(!s.mask[visible])
        _ = r.reduce(&s, mouse(.release, b.x, b.y, button: 2))
        _ = r.reduce(&s, mouse(.press, a.x, a.y, button: 2))
        #expect(!s.mask[hidden])
    }

    @Test func dragLeavingThePanelClampsToItsEdge() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("c")))
        let a = center(s, 3, 0)
        _ = r.reduce(&s, mouse(.press, a.x, a.y))
        _ = r.reduce(&s, mouse(.drag, a.x - 20, a.y))  // left of the image
        _ = r.reduce(&s, mouse(.drag, a.x + 500, a.y))  // far right
        for col in 0..<8 { #expect(s.mask[3 * 8 + col]) }
    }

    @Test func undoRestoresFiftyStepsAndStrokesAreOneStep() {
        var s = Fixture.shownState()
        var masks: [[Bool]] = [s.mask]
        for k in 0..<60 {
            _ = r.reduce(&s, .key(.character(k % 2 == 0 ? "r" : "i")))
            masks.append(s.mask)
        }
        for k in 0..<55 {
            _ = r.reduce(&s, .key(.character("u")))
            #expect(s.mask == masks[59 - k], "undo step \(k + 1)")
        }
        // A stroke over several patches undoes in one step.
        let before = s.mask
        let a = center(s, 0, 0), b = center(s, 0, 7)
        _ = r.reduce(&s, mouse(.press, a.x, a.y))
        _ = r.reduce(&s, mouse(.drag, b.x, b.y))
        _ = r.reduce(&s, mouse(.release, b.x, b.y))
        #expect(s.mask != before)
        _ = r.reduce(&s, .key(.character("u")))
        #expect(s.mask == before)
    }

    @Test func undoRestoresHowTheMaskWasMade() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("b")))
        _ = r.reduce(&s, .key(.character("3")))
        #expect(s.pattern == .block && s.ratio == 0.3)
        _ = r.reduce(&s, .key(.character("u")))
        #expect(s.pattern == .block && s.ratio == 0.75)
        _ = r.reduce(&s, .key(.character("u")))
        #expect(s.pattern == .random)
        _ = r.reduce(&s, .key(.character("u")))
        #expect(s.message == "nothing to undo")
    }

    @Test func keyboardCursorToggles() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("c")))
        _ = r.reduce(&s, .key(.right))  // first press shows the cursor where it is
        #expect(s.cursorVisible && s.cursor == (0, 0))
        for key in [Key.right, .right, .down, .character("L"), .character("J")] { _ = r.reduce(&s, .key(key)) }
        #expect(s.cursor == (2, 3))
        _ = r.reduce(&s, .key(.character(" ")))
        #expect(s.mask[2 * 8 + 3])
        _ = r.reduce(&s, .key(.character(" ")))
        #expect(!s.mask[2 * 8 + 3])
        for _ in 0..<20 { _ = r.reduce(&s, .key(.left)); _ = r.reduce(&s, .key(.up)) }
        #expect(s.cursor == (0, 0))
    }
}
