/// The width × height window of `image` whose top-left corner is at (left, top); the parts
/// outside the image are black (0), as torchvision pads before cropping.
func cropped(_ image: RGBImage, left: Int, top: Int, width: Int, height: Int) -> RGBImage {
    precondition(width >= 0 && height >= 0, "crop to \(width)×\(height)")
    if left == 0 && top == 0 && width == image.width && height == image.height { return image }
    var pixels = [Float](repeating: 0, count: width * height * 3)
    // Columns of the window that lie inside the image: [x0, x1) in window coordinates.
    let x0 = min(max(-left, 0), width)
    let x1 = max(min(image.width - left, width), x0)
    pixels.withUnsafeMutableBufferPointer { out in
        image.pixels.withUnsafeBufferPointer { src in
            guard x1 > x0 else { return }
            for y in 0..<height {
                let sy = top + y
                guard sy >= 0 && sy < image.height else { continue }
                let from = src.baseAddress! + (sy * image.width + left + x0) * 3
                let to = out.baseAddress! + (y * width + x0) * 3
                to.update(from: from, count: (x1 - x0) * 3)
            }
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// The centred width × height window of `image`, as torchvision's `CenterCrop`:
/// top = round((H − height) / 2) and left = round((W − width) / 2), with Python's rounding
/// (halves to even: a 5-pixel margin puts 2 above and 3 below). A window larger than the
/// image is padded with black, (size − side) // 2 on the top or left.
public func centerCrop(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    cropped(image, left: centredOffset(image.width, width), top: centredOffset(image.height, height),
            width: width, height: height)
}

/// Where a window of `window` samples starts along a side of `side` samples (torchvision).
func centredOffset(_ side: Int, _ window: Int) -> Int {
    if window > side { return -((window - side) / 2) }
    return Int((Double(side - window) / 2).rounded(.toNearestOrEven))
}

/// torchvision's `Resize(side)` then `CenterCrop(side)`: the shorter side is scaled to `side`
/// (the longer to int(side · long / short), truncated as Python's int() does) with Pillow's
/// bicubic, then the centred side × side square is kept.
public func resizeAndCenterCrop(_ image: RGBImage, side: Int) -> RGBImage {
    precondition(side > 0, "resizeAndCenterCrop to side \(side)")
    let (w, h) = shorterSideSize(width: image.width, height: image.height, shorter: side)
    let resized = (w == image.width && h == image.height) ? image : resizeBicubic(image, width: w, height: h)
    return centerCrop(resized, width: side, height: side)
}

/// The size torchvision's Resize(shorter) gives a width × height image.
func shorterSideSize(width: Int, height: Int, shorter: Int) -> (width: Int, height: Int) {
    if width <= height {
        return (shorter, Int(Double(shorter) * Double(height) / Double(width)))
    }
    return (Int(Double(shorter) * Double(width) / Double(height)), shorter)
}
