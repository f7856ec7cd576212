import FuzzSupport
import Imaging

/// A PNG file through decodeImage (the format is told by content, so this also reaches the other
/// decoder). A decoded image has positive sides, three values a pixel, each in 0...1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzFiles.write(UnsafeRawBufferPointer(start: data, count: size), named: "image.png")
    if let image = try? decodeImage(atPath: path) {
        precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3)
        precondition(image.pixels.allSatisfy { (0...1).contains($0) }, "a value outside 0...1")
    }
    return 0
}
