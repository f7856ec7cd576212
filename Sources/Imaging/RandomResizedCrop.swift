#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// torchvision's `RandomResizedCrop(side, scale, ratio, interpolation=BICUBIC)`, the
/// training augmentation of MAE: pick a window with `cropWindow`, cut it out, resize it to
/// side × side with Pillow's bicubic.
public func randomResizedCrop<G: RandomNumberGenerator>(
    _ image: RGBImage, side: Int,
    scale: ClosedRange<Double> = 0.2...1.0, ratio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0),
    using rng: inout G
) -> RGBImage {
    precondition(side > 0, "randomResizedCrop to side \(side)")
    let window = cropWindow(width: image.width, height: image.height, scale: scale, ratio: ratio, using: &rng)
    let crop = cropped(image, left: window.left, top: window.top, width: window.width, height: window.height)
    return resizeBicubic(crop, width: side, height: side)
}

/// A window of a width × height image, in pixels.
struct CropWindow: Equatable {
    var left: Int
    var top: Int
    var width: Int
    var height: Int
}

/// torchvision's `RandomResizedCrop.get_params`: up to 10 tries of an area fraction uniform in
/// `scale` and an aspect ratio (w / h) log-uniform in `ratio`; sides are rounded as Python's
/// round() does (halves to even); the first window that fits is placed uniformly at random.
/// When none fits, the whole image, cut down to the nearest allowed ratio, centred
/// (offsets floored).
func cropWindow<G: RandomNumberGenerator>(width: Int, height: Int, scale: ClosedRange<Double>,
                                          ratio: ClosedRange<Double>, using rng: inout G) -> CropWindow {
    let area = Double(width * height)
    let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
    for _ in 0..<10 {
        let targetArea = area * Double.random(in: scale, using: &rng)
        let aspect = exp(Double.random(in: logRatio, using: &rng))
        let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
        let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
        if w > 0 && w <= width && h > 0 && h <= height {
            let top = Int.random(in: 0...(height - h), using: &rng)
            let left = Int.random(in: 0...(width - w), using: &rng)
            return CropWindow(left: left, top: top, width: w, height: h)
        }
    }
    let inRatio = Double(width) / Double(height)
    var (w, h) = (width, height)
    if inRatio < ratio.lowerBound {
        h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
    } else if inRatio > ratio.upperBound {
        w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
    }
    return CropWindow(left: (width - w) / 2, top: (height - h) / 2, width: w, height: h)
}
