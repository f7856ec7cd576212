/// The tour's rows above the panels: where the tour is and its keys, then the screen's
/// sentence wrapped at word boundaries, and on the masking screen the measured encoder times.
enum TourHeader {
    /// Rows above the panels while touring: the title row and three for the text.
    static let rows = 4

    static func draw(_ s: ExplorerState, _ tour: TourState, into grid: inout CellGrid) {
        let n = TourScreen.allCases.count
        let left = " maex tour \(tour.screen.rawValue + 1)/\(n) · \(tour.screen.title)"
        let right = "PgDn/Enter next · PgUp/Backspace back · ? keys "
        let used = grid.put(left, x: 0, y: 0, maxWidth: s.width, attrs: .bold)
        let short = "PgDn next · PgUp back "
        let hint = used + 1 + right.unicodeScalars.count <= s.width ? right : short
        if used + 1 + hint.unicodeScalars.count <= s.width {
            grid.put(hint, x: s.width - hint.unicodeScalars.count, y: 0, attrs: .dim)
        }
        let visible = s.mask.filter { !$0 }.count
        var lines = wrap(tour.screen.sentence(visible: visible, patches: s.mask.count, grid: s.gridSize), width: s.width - 2)
        let sentenceLines = lines.count
        if tour.screen == .randomMasking, let timing = tour.encoderTiming {
            lines += wrap(timing.line, width: s.width - 2)
        }
        for (i, line) in lines.prefix(rows - 1).enumerated() {
            grid.put(line, x: 1, y: 1 + i, maxWidth: s.width - 2, attrs: i >= sentenceLines ? .dim : [])
        }
    }

    /// `text` in lines of at most `width` cells, broken between words (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if candidate.unicodeScalars.count <= width {
                line = candidate
            } else {
                if !line.isEmpty { lines.append(line) }
                line = String(String.UnicodeScalarView(word.unicodeScalars.prefix(width)))
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
