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
