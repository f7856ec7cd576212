/// `image` enlarged by an integer `factor`: each pixel becomes a factor × factor block.
public func scaledNearest(_ image: RGBImage, factor: Int) -> RGBImage {
    precondition(factor >= 1, "scaledNearest by \(factor)")
    if factor == 1 { return image }
    let (width, height) = (image.width * factor, image.height * factor)
    let total = width * height * 3
    let pixels = [Float](unsafeUninitializedCapacity: total) { out, initialized in
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let row = src.baseAddress! + y * image.width * 3
                let outRow = out.baseAddress! + y * factor * width * 3
                for x in 0..<image.width {
                    for k in 0..<factor {
                        let o = outRow + (x * factor + k) * 3
                        o[0] = row[3 * x]; o[1] = row[3 * x + 1]; o[2] = row[3 * x + 2]
                    }
                }
                // The other factor − 1 rows of the block repeat the first.
                for k in 1..<factor {
                    (outRow + k * width * 3).initialize(from: outRow, count: width * 3)
                }
            }
        }
        initialized = total
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
