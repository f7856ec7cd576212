/// `image` mirrored left to right (torchvision's RandomHorizontalFlip when it flips).
public func flippedHorizontally(_ image: RGBImage) -> RGBImage {
    let (width, height) = (image.width, image.height)
    var pixels = image.pixels
    pixels.withUnsafeMutableBufferPointer { out in
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                let row = src.baseAddress! + y * width * 3
                let outRow = out.baseAddress! + y * width * 3
                for x in 0..<width {
                    let s = row + (width - 1 - x) * 3
                    outRow[3 * x] = s[0]; outRow[3 * x + 1] = s[1]; outRow[3 * x + 2] = s[2]
                }
            }
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
