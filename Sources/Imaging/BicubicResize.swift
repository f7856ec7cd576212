#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resizes with Pillow's BICUBIC filter (`Image.resize(size, Image.BICUBIC)`), which is what
/// torchvision's `InterpolationMode.BICUBIC` runs on PIL images and so what MAE trained on.
///
/// Pillow's semantics, followed step by step: a separable convolution, horizontal pass first;
/// the cubic kernel with a = −0.5 and support 2; when shrinking, the kernel is stretched by
/// the scale factor (support 2·scale) so that it averages, i.e. antialiases; each output
/// sample's taps are those input samples whose centres fall within the support, clipped to
/// the image (no edge replication), and the weights of the remaining taps are divided by their
/// sum. Like Pillow's 8-bit path, each pass clamps to 0...1. Output is within ±1 level of
/// Pillow on 8-bit images (Pillow also rounds to 8 bits between passes; this keeps Floats).
public func resizeBicubic(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    precondition(width > 0 && height > 0, "resizeBicubic to \(width)×\(height)")
    precondition(image.width > 0 && image.height > 0, "resizeBicubic of an empty image")
    if width == image.width && height == image.height { return image }

    let vertical = ResampleCoefficients(inSize: image.height, outSize: height)
    // Only the source rows that the vertical pass reads need the horizontal pass.
    let firstRow = vertical.first[0]
    let lastRow = vertical.first[height - 1] + vertical.count[height - 1]
    var horizontal: [Float]
    var rowOffset = 0
    if width != image.width {
        let coefficients = ResampleCoefficients(inSize: image.width, outSize: width)
        horizontal = resampleRows(image.pixels, inWidth: image.width, rows: firstRow..<lastRow, with: coefficients)
        rowOffset = firstRow
    } else {
        horizontal = image.pixels
    }
    if height == image.height { return RGBImage(width: width, height: height, pixels: horizontal) }
    let pixels = resampleColumns(horizontal, width: width, firstRow: rowOffset, outHeight: height, with: vertical)
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// Pillow's `precompute_coeffs` for BICUBIC: for output sample i, input samples
/// first[i] ..< first[i] + count[i] with weights[i * kernelSize ..< i * kernelSize + count[i]].
struct ResampleCoefficients {
    let first: [Int]
    let count: [Int]
    let kernelSize: Int
    let weights: [Float]

    static let support = 2.0

    /// The cubic convolution kernel with a = −0.5 (Keys), as in Pillow's bicubic_filter.
    static func kernel(_ t: Double) -> Double {
        let a = -0.5
        let x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    init(inSize: Int, outSize: Int) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = Self.support * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Float](repeating: 0, count: outSize * kernelSize)
        var taps = [Double](repeating: 0, count: kernelSize)
        for i in 0..<outSize {
            let center = (Double(i) + 0.5) * scale
            // Pillow rounds with (int)(x + 0.5), which truncates towards zero.
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inSize)
            var sum = 0.0
            for x in lo..<hi {
                let w = Self.kernel((Double(x) - center + 0.5) / filterScale)
                taps[x - lo] = w
                sum += w
            }
            for x in lo..<hi {
                weights[i * kernelSize + x - lo] = Float(sum != 0 ? taps[x - lo] / sum : taps[x - lo])
            }
            first[i] = lo
            count[i] = hi - lo
        }
        self.first = first
        self.count = count
        self.kernelSize = kernelSize
        self.weights = weights
    }
}

/// Horizontal pass: source rows `rows` of an [inHeight, inWidth, 3] image to
/// [rows.count, outWidth, 3], clamped to 0...1.
private func resampleRows(_ source: [Float], inWidth: Int, rows: Range<Int>,
                          with c: ResampleCoefficients) -> [Float] {
    let outWidth = c.first.count
    let total = rows.count * outWidth * 3
    return [Float](unsafeUninitializedCapacity: total) { out, initialized in
        source.withUnsafeBufferPointer { src in
            c.weights.withUnsafeBufferPointer { weights in
                c.first.withUnsafeBufferPointer { first in
                    c.count.withUnsafeBufferPointer { count in
                        for (r, y) in rows.enumerated() {
                            let row = src.baseAddress! + y * inWidth * 3
                            let outRow = out.baseAddress! + r * outWidth * 3
                            for x in 0..<outWidth {
                                let w = weights.baseAddress! + x * c.kernelSize
                                let p = row + first[x] * 3
                                var r0: Float = 0, g0: Float = 0, b0: Float = 0
                                for k in 0..<count[x] {
                                    r0 += w[k] * p[3 * k]
                                    g0 += w[k] * p[3 * k + 1]
                                    b0 += w[k] * p[3 * k + 2]
                                }
                                outRow[3 * x] = clampUnit(r0)
                                outRow[3 * x + 1] = clampUnit(g0)
                                outRow[3 * x + 2] = clampUnit(b0)
                            }
                        }
                    }
                }
            }
        }
        initialized = total
    }
}

/// Vertical pass: [rows, width, 3] whose row 0 is source row `firstRow` to
/// [outHeight, width, 3], clamped to 0...1. Each output row is a weighted sum of whole rows,
/// a contiguous loop the compiler vectorises.
private func resampleColumns(_ source: [Float], width: Int, firstRow: Int, outHeight: Int,
                             with c: ResampleCoefficients) -> [Float] {
    let rowLength = width * 3
    let total = outHeight * rowLength
    return [Float](unsafeUninitializedCapacity: total) { out, initialized in
        source.withUnsafeBufferPointer { src in
            c.weights.withUnsafeBufferPointer { weights in
                for y in 0..<outHeight {
                    let outRow = out.baseAddress! + y * rowLength
                    outRow.initialize(repeating: 0, count: rowLength)
                    for k in 0..<c.count[y] {
                        let w = weights[y * c.kernelSize + k]
                        let row = src.baseAddress! + (c.first[y] + k - firstRow) * rowLength
                        for i in 0..<rowLength { outRow[i] += w * row[i] }
                    }
                    for i in 0..<rowLength { outRow[i] = clampUnit(outRow[i]) }
                }
            }
        }
        initialized = total
    }
}

@inline(__always)
func clampUnit(_ v: Float) -> Float {
    v > 0 ? (v < 1 ? v : 1) : 0
}
