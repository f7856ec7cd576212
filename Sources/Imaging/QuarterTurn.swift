/// `image` turned clockwise by `turns` quarter turns (any integer; 4 is the identity). With a
/// horizontal flip these give all 8 symmetries of a square picture.
public func turnedQuarter(_ image: RGBImage, turns: Int) -> RGBImage {
    let k = ((turns % 4) + 4) % 4
    if k == 0 { return image }
    let (w, h) = (image.width, image.height)
    let (outW, outH) = k == 2 ? (w, h) : (h, w)
    var pixels = [Float](repeating: 0, count: image.pixels.count)
    pixels.withUnsafeMutableBufferPointer { out in
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<outH {
                for x in 0..<outW {
                    // The source pixel that lands on (x, y) after k clockwise quarter turns.
                    let (sx, sy) = switch k {
                    case 1: (y, h - 1 - x)
                    case 2: (w - 1 - x, h - 1 - y)
                    default: (w - 1 - y, x)
                    }
                    let s = (sy * w + sx) * 3, o = (y * outW + x) * 3
                    out[o] = src[s]; out[o + 1] = src[s + 1]; out[o + 2] = src[s + 2]
                }
            }
        }
    }
    return RGBImage(width: outW, height: outH, pixels: pixels)
}
