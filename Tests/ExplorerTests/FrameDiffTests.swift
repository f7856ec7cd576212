import Testing
@testable import Explorer

/// The diff every backend writes: only changed cells, in runs along a row; everything after a
/// size change.
@Suite struct FrameDiffTests {
    static let red = Cell(Cell.upperHalf, fg: .rgb(RGB8(200, 10, 10)), bg: .rgb(RGB8(10, 10, 200)))

    static func grid(_ width: Int, _ height: Int, text: [(x: Int, y: Int, s: String)]) -> CellGrid {
        var g = CellGrid(width: width, height: height)
        for t in text { g.put(t.s, x: t.x, y: t.y) }
        return g
    }

    @Test func anUnchangedGridWritesNothing() {
        let g = Self.grid(20, 5, text: [(0, 0, "maex"), (3, 2, "loss 0.91")])
        let diff = FrameDiff(from: g, to: g)
        #expect(!diff.erase)
        #expect(diff.runs.isEmpty)
    }

    @Test func onlyChangedCellsAreWrittenInRuns() {
        let before = Self.grid(20, 5, text: [(0, 1, "ratio 75%"), (0, 3, "abc")])
        var after = before
        after.put("30", x: 6, y: 1)        // "75" → "30": two cells side by side
        after[15, 1] = Self.red             // one cell further along the same row
        after.put("x", x: 0, y: 3)          // the first cell of another row
        after.put("c", x: 2, y: 3)          // written again with the same glyph: no change
        let diff = FrameDiff(from: before, to: after)
        #expect(!diff.erase)
        #expect(diff.runs == [
            FrameDiff.Run(x: 6, y: 1, cells: [Cell("3"), Cell("0")]),
            FrameDiff.Run(x: 15, y: 1, cells: [Self.red]),
            FrameDiff.Run(x: 0, y: 3, cells: [Cell("x")]),
        ])
        #expect(diff.cellCount == 4)
        #expect(diff.applied(to: before) == after)
    }

    @Test func aRunEndsAtTheRowsEnd() {
        let before = CellGrid(width: 4, height: 2)
        var after = before
        after.put("ab", x: 2, y: 0)
        after.put("cd", x: 0, y: 1)
        let diff = FrameDiff(from: before, to: after)
        #expect(diff.runs.map { [$0.x, $0.y, $0.cells.count] } == [[2, 0, 2], [0, 1, 2]])
    }

    @Test func aResizeErasesAndWritesEveryCellThatIsNotBlank() {
        let before = Self.grid(20, 5, text: [(0, 0, "old screen")])
        var after = Self.grid(12, 4, text: [(1, 0, "new"), (0, 3, "status")])
        after[11, 2] = Self.red
        let diff = FrameDiff(from: before, to: after)
        #expect(diff.erase)
        #expect(diff.width == 12 && diff.height == 4)
        let nonBlank = after.cells.filter { $0 != .blank }.count
        #expect(diff.cellCount == nonBlank)
        #expect(diff.runs.allSatisfy { $0.cells.allSatisfy { $0 != .blank } })
        #expect(diff.applied(to: before) == after)
        // Nothing shown yet reads the same as a resize.
        #expect(FrameDiff(from: nil, to: after) == diff)
    }

    @Test func appliedDiffsRebuildEveryGrid() {
        // Grids that change by scattered cells, frame after frame: the screen rebuilt from the
        // diffs alone is each grid exactly.
        var rng = LCG(seed: 7)
        var screen: CellGrid?
        var grid = CellGrid(width: 30, height: 10)
        for _ in 0..<20 {
            for _ in 0..<Int.random(in: 0...25, using: &rng) {
                let v = UInt8.random(in: 0...255, using: &rng)
                grid[Int.random(in: 0..<30, using: &rng), Int.random(in: 0..<10, using: &rng)] =
                    Bool.random(using: &rng) ? .blank : Cell(Cell.upperHalf, fg: .rgb(RGB8(v, v, 9)))
            }
            screen = FrameDiff(from: screen, to: grid).applied(to: screen)
            #expect(screen == grid)
        }
    }
}

/// A small seeded generator, so the frames are the same on every run.
struct LCG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}
