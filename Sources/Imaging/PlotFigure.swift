/// A Plot drawn in pixels, for slides: white page, title and legend on top, y tick labels on the
/// left, x tick labels and the x label below, light grid lines at the ticks. Lines are 3 px wide
/// (dashes 14 px on, 8 off); bands are their colour at a quarter strength over what is below;
/// markers are 11 px squares with a min–max bar. Text is BitmapFont at twice its size, so only
/// its characters show (capitals as lowercase).
public func plotFigure(_ plot: Plot, width: Int = 960, height: Int = 600) -> RGBImage {
    var canvas = PixelCanvas(RGBImage(width: width, height: height, fill: (1, 1, 1)))
    let f = 2, glyphH = BitmapFont.glyphHeight * f
    let ink: (Float, Float, Float) = (0.15, 0.15, 0.15)
    let faint: (Float, Float, Float) = (0.88, 0.88, 0.88)

    var top = 12
    BitmapFont.draw(plot.title, into: &canvas.image, x: 16, y: top, scale: f, colour: ink)
    top += glyphH + 10
    // Legend: a short sample of each labelled series' style, then its label, wrapping by row.
    var lx = 16
    for s in plot.series where !s.label.isEmpty {
        let needed = 40 + BitmapFont.width(of: s.label, scale: f) + 24
        if lx + needed > width - 16 { lx = 16; top += glyphH + 8 }
        let c = unit(s.colour), y = top + glyphH / 2
        switch s.style {
        case .solid: canvas.line(lx, y, lx + 32, y, colour: c)
        case .dashed: canvas.line(lx, y, lx + 32, y, colour: c, dashed: true)
        case .band: canvas.fill(lx, y - 6, 32, 12, colour: c, alpha: 0.25)
        case .marker: canvas.fill(lx + 11, y - 5, 11, 11, colour: c)
        }
        BitmapFont.draw(s.label, into: &canvas.image, x: lx + 40, y: top, scale: f, colour: ink)
        lx += needed
    }
    top += glyphH + 14
    BitmapFont.draw(plot.yLabel, into: &canvas.image, x: 16, y: top, scale: f, colour: ink)
    top += glyphH + 8

    guard let yRange = plot.yRange else {
        BitmapFont.draw("no data", into: &canvas.image, x: width / 2 - 40, y: height / 2, scale: f, colour: ink)
        return canvas.image
    }
    let yTicks = plot.yTicks(count: 6)
    let yLabels = yTicks.map(NiceTicks.label)
    let left = 24 + (yLabels.map { BitmapFont.width(of: $0, scale: f) }.max() ?? 0)
    let right = width - 24
    let bottom = height - 2 * glyphH - 30
    guard right > left + 20, bottom > top + 20 else { return canvas.image }
    let x0 = plot.xRange.lowerBound, x1 = plot.xRange.upperBound
    let y0 = yRange.lowerBound, y1 = yRange.upperBound
    func px(_ x: Double) -> Int { left + Int(((x - x0) / max(x1 - x0, 1e-12) * Double(right - left)).rounded()) }
    func py(_ y: Double) -> Int { bottom - Int(((y - y0) / max(y1 - y0, 1e-12) * Double(bottom - top)).rounded()) }

    for (tick, label) in zip(yTicks, yLabels) {
        let y = py(tick)
        canvas.line(left, y, right, y, colour: faint, thickness: 1)
        BitmapFont.draw(label, into: &canvas.image, x: left - 10 - BitmapFont.width(of: label, scale: f),
                        y: y - glyphH / 2 + 1, scale: f, colour: ink)
    }
    for tick in plot.xTicks where plot.xRange.contains(tick.value) {
        let x = px(tick.value)
        canvas.line(x, top, x, bottom, colour: faint, thickness: 1)
        BitmapFont.draw(tick.label, into: &canvas.image, x: x - BitmapFont.width(of: tick.label, scale: f) / 2,
                        y: bottom + 8, scale: f, colour: ink)
    }
    BitmapFont.draw(plot.xLabel, into: &canvas.image, x: (left + right - BitmapFont.width(of: plot.xLabel, scale: f)) / 2,
                    y: bottom + glyphH + 18, scale: f, colour: ink)

    // Bands first, then the lines and marks over them, each in the plot's order.
    canvas.clip = (left, top, right, bottom)
    for s in plot.series {
        guard case .band(let low, let high) = s.style else { continue }
        let c = unit(s.colour)
        for i in 0..<max(0, min(s.xs.count, low.count, high.count) - 1) {
            let a = px(s.xs[i]), b = px(s.xs[i + 1])
            guard low[i].isFinite, high[i].isFinite, low[i + 1].isFinite, high[i + 1].isFinite, b > a else { continue }
            for x in a..<b {
                let t = Double(x - a) / Double(b - a)
                let lo = low[i] + t * (low[i + 1] - low[i]), hi = high[i] + t * (high[i + 1] - high[i])
                canvas.fill(x, py(hi), 1, py(lo) - py(hi) + 1, colour: c, alpha: 0.25)
            }
        }
    }
    for s in plot.series {
        let c = unit(s.colour)
        switch s.style {
        case .band: continue
        case .solid, .dashed:
            var last: (Int, Int)?
            for (x, y) in zip(s.xs, s.ys) {
                guard x.isFinite, y.isFinite else { last = nil; continue }
                let p = (px(x), py(y))
                if let a = last { canvas.line(a.0, a.1, p.0, p.1, colour: c, dashed: s.style == .dashed) }
                last = p
            }
        case .marker(let low, let high):
            for i in 0..<min(s.xs.count, s.ys.count) where s.ys[i].isFinite {
                let x = px(s.xs[i]), y = py(s.ys[i])
                if i < low.count, i < high.count, low[i].isFinite, high[i].isFinite {
                    canvas.line(x, py(low[i]), x, py(high[i]), colour: c, thickness: 2)
                    canvas.line(x - 6, py(low[i]), x + 6, py(low[i]), colour: c, thickness: 2)
                    canvas.line(x - 6, py(high[i]), x + 6, py(high[i]), colour: c, thickness: 2)
                }
                canvas.fill(x - 5, y - 5, 11, 11, colour: c)
            }
        }
    }
    canvas.clip = nil
    canvas.line(left, top, left, bottom, colour: ink, thickness: 2)
    canvas.line(left, bottom, right, bottom, colour: ink, thickness: 2)
    return canvas.image
}

private func unit(_ c: (UInt8, UInt8, UInt8)) -> (Float, Float, Float) {
    (Float(c.0) / 255, Float(c.1) / 255, Float(c.2) / 255)
}

/// Pixel drawing for plotFigure: rectangles (optionally blended) and thick, optionally dashed
/// lines, inside an optional clip rectangle (left, top, right, bottom, inclusive).
private struct PixelCanvas {
    var image: RGBImage
    var clip: (Int, Int, Int, Int)?

    init(_ image: RGBImage) { self.image = image }

    mutating func fill(_ x: Int, _ y: Int, _ w: Int, _ h: Int, colour: (Float, Float, Float), alpha: Float = 1) {
        let (l, t, r, b) = clip ?? (0, 0, image.width - 1, image.height - 1)
        let xLo = max(x, l, 0), xHi = min(x + w - 1, r, image.width - 1)
        let yLo = max(y, t, 0), yHi = min(y + h - 1, b, image.height - 1)
        guard xLo <= xHi, yLo <= yHi else { return }
        let xs = xLo...xHi, ys = yLo...yHi
        let c = [colour.0, colour.1, colour.2], width = image.width
        image.pixels.withUnsafeMutableBufferPointer { px in
            for yy in ys {
                for xx in xs {
                    for k in 0..<3 {
                        let i = (yy * width + xx) * 3 + k
                        px[i] = px[i] * (1 - alpha) + c[k] * alpha
                    }
                }
            }
        }
    }

    /// A line of `thickness` px squares along Bresenham's path; dashed: 14 px on, 8 px off,
    /// counted along the path.
    mutating func line(_ ax: Int, _ ay: Int, _ bx: Int, _ by: Int, colour: (Float, Float, Float),
                       thickness: Int = 3, dashed: Bool = false) {
        var x = ax, y = ay, step = 0
        let dx = abs(bx - ax), dy = -abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1
        var err = dx + dy
        let half = thickness / 2
        while true {
            if !dashed || step % 22 < 14 { fill(x - half, y - half, thickness, thickness, colour: colour) }
            if x == bx && y == by { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            step += 1
        }
    }
}
