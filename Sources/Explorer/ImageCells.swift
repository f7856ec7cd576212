import Imaging

/// Encodes a picture, already resampled to the sub-pixel grid of a glyph mode, into cells.
/// Pure: the same pixels, glyph mode and colour mode give the same cells.
public enum ImageCells {
    /// `subpixels` is [rows·sy, cols·sx, 3] for the glyph mode's (sx, sy); returns cols × rows
    /// cells, row-major. Dither positions are sub-pixel (half blocks) or cell (sextants)
    /// coordinates relative to the picture, so a picture dithers the same wherever it is drawn.
    /// `flat(cx, cy)` true: the cell is drawn without dithering (a flat area such as a hidden
    /// patch, which should read as one colour).
    public static func encode(_ subpixels: RGBImage, glyphs: GlyphMode, colors: ColorMode, dither: Dither = .standard,
                              flat: ((Int, Int) -> Bool)? = nil) -> [Cell] {
        let (sx, sy) = glyphs.subpixels
        let cols = subpixels.width / sx, rows = subpixels.height / sy
        let q = ColorQuantizer(mode: colors, dither: dither)
        var cells = [Cell](repeating: .blank, count: cols * rows)
        let p = subpixels.pixels
        @inline(__always) func px(_ x: Int, _ y: Int) -> (Float, Float, Float) {
            let i = (y * subpixels.width + x) * 3
            return (p[i], p[i + 1], p[i + 2])
        }
        for cy in 0..<rows {
            for cx in 0..<cols {
                let dither = !(flat?(cx, cy) ?? false)
                let cell: Cell
                if colors == .mono && !dither {
                    // One bit per sub-pixel cannot show a flat grey as flat: a light shade says
                    // "hidden" instead of a dither pattern that looks like picture.
                    cells[cy * cols + cx] = Cell(glyphs == .ascii ? ":" : "\u{2591}")
                    continue
                }
                switch glyphs {
                case .halfBlock:
                    let top = px(cx, 2 * cy), bottom = px(cx, 2 * cy + 1)
                    if colors == .mono {
                        let t = ColorQuantizer.lit(top.0, top.1, top.2, x: cx, y: 2 * cy)
                        let b = ColorQuantizer.lit(bottom.0, bottom.1, bottom.2, x: cx, y: 2 * cy + 1)
                        cell = Cell(t ? (b ? Cell.fullBlock : Cell.upperHalf) : (b ? Cell.lowerHalf : " "))
                    } else {
                        cell = Cell(Cell.upperHalf,
                                    fg: q.color(top.0, top.1, top.2, x: cx, y: 2 * cy, dither: dither),
                                    bg: q.color(bottom.0, bottom.1, bottom.2, x: cx, y: 2 * cy + 1, dither: dither))
                    }
                case .sextant:
                    var six = [(Float, Float, Float)](repeating: (0, 0, 0), count: 6)
                    for k in 0..<6 { six[k] = px(2 * cx + (k & 1), 3 * cy + (k >> 1)) }
                    if colors == .mono {
                        var bits = 0
                        for k in 0..<6 where ColorQuantizer.lit(six[k].0, six[k].1, six[k].2,
                                                                x: 2 * cx + (k & 1), y: 3 * cy + (k >> 1)) {
                            bits |= 1 << k
                        }
                        cell = Cell(Sextant.glyph(bits))
                    } else {
                        let best = Sextant.bestPartition(six)
                        cell = Cell(Sextant.glyph(best.mask),
                                    fg: q.color(best.fg.0, best.fg.1, best.fg.2, x: cx, y: cy, dither: dither),
                                    bg: q.color(best.bg.0, best.bg.1, best.bg.2, x: cx, y: cy, dither: dither))
                    }
                case .ascii:
                    let top = px(cx, 2 * cy), bottom = px(cx, 2 * cy + 1)
                    let r = (top.0 + bottom.0) / 2, g = (top.1 + bottom.1) / 2, b = (top.2 + bottom.2) / 2
                    if colors == .mono {
                        cell = Cell(AsciiRamp.glyph(r, g, b, x: cx, y: cy))
                    } else {
                        cell = Cell(" ", fg: .standard, bg: q.color(r, g, b, x: cx, y: cy, dither: dither))
                    }
                }
                cells[cy * cols + cx] = cell
            }
        }
        return cells
    }
}

/// The 2×3 sextant glyphs. Sub-pixel k (row-major: 0 top-left, 1 top-right, … 5 bottom-right)
/// is bit 1 << k, Unicode's own numbering of BLOCK SEXTANT-1…6.
public enum Sextant {
    /// The glyph whose foreground covers the sub-pixels in `bits` (0...63).
    public static func glyph(_ bits: Int) -> Unicode.Scalar {
        switch bits {
        case 0: return " "
        case 63: return Cell.fullBlock
        case 21: return "\u{258C}"  // left half: its own code point, not in the sextant block
        case 42: return "\u{2590}"  // right half
        default:
            let offset = bits - 1 - (bits > 21 ? 1 : 0) - (bits > 42 ? 1 : 0)
            return Unicode.Scalar(0x1FB00 + UInt32(offset))!
        }
    }

    /// The best of the 32 two-way partitions of six sub-pixels: each side is drawn in its mean
    /// colour, and the partition with the least squared error wins (the first one on ties).
    /// `mask` is the foreground set; it never holds sub-pixel 5, which fixes one of each
    /// complementary pair. Mask 0 is the flat cell (everything in the background).
    public static func bestPartition(_ px: [(Float, Float, Float)])
        -> (mask: Int, fg: (Float, Float, Float), bg: (Float, Float, Float)) {
        // Least squared error = Σ|x|² − |S_fg|²/n_fg − |S_bg|²/n_bg: maximise the subtracted part.
        var total: (Float, Float, Float) = (0, 0, 0)
        for p in px { total.0 += p.0; total.1 += p.1; total.2 += p.2 }
        var bestMask = 0
        var bestScore = (total.0 * total.0 + total.1 * total.1 + total.2 * total.2) / 6
        var bestFg = total, bestNf: Float = 0
        for mask in 1..<32 {
            var s: (Float, Float, Float) = (0, 0, 0)
            var n: Float = 0
            for k in 0..<5 where mask & (1 << k) != 0 {
                s.0 += px[k].0; s.1 += px[k].1; s.2 += px[k].2; n += 1
            }
            let o = (total.0 - s.0, total.1 - s.1, total.2 - s.2)
            let score = (s.0 * s.0 + s.1 * s.1 + s.2 * s.2) / n + (o.0 * o.0 + o.1 * o.1 + o.2 * o.2) / (6 - n)
            if score > bestScore * (1 + 1e-6) + 1e-9 {
                bestScore = score; bestMask = mask; bestFg = s; bestNf = n
            }
        }
        if bestMask == 0 {
            let mean = (total.0 / 6, total.1 / 6, total.2 / 6)
            return (0, mean, mean)
        }
        let nb = 6 - bestNf
        return (bestMask,
                (bestFg.0 / bestNf, bestFg.1 / bestNf, bestFg.2 / bestNf),
                ((total.0 - bestFg.0) / nb, (total.1 - bestFg.1) / nb, (total.2 - bestFg.2) / nb))
    }
}

/// Monochrome without block glyphs: a density ramp of ASCII characters, dithered.
enum AsciiRamp {
    static let ramp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    static func glyph(_ r: Float, _ g: Float, _ b: Float, x: Int, y: Int) -> Unicode.Scalar {
        let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let steps = Float(ramp.count - 1)
        let v = luma * steps + ColorQuantizer.threshold(x: x, y: y)
        return ramp[max(0, min(ramp.count - 1, Int(v.rounded())))]
    }
}
