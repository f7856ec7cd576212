import Imaging
import MAE

/// Colour augmentations for small training sets: with only a handful of images (few of them in
/// colour) a model memorises their colours, and on a new image it then paints the wrong ones.
/// Shuffling the RGB channels and jittering the saturation make colour something to read from
/// the visible patches rather than to remember.
///
/// Applied to an `RGBImage` (pixels interleaved HWC in 0...1) after the crop and flip, drawing
/// from the same per-sample generator, so the result still depends only on (seed, epoch, index).
/// Disabled parts draw nothing: with every part off the generator's stream, and so the crops of
/// runs without colour augmentation, are unchanged.
public struct ColorAugmentation: Sendable, Equatable {
    /// Reorder R, G, B by one of the 6 permutations, chosen uniformly per image.
    public var channelShuffle: Bool
    /// Saturation factor drawn uniformly from max(0, 1 − s)...1 + s (torchvision's ColorJitter).
    public var saturation: Double
    /// Probability of turning the image grey (luma in all three channels).
    public var greyProbability: Double

    public init(channelShuffle: Bool = false, saturation: Double = 0, greyProbability: Double = 0) {
        self.channelShuffle = channelShuffle
        self.saturation = saturation
        self.greyProbability = greyProbability
    }

    public var isIdentity: Bool { !channelShuffle && saturation == 0 && greyProbability == 0 }

    /// The six orders of (R, G, B); index 0 is the identity.
    public static let permutations: [(Int, Int, Int)] = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]

    /// ITU-R 601 luma weights, as PIL's convert("L") and torchvision's rgb_to_grayscale.
    static let luma: (Float, Float, Float) = (0.299, 0.587, 0.114)

    /// The augmented image; draws from `rng` only for the parts that are on.
    public func apply(_ image: RGBImage, using rng: inout SeededGenerator) -> RGBImage {
        var out = image
        if channelShuffle {
            let p = ColorAugmentation.permutations[min(5, Int(rng.nextUniform() * 6))]
            out = ColorAugmentation.permuted(out, p)
        }
        if saturation > 0 {
            let low = max(0, 1 - saturation), high = 1 + saturation
            let factor = Float(low + (high - low) * rng.nextDouble())
            out = ColorAugmentation.saturated(out, factor: factor)
        }
        if greyProbability > 0 && rng.nextDouble() < greyProbability {
            out = ColorAugmentation.saturated(out, factor: 0)
        }
        return out
    }

    /// `image` with its channels reordered: output channel k is input channel p.k.
    public static func permuted(_ image: RGBImage, _ p: (Int, Int, Int)) -> RGBImage {
        var out = image
        let n = image.width * image.height
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let b = 3 * i
                    dst[b] = src[b + p.0]
                    dst[b + 1] = src[b + p.1]
                    dst[b + 2] = src[b + p.2]
                }
            }
        }
        return out
    }

    /// Blend with the image's own luma: grey + factor · (colour − grey), clamped to 0...1.
    /// factor 1 is the identity, 0 gives grey, above 1 more saturated.
    public static func saturated(_ image: RGBImage, factor: Float) -> RGBImage {
        if factor == 1 { return image }
        var out = image
        let n = image.width * image.height
        let (wr, wg, wb) = luma
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let b = 3 * i
                    let grey = wr * src[b] + wg * src[b + 1] + wb * src[b + 2]
                    for c in 0..<3 {
                        dst[b + c] = min(1, max(0, grey + factor * (src[b + c] - grey)))
                    }
                }
            }
        }
        return out
    }
}
