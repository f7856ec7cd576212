internal import CImageCodecs

/// Decodes the PNG or JPEG at `path` into an RGBImage with values in 0...1.
///
/// The format is decided by the file's first bytes, not its name. PNG: every bit depth
/// (1–16), grey, grey+alpha, palette (with tRNS), RGB, RGBA, interlaced or not; 16-bit
/// samples keep their precision (v / 65535). JPEG: baseline or progressive, grey or colour.
/// Alpha is composited over `RGBImage.background` (white): c' = c·a + background·(1 − a).
/// Colour profiles and gamma chunks are ignored, as Pillow and torchvision ignore them.
///
/// Throws an `ImageError` naming the file for a missing file, a directory, an unreadable file,
/// content that is not PNG or JPEG, a truncated or corrupt file, a 0×0 header, or a header
/// above `ImageLimits`. A damaged file never yields a partly decoded image.
public func decodeImage(atPath path: String) throws(ImageError) -> RGBImage {
    let (format, bytes) = try ImageFile.readImageBytes(path)
    var decoded = maex_decoded_image()
    let status = bytes.withUnsafeBufferPointer { buffer in
        switch format {
        case .png: maex_png_decode(buffer.baseAddress, buffer.count, &decoded)
        case .jpeg: maex_jpeg_decode(buffer.baseAddress, buffer.count, &decoded)
        }
    }
    defer { maex_image_free(decoded.pixels) }
    let message = withUnsafeBytes(of: &decoded.message) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    let name = format == .png ? "PNG" : "JPEG"
    switch status {
    case MAEX_IMAGE_OK: break
    case MAEX_IMAGE_TRUNCATED: throw .truncated(path: path, reason: "\(name): \(message)")
    case MAEX_IMAGE_EMPTY: throw .empty(path: path, reason: "\(name): \(message)")
    case MAEX_IMAGE_TOO_LARGE: throw .tooLarge(path: path, reason: "\(name): \(message)")
    case MAEX_IMAGE_UNSUPPORTED: throw .unsupported(path: path, reason: "\(name): \(message)")
    case MAEX_IMAGE_NO_MEMORY: throw .unreadable(path: path, reason: "\(name): \(message)")
    default: throw .corrupt(path: path, reason: "\(name): \(message)")
    }
    guard let pixels = decoded.pixels else { throw .corrupt(path: path, reason: "\(name): no pixels") }
    return rgbImage(samples: UnsafeRawPointer(pixels), width: Int(decoded.width), height: Int(decoded.height),
                    channels: Int(decoded.channels), bytesPerSample: Int(decoded.bytes_per_sample))
}

/// Converts decoded samples ([height, width, channels], UInt8 or host-order UInt16) to an
/// RGBImage: grey is copied to all three channels, alpha composited over the background.
func rgbImage(samples: UnsafeRawPointer, width: Int, height: Int, channels: Int, bytesPerSample: Int) -> RGBImage {
    let count = width * height
    var pixels = [Float](repeating: 0, count: count * 3)
    pixels.withUnsafeMutableBufferPointer { destination in
        let out = destination.baseAddress!
        if bytesPerSample == 2 {
            let source = samples.assumingMemoryBound(to: UInt16.self)
            expandSamples(source, count: count, channels: channels, into: out) { Float($0) / 65535 }
        } else {
            let source = samples.assumingMemoryBound(to: UInt8.self)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { table in
                for v in 0..<256 { table[v] = Float(v) / 255 }
                let lookup = UnsafePointer(table.baseAddress!)
                expandSamples(source, count: count, channels: channels, into: out) { lookup[Int($0)] }
            }
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// One loop per channel layout so that the inner loops stay branch-free.
@inline(__always)
private func expandSamples<Sample: FixedWidthInteger>(
    _ source: UnsafePointer<Sample>, count: Int, channels: Int,
    into out: UnsafeMutablePointer<Float>, value: (Sample) -> Float
) {
    let (br, bg, bb) = RGBImage.background
    switch channels {
    case 1:
        for i in 0..<count {
            let v = value(source[i])
            out[3 * i] = v; out[3 * i + 1] = v; out[3 * i + 2] = v
        }
    case 2:
        for i in 0..<count {
            let v = value(source[2 * i]), a = value(source[2 * i + 1])
            out[3 * i] = v * a + br * (1 - a)
            out[3 * i + 1] = v * a + bg * (1 - a)
            out[3 * i + 2] = v * a + bb * (1 - a)
        }
    case 3:
        for i in 0..<(3 * count) { out[i] = value(source[i]) }
    default:
        for i in 0..<count {
            let a = value(source[4 * i + 3])
            out[3 * i] = value(source[4 * i]) * a + br * (1 - a)
            out[3 * i + 1] = value(source[4 * i + 1]) * a + bg * (1 - a)
            out[3 * i + 2] = value(source[4 * i + 2]) * a + bb * (1 - a)
        }
    }
}
