/// An RGB image with Float channels in 0...1, interleaved and row-major:
/// `pixels[(y * width + x) * 3 + c]`, c = 0 red, 1 green, 2 blue. Shape [height, width, 3].
///
/// Every decoder produces this; alpha is composited over `RGBImage.background` first.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) values for \(width)×\(height)×3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A width × height image filled with one colour.
    public init(width: Int, height: Int, fill: (Float, Float, Float) = (0, 0, 0)) {
        var pixels = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = fill.0
            pixels[3 * i + 1] = fill.1
            pixels[3 * i + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The value of channel `c` at (x, y).
    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * 3 + c] }
        set { pixels[(y * width + x) * 3 + c] = newValue }
    }

    /// The colour that transparent pixels are composited over: white, as browsers and
    /// image viewers show transparency on a light page.
    public static let background: (Float, Float, Float) = (1, 1, 1)
}
