import Imaging

/// One panel's picture and what is drawn over it, turned into cells at a given size.
public struct PanelPicture: Sendable {
    /// The image at the model's side, S×S, 0...1.
    public var image: RGBImage
    /// Patches drawn in the mask colour instead of the image ([L], true = hidden).
    public var hidden: [Bool]?
    /// Per-patch values in 0...1 drawn as a heat overlay ([L]).
    public var heat: [Float]?
    public var grid = false
    public var cursor: (row: Int, col: Int)?

    /// Hidden patches show ImageNet's mean colour: what the model's zero input looks like once
    /// de-normalised, as in the authors' figures.
    public static let maskColor: (Float, Float, Float) = (0.485, 0.456, 0.406)

    public init(image: RGBImage, hidden: [Bool]? = nil, heat: [Float]? = nil, grid: Bool = false,
                cursor: (row: Int, col: Int)? = nil) {
        self.image = image
        self.hidden = hidden
        self.heat = heat
        self.grid = grid
        self.cursor = cursor
    }

    /// cols × rows cells for `gridSize` patches a side.
    public func cells(cols: Int, rows: Int, gridSize g: Int, glyphs: GlyphMode, colors: ColorMode,
                      dither: Dither = .standard) -> [Cell] {
        guard cols > 0, rows > 0, image.width > 0, g > 0 else { return [] }
        var full = image
        let p = image.width / g
        if hidden != nil || heat != nil {
            full.pixels.withUnsafeMutableBufferPointer { px in
                for pr in 0..<g {
                    for pc in 0..<g {
                        let k = pr * g + pc
                        let hide = hidden.map { $0.indices.contains(k) && $0[k] } ?? false
                        let h = heat.flatMap { $0.indices.contains(k) ? $0[k] : nil }
                        guard hide || h != nil else { continue }
                        let c = hide ? Self.maskColor : Heatmap.color(h!)
                        let keep: Float = hide ? 0 : 0.35  // the heat overlay lets the picture show through
                        for y in (pr * p)..<min(image.height, pr * p + p) {
                            for x in (pc * p)..<min(image.width, pc * p + p) {
                                let i = (y * image.width + x) * 3
                                px[i] = keep * px[i] + (1 - keep) * c.0
                                px[i + 1] = keep * px[i + 1] + (1 - keep) * c.1
                                px[i + 2] = keep * px[i + 2] + (1 - keep) * c.2
                            }
                        }
                    }
                }
            }
        }
        let (sx, sy) = glyphs.subpixels
        var sub = BoxFilter.resample(full, width: cols * sx, height: rows * sy)
        if grid || cursor != nil { drawLines(&sub, gridSize: g) }
        // Cells wholly inside hidden patches (every patch they touch is hidden) stay flat.
        let flat: ((Int, Int) -> Bool)? = hidden.map { hidden in
            { cx, cy in
                let c0 = cx * g / cols, c1 = ((cx + 1) * g - 1) / cols
                let r0 = cy * g / rows, r1 = ((cy + 1) * g - 1) / rows
                for r in r0...r1 { for c in c0...c1 where !(hidden.indices.contains(r * g + c) && hidden[r * g + c]) { return false } }
                return true
            }
        }
        return ImageCells.encode(sub, glyphs: glyphs, colors: colors, dither: dither, flat: flat)
    }

    /// Patch borders (one sub-pixel wide, lightening dark pixels and darkening light ones) and
    /// the cursor's frame, on the sub-pixel picture.
    func drawLines(_ sub: inout RGBImage, gridSize g: Int) {
        let w = sub.width, h = sub.height
        // Below 4 sub-pixels a patch the lines would be a third of the picture or more: a
        // lattice, not a picture with a grid over it.
        let grid = self.grid && w >= 4 * g && h >= 4 * g
        func patchOf(_ v: Int, _ n: Int) -> Int { v * g / n }
        func startsPatch(_ v: Int, _ n: Int) -> Bool { v == 0 || patchOf(v, n) != patchOf(v - 1, n) }
        func endsPatch(_ v: Int, _ n: Int) -> Bool { v == n - 1 || patchOf(v, n) != patchOf(v + 1, n) }
        sub.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<h {
                let pr = patchOf(y, h)
                for x in 0..<w {
                    let pc = patchOf(x, w)
                    let i = (y * w + x) * 3
                    if let c = cursor, c.row == pr, c.col == pc,
                       startsPatch(x, w) || endsPatch(x, w) || startsPatch(y, h) || endsPatch(y, h) {
                        px[i] = 1; px[i + 1] = 0.85; px[i + 2] = 0.1
                    } else if grid, (x > 0 && startsPatch(x, w)) || (y > 0 && startsPatch(y, h)) {
                        let luma = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2]
                        let target: Float = luma > 0.5 ? 0 : 1
                        for k in 0..<3 { px[i + k] = 0.65 * px[i + k] + 0.35 * target }
                    }
                }
            }
        }
    }
}
