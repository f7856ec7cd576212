import Testing
@testable import Imaging

@Test func pngRoundTripIsExactOn8BitData() throws {
    let dir = try TemporaryDirectory()
    var rng = SplitMix64(state: 42)
    let (width, height) = (17, 9)
    let levels = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let image = imageFromLevels(levels[...], width: width, height: height)
    let path = dir.file("round-trip.png")
    try encodePNG(image, toPath: path)
    let back = try decodeImage(atPath: path)
    #expect(back.width == width && back.height == height)
    #expect(back.pixels == image.pixels)   // exact: k/255 in, the same Float out
}

@Test func encodedFileIsAn8BitRGBPNG() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("header.png")
    try encodePNG(RGBImage(width: 300, height: 2, fill: (0.2, 0.4, 0.6)), toPath: path)
    let bytes = try TestFiles.bytes(path)
    #expect(Array(bytes[0..<8]) == ImageFormat.pngSignature)
    #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
    #expect(Array(bytes[16..<24]) == bigEndian(300) + bigEndian(2))
    #expect(bytes[24] == 8 && bytes[25] == 2)   // bit depth 8, colour type 2 (RGB)
}

@Test func encodingRoundsAndClamps() throws {
    let values: [Float] = [-0.5, 0, 0.0019, 0.002, 0.5, 0.999, 1.2, .nan, .infinity]
    let expected: [UInt8] = [0, 0, 0, 1, 128, 255, 255, 0, 255]
    let image = RGBImage(width: 3, height: 3, pixels: values.flatMap { [$0, $0, $0] })
    let levels = quantizedLevels(image)
    #expect(stride(from: 0, to: levels.count, by: 3).map { levels[$0] } == expected)
    // And through a file.
    let dir = try TemporaryDirectory()
    try encodePNG(image, toPath: dir.file("clamped.png"))
    let back = try decodeImage(atPath: dir.file("clamped.png"))
    #expect(stride(from: 0, to: back.pixels.count, by: 3).map { UInt8(back.pixels[$0] * 255 + 0.5) } == expected)
}

@Test func encodeErrorsNameTheFile() throws {
    let dir = try TemporaryDirectory()
    let image = RGBImage(width: 2, height: 2)
    for path in [dir.path, dir.file("missing-folder/x.png")] {
        do {
            try encodePNG(image, toPath: path)
            Issue.record("wrote \(path)")
        } catch {
            guard case .writeFailed = error else { Issue.record("\(error)"); continue }
            #expect(error.description.hasPrefix(path + ": cannot write the image"))
        }
    }
    do {
        try encodePNG(RGBImage(width: 0, height: 0), toPath: dir.file("empty.png"))
        Issue.record("wrote an empty image")
    } catch {
        guard case .empty = error else { Issue.record("\(error)"); return }
    }
}
