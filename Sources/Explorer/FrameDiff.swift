/// What a backend has to write to turn the screen showing one grid into the next: the runs of
/// changed cells, row by row. Pure, so every backend gets minimal output from the same code
/// (ratatui's buffer diff) and tests can check it without a terminal.
public struct FrameDiff: Equatable, Sendable {
    /// Changed cells side by side in one row, from column `x`.
    public struct Run: Equatable, Sendable {
        public var x: Int
        public var y: Int
        public var cells: [Cell]
    }

    /// The size changed: the screen must be blanked first, and the runs are measured against a
    /// blank grid of the new size (what the terminal shows after the erase).
    public var erase: Bool
    public var runs: [Run]
    /// The size of the grid the diff leads to.
    public var width: Int
    public var height: Int

    /// The runs that turn `previous` (nil: nothing shown yet) into `next`.
    public init(from previous: CellGrid?, to next: CellGrid) {
        let resized = previous.map { $0.width != next.width || $0.height != next.height } ?? true
        let base = resized ? CellGrid(width: next.width, height: next.height) : previous!
        erase = resized
        runs = []
        width = next.width
        height = next.height
        let w = next.width
        for y in 0..<next.height {
            var x = 0
            while x < w {
                guard next.cells[y * w + x] != base.cells[y * w + x] else { x += 1; continue }
                let start = x
                while x < w && next.cells[y * w + x] != base.cells[y * w + x] { x += 1 }
                runs.append(Run(x: start, y: y, cells: Array(next.cells[(y * w + start)..<(y * w + x)])))
            }
        }
    }

    /// The cells written.
    public var cellCount: Int { runs.reduce(0) { $0 + $1.cells.count } }

    /// `screen` with the diff carried out, as a terminal would show it.
    public func applied(to screen: CellGrid?) -> CellGrid {
        var out = erase || screen == nil ? CellGrid(width: width, height: height) : screen!
        for run in runs {
            for (k, cell) in run.cells.enumerated() { out[run.x + k, run.y] = cell }
        }
        return out
    }
}
