import Imaging

/// decodeImage on the file at `path` (the format is told by content, so either harness reaches
/// both decoders). A decoded image has positive sides, three values a pixel, each in 0...1.
public func decodeAndCheck(_ path: String) {
    guard let image = try? decodeImage(atPath: path) else { return }
    precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3)
    precondition(image.pixels.allSatisfy { (0...1).contains($0) }, "a value outside 0...1")
}
