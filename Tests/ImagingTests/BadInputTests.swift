#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Imaging

/// The error decodeImage throws for `path`, or nil when it decodes.
private func decodeError(_ path: String) -> ImageError? {
    do {
        _ = try decodeImage(atPath: path)
        return nil
    } catch {
        return error
    }
}

/// Every error names its file and starts its description with the path.
private func expectNamesFile(_ error: ImageError?, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error?.path == path, sourceLocation: sourceLocation)
    #expect(error?.description.hasPrefix(path + ": ") == true, sourceLocation: sourceLocation)
}

/// A PNG of signature, IHDR claiming width × height (8-bit RGB) with a correct CRC, and IEND.
private func pngHeaderOnly(width: UInt32, height: UInt32) -> [UInt8] {
    ImageFormat.pngSignature
        + pngChunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
        + pngChunk("IEND", [])
}

/// Offset of the first byte after the SOS header (the start of the entropy-coded scan).
private func scanStart(_ jpeg: [UInt8]) -> Int {
    for i in 0..<(jpeg.count - 3) where jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA {
        return i + 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
    }
    return -1
}

/// Offset of the SOF0/SOF2 segment's height field.
private func frameHeightOffset(_ jpeg: [UInt8]) -> Int {
    for i in 0..<(jpeg.count - 9) where jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2) {
        return i + 5
    }
    return -1
}

@Test func missingFile() throws {
    let dir = try TemporaryDirectory()
    for path in [dir.file("nothing.png"), dir.file("no-folder/nothing.png")] {
        let error = decodeError(path)
        #expect(error == .missingFile(path: path))
        expectNamesFile(error, path)
        #expect(error?.description.contains("no such file") == true)
    }
}

@Test func directory() throws {
    let dir = try TemporaryDirectory()
    let error = decodeError(dir.path)
    #expect(error == .isDirectory(path: dir.path))
    expectNamesFile(error, dir.path)
    #expect(error?.description.contains("directory") == true)
}

@Test func textFileAndEmptyFileAreNotImages() throws {
    let dir = try TemporaryDirectory()
    let text = dir.file("notes.png")
    try TestFiles.write(Array("hello, this is not a picture\n".utf8), to: text)
    let error = decodeError(text)
    guard case .notAnImage = error else { Issue.record("got \(String(describing: error))"); return }
    expectNamesFile(error, text)
    #expect(error?.description.contains("not a PNG or JPEG") == true)
    #expect(error?.description.contains("hello, t") == true)

    let empty = dir.file("empty.jpg")
    try TestFiles.write([], to: empty)
    guard case .notAnImage = decodeError(empty) else { Issue.record("empty file: \(String(describing: decodeError(empty)))"); return }
}

@Test func truncatedPNGAtSeveralOffsets() throws {
    let dir = try TemporaryDirectory()
    let bytes = try TestFiles.bytes(TestFiles.asset("coins.png"))
    let path = dir.file("cut.png")
    // Inside the signature, after it, inside IHDR, in the first IDAT, in the middle, just
    // before IEND, one byte short of the end.
    for cut in [3, 8, 20, 40, 200, bytes.count / 2, bytes.count - 12, bytes.count - 1] {
        try TestFiles.write(Array(bytes[0..<cut]), to: path)
        let error = decodeError(path)
        guard case .truncated = error else { Issue.record("cut at \(cut): \(String(describing: error))"); continue }
        expectNamesFile(error, path)
    }
}

@Test func flippedIDATBytesAreCorrupt() throws {
    let dir = try TemporaryDirectory()
    let bytes = try TestFiles.bytes(TestFiles.data("formats/rgb8.png"))
    let idat = try #require(findChunk("IDAT", in: bytes))
    let path = dir.file("flipped.png")
    for offset in [0, 7, idat.length / 2, idat.length - 1] {
        // As stored (the chunk CRC then fails) and with the CRC recomputed (then zlib or
        // its Adler-32 check fails): both must be errors, never an image with wrong pixels.
        for fixCRC in [false, true] {
            var damaged = bytes
            damaged[idat.data + offset] ^= 0x5A
            if fixCRC {
                let crc = bigEndian(crc32(damaged[(idat.data - 4)..<(idat.data + idat.length)]))
                damaged.replaceSubrange((idat.data + idat.length)..<(idat.data + idat.length + 4), with: crc)
            }
            try TestFiles.write(damaged, to: path)
            let error = decodeError(path)
            guard case .corrupt = error else {
                Issue.record("IDAT byte \(offset) fixCRC \(fixCRC): \(String(describing: error))"); continue
            }
            expectNamesFile(error, path)
            // libpng inflates as it reads, so the zlib stream or a row filter may fail before
            // the CRC at the end of the chunk is checked: any of these messages will do.
            #expect(error?.description.contains("corrupt image: PNG: ") == true)
        }
    }
}

/// The first chunk of `type`: offset of its data and its length.
private func findChunk(_ type: String, in png: [UInt8]) -> (data: Int, length: Int)? {
    var position = 8
    while position + 8 <= png.count {
        let length = Int(png[position]) << 24 | Int(png[position + 1]) << 16 | Int(png[position + 2]) << 8 | Int(png[position + 3])
        if Array(png[(position + 4)..<(position + 8)]) == Array(type.utf8) { return (position + 8, length) }
        position += 12 + length
    }
    return nil
}

@Test func truncatedJPEGAtSeveralOffsets() throws {
    let dir = try TemporaryDirectory()
    for source in [TestFiles.asset("rocket.jpg"), TestFiles.data("formats/progressive.jpg")] {
        let bytes = try TestFiles.bytes(source)
        let scan = scanStart(bytes)
        let path = dir.file("cut.jpg")
        // In the headers, at the start of the scan, inside it, just before EOI.
        for cut in [2, 100, scan, (scan + bytes.count) / 2, bytes.count - 2] {
            try TestFiles.write(Array(bytes[0..<cut]), to: path)
            let error = decodeError(path)
            guard case .truncated = error else { Issue.record("\(source) cut at \(cut): \(String(describing: error))"); continue }
            expectNamesFile(error, path)
        }
    }
}

@Test func corruptJPEGScan() throws {
    let dir = try TemporaryDirectory()
    let bytes = try TestFiles.bytes(TestFiles.asset("rocket.jpg"))
    let middle = (scanStart(bytes) + bytes.count) / 2
    let path = dir.file("corrupt.jpg")
    // A marker where entropy-coded data should be: libjpeg warns "premature end of data
    // segment" and would fill the rest with grey; that warning must be an error.
    for marker: [UInt8] in [[0xFF, 0xD9], [0xFF, 0xC4], [0xFF, 0xD3]] {
        var damaged = bytes
        damaged.replaceSubrange(middle..<(middle + 2), with: marker)
        try TestFiles.write(damaged, to: path)
        let error = decodeError(path)
        guard case .corrupt = error else { Issue.record("marker \(marker): \(String(describing: error))"); continue }
        expectNamesFile(error, path)
    }
}

@Test func hugePNGHeaders() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("huge.png")
    for (width, height) in [(100_000, 100_000), (16385, 1), (1, 16385), (8001, 8000)] as [(UInt32, UInt32)] {
        try TestFiles.write(pngHeaderOnly(width: width, height: height), to: path)
        let error = decodeError(path)
        guard case .tooLarge = error else { Issue.record("\(width)×\(height): \(String(describing: error))"); continue }
        expectNamesFile(error, path)
        #expect(error?.description.contains("\(width)×\(height)") == true)
    }
    // At the limits the header is accepted (and the missing pixel data is the error).
    try TestFiles.write(pngHeaderOnly(width: 16384, height: 1), to: path)
    if case .tooLarge = decodeError(path) { Issue.record("16384×1 is within the limits") }
    #expect(ImageLimits.maxSide == 16384 && ImageLimits.maxPixels == 64_000_000)
}

@Test func emptyPNGHeaders() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("empty.png")
    for (width, height) in [(0, 0), (0, 10), (10, 0)] as [(UInt32, UInt32)] {
        try TestFiles.write(pngHeaderOnly(width: width, height: height), to: path)
        let error = decodeError(path)
        guard case .empty = error else { Issue.record("\(width)×\(height): \(String(describing: error))"); continue }
        expectNamesFile(error, path)
    }
}

@Test func jpegHeadersClaimingEmptyOrHugeImages() throws {
    let dir = try TemporaryDirectory()
    let bytes = try TestFiles.bytes(TestFiles.data("formats/baseline420.jpg"))
    let field = frameHeightOffset(bytes)   // height (2 bytes) then width (2 bytes)
    #expect(field > 0)
    let path = dir.file("header.jpg")
    var empty = bytes
    empty.replaceSubrange(field..<(field + 2), with: [0, 0])
    try TestFiles.write(empty, to: path)
    guard case .empty = decodeError(path) else { Issue.record("height 0: \(String(describing: decodeError(path)))"); return }
    var huge = bytes
    huge.replaceSubrange(field..<(field + 4), with: [0xFF, 0x00, 0xFF, 0x00])   // 65280 × 65280
    try TestFiles.write(huge, to: path)
    guard case .tooLarge = decodeError(path) else { Issue.record("65280²: \(String(describing: decodeError(path)))"); return }
    expectNamesFile(decodeError(path), path)
}

@Test(.enabled(if: geteuid() != 0, "root reads files whatever their permissions"))
func unreadableFile() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("secret.png")
    try TestFiles.write(try TestFiles.bytes(TestFiles.data("formats/rgb8.png")), to: path)
    chmod(path, 0)
    let error = decodeError(path)
    #expect(error == .unreadable(path: path, reason: "permission denied"))
    expectNamesFile(error, path)
}

@Test func openErrorsMapToCases() {
    #expect(ImageFile.openError(EACCES, path: "a.png") == .unreadable(path: "a.png", reason: "permission denied"))
    #expect(ImageFile.openError(ENOENT, path: "a.png") == .missingFile(path: "a.png"))
    #expect(ImageFile.openError(ENOTDIR, path: "a.png/b") == .missingFile(path: "a.png/b"))
    #expect(ImageFile.openError(EIO, path: "a.png").description.hasPrefix("a.png: cannot be read: "))
}

@Test func specialFilesAreUnreadable() {
    // A character device could be read forever; it is refused before reading.
    guard case .unreadable(let path, _) = decodeError("/dev/zero") else {
        Issue.record("/dev/zero: \(String(describing: decodeError("/dev/zero")))"); return
    }
    #expect(path == "/dev/zero")
}

/// A PNG of signature, IHDR (width × height, `depth`-bit samples of colour type `colour`) and IEND.
private func pngHeaderOnly(width: UInt32, height: UInt32, depth: UInt8, colour: UInt8) -> [UInt8] {
    ImageFormat.pngSignature
        + pngChunk("IHDR", bigEndian(width) + bigEndian(height) + [depth, colour, 0, 0, 0])
        + pngChunk("IEND", [])
}

/// deflate compresses at most 1032:1, so a file smaller than the raw pixels / 1032 is refused
/// before its pixel buffer is allocated, whatever its header says; one row fewer is left to libpng.
@Test func pngTooSmallForThePixelsItClaims() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("small.png")
    #expect(ImageLimits.deflateMaxRatio == 1032)
    // 45 bytes hold at most 46,440 raw bytes: 1000 × 16 RGB pixels are 48,000, 1000 × 15 are 45,000.
    try TestFiles.write(pngHeaderOnly(width: 1000, height: 16, depth: 8, colour: 2), to: path)
    let error = decodeError(path)
    guard case .truncated(_, let reason) = error else { Issue.record("\(String(describing: error))"); return }
    expectNamesFile(error, path)
    #expect(reason == "PNG: the file has 45 bytes, too few for 1000×16 pixels of 8-bit samples (48000 bytes raw; "
            + "deflate compresses at most 1032:1)")
    try TestFiles.write(pngHeaderOnly(width: 1000, height: 15, depth: 8, colour: 2), to: path)
    #expect(decodeError(path)?.description.contains("1032:1") == false)
    // The largest image a header may claim, 16-bit RGBA: 512 MB of pixels from 45 bytes.
    try TestFiles.write(pngHeaderOnly(width: 16384, height: 3906, depth: 16, colour: 6), to: path)
    #expect(decodeError(path)?.description.contains("too few for 16384×3906 pixels of 16-bit samples") == true)
}

/// A Huffman-coded baseline JPEG spends at least 2 bits on each 8×8 block.
@Test func baselineJPEGTooSmallForTheBlocksItClaims() throws {
    let dir = try TemporaryDirectory()
    var bytes = try TestFiles.bytes(TestFiles.data("formats/baseline420.jpg"))
    let field = frameHeightOffset(bytes)
    bytes.replaceSubrange(field..<(field + 4), with: [0x1F, 0x40, 0x1F, 0x40])   // 8000 × 8000, within the limits
    let path = dir.file("claims.jpg")
    try TestFiles.write(bytes, to: path)
    let error = decodeError(path)
    guard case .truncated(_, let reason) = error else { Issue.record("\(String(describing: error))"); return }
    expectNamesFile(error, path)
    // 4:2:0: 1000 × 1000 luma blocks and 500 × 500 of each chroma.
    #expect(reason.contains("too few for the 1500000 blocks of 8000×8000 pixels (at least 2 bits each)"), "\(reason)")
}

/// An 8×8 grey progressive JPEG of `scans` scans, every coefficient zero: a DC scan, then each AC
/// coefficient alone in successive-approximation passes from bit 9 down to 0, a valid progression
/// of up to 1 + 63 × 10 scans. One Huffman code of 1 bit serves all; each scan codes its block in
/// that one bit (0x7F with the padding).
private func progressiveJPEG(scans: Int) -> [UInt8] {
    func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }
    let oneCode: [UInt8] = [1] + Array(repeating: 0, count: 15) + [0]
    var out: [UInt8] = [0xFF, 0xD8]
    out += segment(0xDB, [0] + Array(repeating: 1, count: 64))                   // DQT
    out += segment(0xC2, [8, 0, 8, 0, 8, 1, 1, 0x11, 0])                        // SOF2: 8 × 8, one component
    out += segment(0xC4, [0x00] + oneCode) + segment(0xC4, [0x10] + oneCode)    // DHT: DC 0, AC 0
    var script: [[UInt8]] = [[0, 0, 0]]                                          // Ss, Se, Ah << 4 | Al
    for k in UInt8(1)...63 {
        script.append([k, k, 9])
        for al in stride(from: UInt8(8), through: 0, by: -1) { script.append([k, k, (al + 1) << 4 | al]) }
    }
    for s in script.prefix(scans) { out += segment(0xDA, [1, 1, 0x00] + s) + [0x7F] }
    return out + [0xFF, 0xD9]
}

/// Each scan is a pass over the whole image: a valid progression of hundreds of scans of a
/// large image is minutes of work, so a file of more than 500 is refused.
@Test func progressiveJPEGWithTooManyScans() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("scans.jpg")
    #expect(ImageLimits.maxJPEGScans == 500)
    try TestFiles.write(progressiveJPEG(scans: 500), to: path)
    let image = try decodeImage(atPath: path)
    #expect(image.width == 8 && image.height == 8)
    try TestFiles.write(progressiveJPEG(scans: 501), to: path)
    let error = decodeError(path)
    guard case .tooLarge(_, let reason) = error else { Issue.record("\(String(describing: error))"); return }
    expectNamesFile(error, path)
    #expect(reason == "JPEG: the progressive JPEG has more than 500 scans (the limit)")
}
