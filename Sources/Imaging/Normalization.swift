/// The per-channel statistics of ImageNet that MAE normalises its inputs with
/// (torchvision's `Normalize(mean, std)`), red, green, blue.
public enum ImageNet {
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    public static let std: [Float] = [0.229, 0.224, 0.225]
}

/// The model's input tensor for `image`: [3, H, W] planes of (v − mean[c]) / std[c].
public func normalizedCHW(_ image: RGBImage) -> [Float] {
    let plane = image.width * image.height
    return [Float](unsafeUninitializedCapacity: 3 * plane) { out, initialized in
        image.pixels.withUnsafeBufferPointer { src in
            for c in 0..<3 {
                let mean = ImageNet.mean[c], inverseStd = 1 / ImageNet.std[c]
                let planeStart = out.baseAddress! + c * plane
                for i in 0..<plane { planeStart[i] = (src[3 * i + c] - mean) * inverseStd }
            }
        }
        initialized = 3 * plane
    }
}

/// The image a normalised [3, height, width] tensor shows: v · std[c] + mean[c], clamped to
/// 0...1 (a model's prediction can leave the range; NaN becomes 0).
public func imageFromNormalizedCHW(_ chw: UnsafeBufferPointer<Float>, width: Int, height: Int) -> RGBImage {
    let plane = width * height
    precondition(chw.count == 3 * plane, "imageFromNormalizedCHW: \(chw.count) values for 3×\(height)×\(width)")
    let pixels = [Float](unsafeUninitializedCapacity: 3 * plane) { out, initialized in
        for c in 0..<3 {
            let mean = ImageNet.mean[c], std = ImageNet.std[c]
            let planeStart = chw.baseAddress.map { $0 + c * plane }
            for i in 0..<plane { out[3 * i + c] = clampUnit(planeStart![i] * std + mean) }
        }
        initialized = 3 * plane
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
