/// The `?` box listing every key, drawn over the centre of the screen.
public enum HelpOverlay {
    /// What the bottom edge says in palette colours: tmux's own terminfo has no RGB flag, and
    /// this one line gives it truecolour (tmux 3.2 or later; attach again after it).
    public static let truecolorHint = " truecolour in tmux: set -as terminal-features ',*:RGB' "

    public static func draw(into grid: inout CellGrid, ascii: Bool, colors: ColorMode = .truecolor) {
        let rows = KeyBindings.all
        let keyWidth = rows.map { $0.keys.unicodeScalars.count }.max() ?? 0
        let lines = rows.map { ($0.keys.padding(to: keyWidth), $0.action) }
        let inner = lines.map { $0.0.unicodeScalars.count + 3 + $0.1.unicodeScalars.count }.max() ?? 0
        let title = " maex keys "
        let palette = colors == .palette256 || colors == .palette16 || colors == .palette8
        let hint = palette && truecolorHint.unicodeScalars.count + 4 <= grid.width
        let footer = hint ? truecolorHint : " any key closes "
        let boxWidth = min(grid.width, max(inner, hint ? footer.unicodeScalars.count : 0) + 4)
        let boxHeight = min(grid.height, lines.count + 2)
        let x0 = (grid.width - boxWidth) / 2, y0 = (grid.height - boxHeight) / 2
        let (h, v, tl, tr, bl, br): (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar,
                                     Unicode.Scalar, Unicode.Scalar) =
            ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        grid.fill(x: x0, y: y0, width: boxWidth, height: boxHeight, with: .blank)
        for x in x0..<(x0 + boxWidth) {
            grid[x, y0] = Cell(h)
            grid[x, y0 + boxHeight - 1] = Cell(h)
        }
        for y in y0..<(y0 + boxHeight) {
            grid[x0, y] = Cell(v)
            grid[x0 + boxWidth - 1, y] = Cell(v)
        }
        grid[x0, y0] = Cell(tl)
        grid[x0 + boxWidth - 1, y0] = Cell(tr)
        grid[x0, y0 + boxHeight - 1] = Cell(bl)
        grid[x0 + boxWidth - 1, y0 + boxHeight - 1] = Cell(br)
        grid.put(title, x: x0 + 2, y: y0, maxWidth: boxWidth - 4, attrs: .bold)
        let fx = x0 + boxWidth - 2 - footer.unicodeScalars.count
        if fx >= x0 + 1 { grid.put(footer, x: fx, y: y0 + boxHeight - 1, attrs: .dim) }
        for (i, line) in lines.enumerated() where i + 1 < boxHeight - 1 {
            let used = grid.put(line.0, x: x0 + 2, y: y0 + 1 + i, maxWidth: boxWidth - 4, attrs: .bold)
            grid.put("   " + line.1, x: x0 + 2 + used, y: y0 + 1 + i, maxWidth: boxWidth - 4 - used)
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        let n = unicodeScalars.count
        return n >= width ? self : self + String(repeating: " ", count: width - n)
    }
}
