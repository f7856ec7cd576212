import Imaging

/// An image as a model of side S sees it, made once and reused for every mask: the first half
/// of the reconstruction pipeline (decode → resize and centre-crop → normalise).
public struct PreparedImage: Sendable {
    /// The decoded file at its own size, before resizing.
    public let source: RGBImage
    /// The display picture the model sees [S, S, 3], 0...1: what every score compares against.
    public let original: RGBImage
    /// The model's input [3, S, S], normalised with ImageNet's mean and std.
    public let input: [Float]

    /// Resizes (shorter side to S, bicubic) and centre-crops `source`, then normalises it.
    public init(_ source: RGBImage, side: Int) {
        self.source = source
        original = resizeAndCenterCrop(source, side: side)
        input = normalizedCHW(original)
    }

    /// Decodes the file at `path` (PNG or JPEG) and prepares it; an empty image is an error.
    public init(path: String, side: Int) throws(ImageError) {
        let decoded = try decodeImage(atPath: path)
        guard decoded.width > 0, decoded.height > 0 else { throw .empty(path: path, reason: "the image is empty") }
        self.init(decoded, side: side)
    }
}
