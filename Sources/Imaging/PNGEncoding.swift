#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CImageCodecs

/// Writes `image` to `path` as an 8-bit RGB PNG, replacing any file there.
///
/// Each value is clamped to 0...1 (NaN counts as 0), scaled by 255 and rounded to the
/// nearest level, so that decoding the file gives back any image whose values are k/255.
public func encodePNG(_ image: RGBImage, toPath path: String) throws(ImageError) {
    let png = try encodePNGBytes(image, path: path)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 {
        let code = errno
        if code == EISDIR { throw .writeFailed(path: path, reason: "is a directory") }
        throw .writeFailed(path: path, reason: ImageFile.errnoText(code))
    }
    var failure: Int32 = 0
    png.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            failure = n < 0 ? errno : EIO
            break
        }
    }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure != 0 { throw .writeFailed(path: path, reason: ImageFile.errnoText(failure)) }
}

/// The PNG file's bytes for `image`, quantised as encodePNG does; `path` only names the file in
/// errors (for a writer of its own, such as one that replaces the file atomically).
public func encodePNGBytes(_ image: RGBImage, path: String) throws(ImageError) -> [UInt8] {
    let levels = quantizedLevels(image)
    var output: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = levels.withUnsafeBufferPointer { rgb in
        maex_png_encode_rgb8(rgb.baseAddress, UInt32(clamping: image.width), UInt32(clamping: image.height),
                             &output, &size, &message, message.count)
    }
    defer { maex_image_free(output) }
    let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    switch status {
    case MAEX_IMAGE_OK: break
    case MAEX_IMAGE_EMPTY: throw .empty(path: path, reason: "cannot write an image of \(image.width)×\(image.height) pixels")
    case MAEX_IMAGE_TOO_LARGE: throw .tooLarge(path: path, reason: reason)
    default: throw .writeFailed(path: path, reason: reason)
    }
    guard let output else { throw .writeFailed(path: path, reason: "the encoder returned no data") }
    return Array(UnsafeBufferPointer(start: output, count: size))
}

/// 8-bit levels round(clamp(v, 0, 1) · 255), [height, width, 3].
func quantizedLevels(_ image: RGBImage) -> [UInt8] {
    let count = image.pixels.count
    return [UInt8](unsafeUninitializedCapacity: count) { levels, initialized in
        image.pixels.withUnsafeBufferPointer { source in
            for i in 0..<count {
                let v = source[i]
                let clamped: Float = v > 0 ? (v < 1 ? v : 1) : 0   // NaN fails `v > 0`: 0
                levels[i] = UInt8(clamped * 255 + 0.5)
            }
        }
        initialized = count
    }
}
