import Foundation

/// State in, cells out: the whole screen, without touching a terminal.
public enum ScreenRenderer {
    public static let titles = ["original", "masked", "reconstruction", "reconstruction + visible"]
    static let shortTitles = ["original", "masked", "reconstruction", "recon + visible"]
    static let spinnerFrames: [Unicode.Scalar] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    static let asciiSpinner: [Unicode.Scalar] = ["|", "/", "-", "\\"]

    public static func render(_ s: ExplorerState) -> CellGrid { frame(s).grid }

    /// The screen and, while training, the charts' y axes (to keep in the state for the next
    /// frame, so the axes do not jump).
    public static func frame(_ s: ExplorerState) -> LiveViewRenderer.Frame {
        var grid = CellGrid(width: s.width, height: s.height)
        let layout = s.layout
        guard layout.arrangement != .tooSmall else {
            let text = "maex needs a terminal of at least \(ScreenLayout.minimumWidth)×\(ScreenLayout.minimumHeight)"
                + " (this one is \(s.width)×\(s.height))"
            grid.put(text, x: 0, y: 0, maxWidth: s.width)
            return LiveViewRenderer.Frame(grid: grid, lossAxis: s.training?.live.lossAxis, lrAxis: s.training?.live.lrAxis)
        }
        if let tour = s.tour { TourHeader.draw(s, tour, into: &grid) } else { drawHeader(s, into: &grid) }
        for panel in layout.panels { drawPanel(panel, s, layout, into: &grid) }
        var axes = (loss: s.training?.live.lossAxis, lr: s.training?.live.lrAxis)
        if s.showsSweep, let sweep = s.sweep, let r = layout.charts {
            SweepChart.draw(sweep, imageName: s.currentImage?.name ?? "", colors: s.colors, in: r, into: &grid)
        } else if let t = s.training, let r = layout.charts {
            axes = LiveViewRenderer.charts(t.live, in: (r.x, r.y, r.width, r.height), into: &grid)
        }
        drawStatus(s, layout, into: &grid)
        if s.showHelp { HelpOverlay.draw(into: &grid, ascii: s.glyphs == .ascii, colors: s.colors) }
        if s.glyphs == .ascii { asciiOnly(&grid) }
        return LiveViewRenderer.Frame(grid: grid, lossAxis: axes.loss, lrAxis: axes.lr)
    }

    /// Without UTF-8 the terminal cannot show "·", "│" or "…": every scalar becomes ASCII.
    static func asciiOnly(_ grid: inout CellGrid) {
        for i in grid.cells.indices where grid.cells[i].glyph.value >= 0x80 {
            let g = grid.cells[i].glyph
            let plain: Unicode.Scalar
            switch g {
            case "·", "…": plain = "."
            case "│", "┌", "┐", "└", "┘": plain = "|"
            case "─", "–", "—": plain = "-"
            case "×": plain = "x"
            case "→": plain = ">"
            case "∞": plain = "i"
            default: plain = g.properties.isWhitespace ? " " : "?"
            }
            grid.cells[i].glyph = plain
        }
    }

    /// " maex · <image> · Masked Autoencoder explorer" on the left (parts dropped from the end
    /// when narrow), the model note or the key hint on the right (cut last).
    static func drawHeader(_ s: ExplorerState, into grid: inout CellGrid) {
        if let t = s.training {
            // The run's numbers: step, loss, EMA, lr, images/s, ETA and what the trainer does.
            grid.put(LiveViewRenderer.headerLine(t.live, width: s.width), x: 0, y: 0, maxWidth: s.width, attrs: .bold)
            return
        }
        let right = s.model.note ?? "? help  q quit "
        var left = " maex"
        for part in [s.currentImage?.name, "Masked Autoencoder explorer"].compactMap({ $0 }) {
            let candidate = left + " · " + part
            if candidate.unicodeScalars.count + 1 + right.unicodeScalars.count <= s.width { left = candidate }
        }
        let used = grid.put(" maex", x: 0, y: 0, attrs: .bold)
        let leftWidth = used + grid.put(String(String.UnicodeScalarView(left.unicodeScalars.dropFirst(5))),
                                        x: used, y: 0, attrs: .dim)
        let rx = max(leftWidth + 1, s.width - right.unicodeScalars.count)
        grid.put(right, x: rx, y: 0, maxWidth: s.width - rx, attrs: s.model.note != nil ? .bold : [])
    }

    static func spinner(_ s: ExplorerState) -> String {
        guard s.computing else { return "" }
        let frames = s.glyphs == .ascii ? asciiSpinner : spinnerFrames
        return " " + String(Character(frames[s.spinnerPhase % frames.count]))
    }

    static func title(slot: Int, _ s: ExplorerState, width: Int) -> String {
        if s.compare {
            let ratio = ExplorerState.compareRatios[slot]
            var t = StatusBar.percent(ratio) + " masked"
            if let shown = s.shown, shown.compareRatios.count == 4 {
                t += " · " + StatusBar.decibels(shown.panels[slot].psnr)
            }
            return t + spinner(s)
        }
        var t = titles[slot]
        if slot == 2 && s.showHeatmap {
            // The overlay is scaled to the worst patch: its MSE is the top of the colour ramp.
            let top = s.shownPanels?.patchErrors.max().map { String(format: "%.3f", $0) } ?? "–"
            t = "error per patch (max \(top))"
            if t.unicodeScalars.count > width { t = "error (max \(top))" }
        }
        if t.unicodeScalars.count > width { t = shortTitles[slot] }
        if slot >= 2 { t += spinner(s) }
        return t
    }

    static func drawPanel(_ panel: ScreenLayout.Panel, _ s: ExplorerState, _ layout: ScreenLayout,
                          into grid: inout CellGrid) {
        var t = title(slot: panel.slot, s, width: panel.cols)
        if t.unicodeScalars.count > panel.cols {
            t = String(String.UnicodeScalarView(t.unicodeScalars.prefix(max(0, panel.cols - 1)))) + "…"
        }
        let tx = panel.x + max(0, (panel.cols - t.unicodeScalars.count) / 2)
        grid.put(t, x: tx, y: panel.titleY, maxWidth: panel.cols, attrs: .bold)

        guard let picture = picture(slot: panel.slot, s, singlePanel: layout.arrangement == .single) else {
            let note = placeholder(slot: panel.slot, s)
            let ny = panel.imageY + panel.rows / 2
            let nx = panel.x + max(0, (panel.cols - note.unicodeScalars.count) / 2)
            grid.put(note, x: nx, y: ny, maxWidth: panel.cols, attrs: .dim)
            return
        }
        let cells = picture.cells(cols: panel.cols, rows: panel.rows, gridSize: layout.gridSize,
                                  glyphs: s.glyphs, colors: s.colors, dither: s.dither)
        guard cells.count == panel.cols * panel.rows else { return }
        for y in 0..<panel.rows {
            for x in 0..<panel.cols { grid[panel.x + x, panel.imageY + y] = cells[y * panel.cols + x] }
        }
    }

    static func placeholder(slot: Int, _ s: ExplorerState) -> String {
        if s.images.isEmpty { return "no image" }
        if s.original == nil { return s.currentImage?.failure == nil ? "reading…" : "unreadable" }
        return "computing…"
    }

    /// What a panel shows, or nil while it is not known yet.
    static func picture(slot: Int, _ s: ExplorerState, singlePanel: Bool) -> PanelPicture? {
        let cursor = s.cursorVisible && (slot == 1 || singlePanel) && !s.compare ? s.cursor : nil
        if s.compare {
            guard let shown = s.shown, shown.compareRatios.count == 4 else { return nil }
            return PanelPicture(image: shown.panels[slot].pasted, grid: s.showGrid)
        }
        guard let original = s.original else { return nil }
        switch slot {
        case 0:
            return PanelPicture(image: original, grid: s.showGrid, cursor: cursor)
        case 1:
            return PanelPicture(image: original, hidden: s.mask, grid: s.showGrid, cursor: cursor)
        case 2:
            guard let p = s.shownPanels else { return nil }
            var heat: [Float]?
            if s.showHeatmap {
                let top = p.patchErrors.max() ?? 0
                heat = p.patchErrors.map { top > 0 ? $0 / top : 0 }
            }
            return PanelPicture(image: p.reconstruction, heat: heat, grid: s.showGrid, cursor: cursor)
        default:
            guard let p = s.shownPanels else { return nil }
            return PanelPicture(image: p.pasted, grid: s.showGrid, cursor: cursor)
        }
    }

    static func drawStatus(_ s: ExplorerState, _ layout: ScreenLayout, into grid: inout CellGrid) {
        let y = layout.statusY
        var lines = StatusBar.pack(StatusBar.fields(s), width: s.width, maxLines: 2)
        let second = s.message.map { " " + $0 } ?? (lines.count > 1 ? lines[1] : StatusBar.hint(s))
        lines = [lines.first ?? "", second]
        grid.fill(x: 0, y: y, width: s.width, height: 1, with: Cell(" ", attrs: .reverse))
        grid.put(lines[0], x: 0, y: y, maxWidth: s.width, attrs: .reverse)
        grid.put(lines[1], x: 0, y: y + 1, maxWidth: s.width, attrs: s.message != nil ? .bold : .dim)
    }
}
