import Imaging

/// Area-averaging resampling: every output pixel is the mean of the input area it covers.
/// At integer ratios this is the plain box filter (k×k means down, copies up), which keeps patch
/// borders on cell borders; other ratios weigh the pixels cut by an edge by the area they keep.
public enum BoxFilter {
    /// One output index's input pixels and weights (summing to 1).
    struct Taps {
        var first: Int
        var weights: [Float]
    }

    static func taps(from inputCount: Int, to outputCount: Int) -> [Taps] {
        let scale = Double(inputCount) / Double(outputCount)
        return (0..<outputCount).map { o in
            let start = Double(o * inputCount) / Double(outputCount)
            let end = Double((o + 1) * inputCount) / Double(outputCount)
            let first = Int(start.rounded(.down))
            let last = min(inputCount - 1, Int(end.rounded(.up)) - 1)
            var weights: [Float] = []
            for i in first...max(first, last) {
                let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                weights.append(overlap > 1e-12 ? Float(overlap / scale) : 0)
            }
            return Taps(first: first, weights: weights)
        }
    }

    /// `image` resampled to width × height. Shapes: [H, W, 3] → [height, width, 3].
    public static func resample(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        guard width > 0, height > 0, image.width > 0, image.height > 0 else {
            return RGBImage(width: max(0, width), height: max(0, height))
        }
        if width == image.width && height == image.height { return image }
        let xTaps = taps(from: image.width, to: width)
        let yTaps = taps(from: image.height, to: height)
        // Horizontal pass: [H, W, 3] → [H, width, 3].
        var rows = [Float](repeating: 0, count: image.height * width * 3)
        image.pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for y in 0..<image.height {
                    let srcRow = y * image.width * 3, dstRow = y * width * 3
                    for x in 0..<width {
                        let t = xTaps[x]
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for (k, w) in t.weights.enumerated() where w != 0 {
                            let s = srcRow + (t.first + k) * 3
                            r += w * src[s]; g += w * src[s + 1]; b += w * src[s + 2]
                        }
                        dst[dstRow + x * 3] = r; dst[dstRow + x * 3 + 1] = g; dst[dstRow + x * 3 + 2] = b
                    }
                }
            }
        }
        // Vertical pass: [H, width, 3] → [height, width, 3].
        var out = [Float](repeating: 0, count: height * width * 3)
        rows.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let stride = width * 3
                for y in 0..<height {
                    let t = yTaps[y]
                    for (k, w) in t.weights.enumerated() where w != 0 {
                        let s = (t.first + k) * stride, d = y * stride
                        for i in 0..<stride { dst[d + i] += w * src[s + i] }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
