/// The figure of the MAE paper's demo: images side by side (typically original, masked,
/// reconstruction, reconstruction with the visible patches pasted back), each enlarged by an
/// integer `scale` with nearest-neighbour sampling, a title above each, on white.
///
/// Layout, in output pixels, with f the font scale (1, or more for panels wider than 200 px):
/// a margin m = 8f around everything and between panels; a title row 8f high, centred over
/// its panel and cut to the panel's width; a gap of 4f; the panels, top-aligned.
/// With `gridLines`, the borders between patches (every patchSize source pixels) are drawn
/// 1 px wide in a subtle grey: the pixel is blended 40% towards mid grey, so the line shows on
/// light and dark patches alike without hiding them.
public func fourPanelFigure(panels: [(title: String, image: RGBImage)], patchSize: Int, scale: Int,
                            gridLines: Bool = true) -> RGBImage {
    precondition(scale >= 1, "fourPanelFigure scale \(scale)")
    let scaled = panels.map { scaledNearest($0.image, factor: scale) }
    let widest = scaled.map(\.width).max() ?? 0
    let fontScale = max(1, widest / 200)
    let margin = 8 * fontScale
    let titleHeight = BitmapFont.glyphHeight * fontScale
    let gap = 4 * fontScale
    let panelTop = margin + titleHeight + gap
    let width = margin * (scaled.count + 1) + scaled.reduce(0) { $0 + $1.width }
    let height = panelTop + (scaled.map(\.height).max() ?? 0) + margin

    var figure = RGBImage(width: width, height: height, fill: (1, 1, 1))
    var left = margin
    for (index, panel) in scaled.enumerated() {
        let cell = gridLines && patchSize > 0 ? patchSize * scale : 0
        paste(panel, into: &figure, left: left, top: panelTop, gridSpacing: cell)
        let title = fitted(panels[index].title, width: panel.width, fontScale: fontScale)
        let titleLeft = left + (panel.width - BitmapFont.width(of: title, scale: fontScale)) / 2
        BitmapFont.draw(title, into: &figure, x: titleLeft, y: margin, scale: fontScale, colour: (0.15, 0.15, 0.15))
        left += panel.width + margin
    }
    return figure
}

/// The longest prefix of `title` that fits in `width` pixels.
private func fitted(_ title: String, width: Int, fontScale: Int) -> String {
    var text = title
    while !text.isEmpty && BitmapFont.width(of: text, scale: fontScale) > width { text.removeLast() }
    return text
}

/// Copies `panel` into `figure` at (left, top); with gridSpacing > 0, pixels on the first
/// row or column of each patch after the first are blended towards grey.
private func paste(_ panel: RGBImage, into figure: inout RGBImage, left: Int, top: Int, gridSpacing: Int) {
    let figureWidth = figure.width
    figure.pixels.withUnsafeMutableBufferPointer { out in
        panel.pixels.withUnsafeBufferPointer { src in
            for y in 0..<panel.height {
                let row = src.baseAddress! + y * panel.width * 3
                let outRow = out.baseAddress! + ((top + y) * figureWidth + left) * 3
                outRow.update(from: row, count: panel.width * 3)
                guard gridSpacing > 0 else { continue }
                let rowIsLine = y > 0 && y % gridSpacing == 0
                let columns = rowIsLine ? stride(from: 0, to: panel.width, by: 1)
                                        : stride(from: gridSpacing, to: panel.width, by: gridSpacing)
                for x in columns {
                    for c in 0..<3 { outRow[3 * x + c] = outRow[3 * x + c] * 0.6 + 0.5 * 0.4 }
                }
            }
        }
    }
}
