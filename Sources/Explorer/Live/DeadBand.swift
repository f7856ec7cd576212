/// Holds image cells whose colours moved by noise only: a live reconstruction changes a little
/// at every preview, and resending each such cell (~40 bytes) would cost tens of KB an update
/// (TERMINAL.md: a dead-band T of 6–12 takes that to almost nothing).
public enum DeadBand {
    /// In `grid`, every half-block cell in direct colour whose foreground and background channels
    /// all lie within `threshold` of the same cell in `shown` becomes that shown cell again, so
    /// the backend sends nothing for it. Text, charts and palette colours are compared exactly.
    public static func hold(_ grid: inout CellGrid, shown: CellGrid, threshold: Int) {
        guard grid.width == shown.width, grid.height == shown.height, threshold > 0 else { return }
        for i in grid.cells.indices {
            let new = grid.cells[i], old = shown.cells[i]
            guard new != old, new.glyph == Cell.upperHalf, old.glyph == Cell.upperHalf, new.attrs == old.attrs,
                  close(new.fg, old.fg, threshold), close(new.bg, old.bg, threshold) else { continue }
            grid.cells[i] = old
        }
    }

    static func close(_ a: TerminalColor, _ b: TerminalColor, _ t: Int) -> Bool {
        guard case .rgb(let x) = a, case .rgb(let y) = b else { return a == b }
        return abs(Int(x.r) - Int(y.r)) <= t && abs(Int(x.g) - Int(y.g)) <= t && abs(Int(x.b) - Int(y.b)) <= t
    }
}
