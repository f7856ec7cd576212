import Testing
@testable import Imaging

/// PNGs of every colour type and bit depth, plain and Adam7-interlaced, with every filter
/// type, written byte by byte by a reference script (so their pixels are known exactly)
/// and checked against Pillow there. Expected values: samples / (2^depth − 1), alpha
/// composited over white, as float32 [H, W, 3].
private let pngFixtures = [
    "grey1", "grey2", "grey4", "grey8", "grey16", "grey8-trns", "grey16-trns", "grey-alpha8", "grey-alpha16",
    "rgb8", "rgb8-trns", "rgba8", "rgb16", "rgb16-trns", "rgba16",
    "palette1", "palette1-trns", "palette2", "palette2-trns", "palette4", "palette4-trns", "palette8", "palette8-trns",
    "grey8-bad-text-crc",
]

@Test(arguments: pngFixtures.flatMap { [$0, $0 + "-interlaced"] }.filter { $0 != "grey8-bad-text-crc-interlaced" })
func pngFixtureDecodesExactly(name: String) throws {
    let image = try decodeImage(atPath: TestFiles.data("formats/\(name).png"))
    let expected = try TestFiles.floats(TestFiles.data("formats/\(name).f32"))
    #expect(image.width == 13 && image.height == 11)
    // 16-bit samples keep their precision: 1e-5 is far below one 8-bit level (0.0039)
    // and below one 12-bit level, so truncation to 8 bits would fail.
    #expect(maxDifference(image.pixels, expected) < 1e-5, "\(name)")
}

@Test func sixteenBitPrecisionIsKept() throws {
    let image = try decodeImage(atPath: TestFiles.data("formats/grey16.png"))
    // Some value must fall strictly between two 8-bit levels.
    let between = image.pixels.contains { v in abs(v * 255 - (v * 255).rounded()) > 0.01 }
    #expect(between)
}

/// JPEGs written by Pillow; expected pixels are Pillow's own decode of the same file.
@Test(arguments: ["baseline420", "baseline444", "progressive", "grey"])
func jpegFixtureMatchesPillow(name: String) throws {
    let image = try decodeImage(atPath: TestFiles.data("formats/\(name).jpg"))
    let expected = try TestFiles.bytes(TestFiles.data("formats/\(name).rgb")).map { Float($0) / 255 }
    #expect(image.width == 40 && image.height == 24)
    #expect(maxDifference(image.pixels, expected) <= 1.0 / 255 + 1e-6, "\(name)")
}

@Test func cmykJPEGIsUnsupported() {
    let path = TestFiles.data("formats/cmyk.jpg")
    #expect(throws: ImageError.self) { try decodeImage(atPath: path) }
    do {
        _ = try decodeImage(atPath: path)
    } catch {
        guard case .unsupported(let p, _) = error else { Issue.record("got \(error)"); return }
        #expect(p == path)
        #expect(error.description.contains("CMYK"))
    }
}

@Test func formatIsSniffedFromContentNotName() throws {
    let dir = try TemporaryDirectory()
    let misnamed = dir.file("really-a-jpeg.png")
    try TestFiles.write(try TestFiles.bytes(TestFiles.data("formats/grey.jpg")), to: misnamed)
    let image = try decodeImage(atPath: misnamed)
    #expect(image.width == 40 && image.height == 24)
}
