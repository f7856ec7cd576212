/// A name for an image's content, not its file: FNV-1a 64 over the width, the height and every
/// channel rounded to 8 bits, as 16 lower-case hex digits.
///
/// Two files with the same pixels (a PNG re-saved with other compression or metadata, a JPEG
/// copied) get the same hash; any changed pixel, size or crop gives another. Rounding to 8 bits
/// makes the hash of a decoded 8-bit file exact whatever the Float arithmetic did on the way.
/// It is a fingerprint for recognising images, not a cryptographic hash.
public func contentHash(_ image: RGBImage) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    for value in [UInt32(truncatingIfNeeded: image.width), UInt32(truncatingIfNeeded: image.height)] {
        for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
    image.pixels.withUnsafeBufferPointer { pixels in
        for v in pixels { mix(UInt8((min(max(v, 0), 1) * 255).rounded())) }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
