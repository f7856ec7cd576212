/// Where everything goes on a screen of a given size: pure arithmetic, tested at many sizes.
///
/// Images are drawn at a whole number of cells per patch (`cellsPerPatch` columns by half as
/// many rows, since a half-block cell holds two square pixels), the largest that fits, also
/// below one pixel a cell (6 cells for an 8-pixel patch: BoxFilter averages the areas), so patch
/// borders fall on cell borders and a mouse cell maps to exactly one patch.
public struct ScreenLayout: Equatable, Sendable {
    public enum Arrangement: String, Sendable {
        /// Four panels side by side.
        case row
        /// Two by two.
        case grid
        /// Masked and reconstruction + visible, large (`z` once: for projectors).
        case pair
        /// One panel at a time (Tab cycles).
        case single
        /// The training charts alone, no panels.
        case charts
        /// Below the minimum size: one line of text and nothing else.
        case tooSmall
    }

    /// One panel: its slot (0 original, 1 masked, 2 reconstruction, 3 reconstruction + visible),
    /// its title row and its image rectangle in cells.
    public struct Panel: Equatable, Sendable {
        public var slot: Int
        public var x: Int
        public var titleY: Int
        public var imageY: Int
        public var cols: Int
        public var rows: Int
    }

    public static let minimumWidth = 40
    public static let minimumHeight = 12
    /// Rows above the panels (the header) and below them (the status bar).
    public static let headerRows = 1
    public static let statusRows = 2
    public static let columnGap = 2
    /// The fewest rows the training charts get below the panels.
    public static let minimumChartRows = 8

    /// What `z` shows: the four panels, two large ones, or one at a time.
    public enum Zoom: Sendable, Equatable, CaseIterable {
        case four, two, one

        /// The next level `z` moves to.
        public var next: Zoom { self == .four ? .two : self == .two ? .one : .four }
    }

    /// The slots the pair shows: masked, and reconstruction + visible.
    public static let pairSlots = [1, 3]

    /// Where the training charts go, if there are any.
    public enum Charts: Sendable, Equatable {
        case none
        /// Below the panels, when panels in a row or a grid leave them `minimumChartRows`;
        /// else the panels alone.
        case below
        /// Instead of the panels.
        case only
    }

    public var width: Int
    public var height: Int
    public var arrangement: Arrangement
    public var panels: [Panel]
    /// Patches per image side.
    public var gridSize: Int
    /// Cells per patch, columns (rows are half as many); nil when even 2 × 1 did not fit and the
    /// image was squeezed to the space (then patch borders may cut cells).
    public var cellsPerPatch: Int?
    /// The training charts' rectangle in cells, when they are shown.
    public var charts: Rect?

    public struct Rect: Equatable, Sendable {
        public var x, y, width, height: Int
    }

    public var statusY: Int { height - Self.statusRows }

    /// The layout for a width × height terminal and square images of `gridSize` patches of
    /// `patchSize` pixels; `focus` is the panel shown in single arrangement.
    /// `zoom`: two or one panel even when all four would fit, drawn as large as they go.
    /// `charts`: room for the training charts (see `Charts`).
    /// `headerRows`: rows above the panels (the tour's sentence takes more than the header's one).
    public init(width: Int, height: Int, gridSize: Int, patchSize: Int, focus: Int = 0, zoom: Zoom = .four,
                charts: Charts = .none, headerRows: Int = Self.headerRows) {
        self.width = width
        self.height = height
        self.gridSize = max(1, gridSize)
        panels = []
        cellsPerPatch = nil
        self.charts = nil
        arrangement = .tooSmall
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return }

        let g = self.gridSize
        let areaTop = headerRows
        let fullHeight = height - headerRows - Self.statusRows
        if charts == .only {
            arrangement = .charts
            self.charts = Rect(x: 0, y: areaTop, width: width, height: fullHeight)
            return
        }
        // With charts below, the panels keep to the top and leave the charts their rows.
        let below = charts == .below
        let areaHeight = below ? fullHeight - Self.minimumChartRows : fullHeight
        let gap = Self.columnGap
        let scales = Self.scales(patchSize: patchSize)
        func best(_ fits: (Int, Int) -> Bool) -> Int? {
            scales.first { fits(g * $0, g * $0 / 2) }
        }
        let row = best { cols, rows in 4 * cols + 3 * gap <= width && 1 + rows <= areaHeight }
        let grid = best { cols, rows in 2 * cols + gap <= width && 2 * (1 + rows) <= areaHeight }
        let single = best { cols, rows in cols <= width && 1 + rows <= areaHeight }
        let pair = best { cols, rows in 2 * cols + gap <= width && 1 + rows <= areaHeight }

        var cols: Int, rows: Int
        if below && row == nil && grid == nil {
            // No room for both: the panels alone, as without charts.
            self = ScreenLayout(width: width, height: height, gridSize: gridSize, patchSize: patchSize, focus: focus, zoom: zoom,
                                headerRows: headerRows)
            return
        }
        if zoom == .four && (row != nil || grid != nil) {
            let r = row ?? 0, q = grid ?? 0
            arrangement = r >= q ? .row : .grid
            cellsPerPatch = max(r, q)
            cols = g * max(r, q)
            rows = cols / 2
        } else if zoom == .two, let s = pair {
            arrangement = .pair
            cellsPerPatch = s
            cols = g * s
            rows = cols / 2
        } else if let s = single {
            arrangement = .single
            cellsPerPatch = s
            cols = g * s
            rows = cols / 2
        } else {
            // Squeezed: the largest 2:1 rectangle that fits; patch borders may fall inside cells.
            arrangement = .single
            rows = max(1, min(areaHeight - 1, width / 2))
            cols = 2 * rows
        }

        let across = arrangement == .row ? 4 : (arrangement == .grid || arrangement == .pair ? 2 : 1)
        let down = arrangement == .grid ? 2 : 1
        let blockWidth = across * cols + (across - 1) * gap
        let blockHeight = down * (1 + rows)
        let left = (width - blockWidth) / 2
        let top = below ? areaTop : areaTop + (areaHeight - blockHeight) / 2
        if below { self.charts = Rect(x: 0, y: top + blockHeight, width: width, height: fullHeight - blockHeight) }
        let slots = arrangement == .single ? [((focus % 4) + 4) % 4] : arrangement == .pair ? Self.pairSlots : [0, 1, 2, 3]
        for (i, slot) in slots.enumerated() {
            let cx = i % across, cy = i / across
            let x = left + cx * (cols + gap)
            let titleY = top + cy * (1 + rows)
            panels.append(Panel(slot: slot, x: x, titleY: titleY, imageY: titleY + 1, cols: cols, rows: rows))
        }
    }

    /// Cells per patch (columns, largest first): every even count from 8 cells a pixel down to
    /// 2, so that a patch's rows (half its columns) are whole too.
    static func scales(patchSize p: Int) -> [Int] {
        guard p > 0 else { return [] }
        return stride(from: 8 * p - (8 * p) % 2, through: 2, by: -2).map { $0 }
    }

    /// The panel and patch (row, column) under a cell, if the cell is on an image.
    public func patch(atX x: Int, y: Int) -> (slot: Int, row: Int, col: Int)? {
        for p in panels where x >= p.x && x < p.x + p.cols && y >= p.imageY && y < p.imageY + p.rows {
            return (p.slot, (y - p.imageY) * gridSize / p.rows, (x - p.x) * gridSize / p.cols)
        }
        return nil
    }

    /// The patch under a cell, clamped to the nearest patch of `panel` when the cell is outside
    /// it (so a drag that leaves the image keeps painting along its edge).
    public func clampedPatch(atX x: Int, y: Int, in panel: Panel) -> (row: Int, col: Int) {
        let cx = max(0, min(panel.cols - 1, x - panel.x))
        let cy = max(0, min(panel.rows - 1, y - panel.imageY))
        return (cy * gridSize / panel.rows, cx * gridSize / panel.cols)
    }

    /// The cell in the middle of a patch of a panel.
    public func centerCell(row: Int, col: Int, in panel: Panel) -> (x: Int, y: Int) {
        (panel.x + (2 * col + 1) * panel.cols / (2 * gridSize),
         panel.imageY + (2 * row + 1) * panel.rows / (2 * gridSize))
    }

    public func panel(slot: Int) -> Panel? { panels.first { $0.slot == slot } }
}
