/// A patch mask spread out to pixels, for the inpainting baselines (Imaging does not know MAE's
/// PatchMask: it takes the same row-major flags, true = hidden).
///
/// The patch grid is ⌊width / patchSize⌋ × ⌊height / patchSize⌋ patches from the top-left corner;
/// `masked` holds one flag per patch, k = row · columns + col. Pixels right of or below the grid
/// (when a side is not a multiple of the patch size) count as visible.
struct InpaintingMask {
    let width: Int
    let height: Int
    /// [height, width]: 1 where the pixel is visible, 0 where it is hidden. Float so that it is the
    /// weight plane of the normalised convolution as it is.
    let visibility: [Float]
    let hiddenCount: Int

    init(masked: [Bool], patchSize p: Int, width: Int, height: Int) {
        precondition(p >= 1, "inpainting: patch size \(p) must be at least 1")
        let columns = width / p, rows = height / p
        precondition(masked.count == columns * rows,
                     "inpainting: \(masked.count) mask flags for a \(columns) × \(rows) patch grid (\(width) × \(height) px, patch \(p))")
        self.width = width
        self.height = height
        var visibility = [Float](repeating: 1, count: width * height)
        var hidden = 0
        visibility.withUnsafeMutableBufferPointer { v in
            for k in 0..<masked.count where masked[k] {
                let top = (k / columns) * p, left = (k % columns) * p
                for y in top..<(top + p) {
                    let row = v.baseAddress! + y * width + left
                    for x in 0..<p { row[x] = 0 }
                }
                hidden += p * p
            }
        }
        self.visibility = visibility
        hiddenCount = hidden
    }

    var visibleCount: Int { width * height - hiddenCount }

    /// The mean colour of the visible pixels, or nil when none is visible.
    func visibleMean(_ image: RGBImage) -> (Float, Float, Float)? {
        guard visibleCount > 0 else { return nil }
        // Double sums: a 224² image has 50k terms per channel.
        var sum = (0.0, 0.0, 0.0)
        image.pixels.withUnsafeBufferPointer { px in
            visibility.withUnsafeBufferPointer { v in
                for i in 0..<(width * height) where v[i] != 0 {
                    sum.0 += Double(px[3 * i]); sum.1 += Double(px[3 * i + 1]); sum.2 += Double(px[3 * i + 2])
                }
            }
        }
        let n = Double(visibleCount)
        return (Float(sum.0 / n), Float(sum.1 / n), Float(sum.2 / n))
    }
}
