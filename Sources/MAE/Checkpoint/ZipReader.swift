/// The central directory of a zip archive, as `torch.save` writes it (entries stored, not
/// compressed; ZIP64 records once the archive passes 4 GB). Every offset and size is checked
/// against the file's real size; entry data stay in the mapping.
struct ZipReader {
    struct Entry {
        let name: String
        /// 0 = stored, 8 = deflate.
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    /// The most entries an archive may have. torch.save writes one per storage and four more:
    /// about 1,500 for a checkpoint-N.pth of ViT-H with its AdamW state. (The directory's own
    /// size bounds the count too: each entry takes at least 46 bytes of it.)
    static let maxEntries = 1_000_000

    let file: MappedFile
    /// Entries in central-directory order.
    let entries: [Entry]
    private let index: [String: Int]

    var path: String { file.path }

    init(file: MappedFile) throws(CheckpointError) {
        self.file = file
        let entries = try Self.centralDirectory(file)
        self.entries = entries
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() where index[e.name] == nil { index[e.name] = i }
        self.index = index
    }

    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The stored bytes of an entry, inside the mapping.
    func data(_ e: Entry) throws(CheckpointError) -> UnsafeRawBufferPointer {
        func bad(_ reason: String) -> CheckpointError { .malformed(path: path, reason: "zip entry '\(e.name)': \(reason)") }
        if e.flags & 1 != 0 { throw bad("is encrypted") }
        if e.method == 8 {
            throw bad("is compressed with deflate; maex reads the uncompressed archives that torch.save writes "
                      + "(re-save it with torch.save)")
        }
        if e.method != 0 { throw bad("uses compression method \(e.method), which maex does not read") }
        if e.compressedSize != e.size { throw bad("stored entry with different sizes (\(e.compressedSize) and \(e.size))") }
        guard let local = file.slice(e.localHeaderOffset, 30), local.loadLE(UInt32.self, at: 0) == 0x0403_4b50 else {
            throw bad("local header at byte \(e.localHeaderOffset) is missing")
        }
        let start = e.localHeaderOffset + 30 + Int(local.loadLE(UInt16.self, at: 26)) + Int(local.loadLE(UInt16.self, at: 28))
        guard let bytes = file.slice(start, e.size) else {
            throw bad("\(e.size) bytes at byte \(start) run past the end of the file (\(file.count) bytes)")
        }
        return bytes
    }

    private static func centralDirectory(_ file: MappedFile) throws(CheckpointError) -> [Entry] {
        func bad(_ reason: String) -> CheckpointError { .malformed(path: file.path, reason: "not a valid zip archive: " + reason) }
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
        guard file.count >= 22 else { throw bad("\(file.count) bytes is too short") }
        var eocd = -1
        var at = file.count - 22
        let lowest = max(0, file.count - 22 - 65535)
        while at >= lowest {
            if file.bytes.loadLE(UInt32.self, at: at) == 0x0605_4b50 { eocd = at; break }
            at -= 1
        }
        if eocd < 0 { throw bad("no end-of-central-directory record") }
        let b = file.bytes
        var count = Int(b.loadLE(UInt16.self, at: eocd + 10))
        var cdSize = Int(b.loadLE(UInt32.self, at: eocd + 12))
        var cdOffset = Int(b.loadLE(UInt32.self, at: eocd + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the 64-bit record.
            guard eocd >= 20, b.loadLE(UInt32.self, at: eocd - 20) == 0x0706_4b50 else { throw bad("ZIP64 locator missing") }
            let z = b.loadLE(UInt64.self, at: eocd - 12)
            guard file.count >= 56, z <= UInt64(file.count - 56), b.loadLE(UInt32.self, at: Int(z)) == 0x0606_4b50 else {
                throw bad("ZIP64 end record missing")
            }
            count = try int(b.loadLE(UInt64.self, at: Int(z) + 32), bad)
            cdSize = try int(b.loadLE(UInt64.self, at: Int(z) + 40), bad)
            cdOffset = try int(b.loadLE(UInt64.self, at: Int(z) + 48), bad)
        }
        guard count <= maxEntries else { throw bad("\(count) entries, more than the limit of \(maxEntries)") }
        guard file.slice(cdOffset, cdSize) != nil else {
            throw bad("central directory of \(cdSize) bytes at byte \(cdOffset) lies outside the file (\(file.count) bytes)")
        }
        // Each header takes at least 46 bytes: bound the count before reserving anything.
        guard count <= cdSize / 46 else { throw bad("\(count) entries cannot fit a \(cdSize)-byte directory") }

        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var p = cdOffset
        let end = cdOffset + cdSize
        for _ in 0..<count {
            guard p + 46 <= end, b.loadLE(UInt32.self, at: p) == 0x0201_4b50 else {
                throw bad("central directory entry \(entries.count) is damaged")
            }
            let nameLength = Int(b.loadLE(UInt16.self, at: p + 28))
            let extraLength = Int(b.loadLE(UInt16.self, at: p + 30))
            let commentLength = Int(b.loadLE(UInt16.self, at: p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= end else {
                throw bad("central directory entry \(entries.count) runs past the directory")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
            var compressed = UInt64(b.loadLE(UInt32.self, at: p + 20))
            var size = UInt64(b.loadLE(UInt32.self, at: p + 24))
            var offset = UInt64(b.loadLE(UInt32.self, at: p + 42))
            // ZIP64 extra field (id 1): the 64-bit values of exactly the fields saturated above.
            var q = p + 46 + nameLength
            let extraEnd = q + extraLength
            while q + 4 <= extraEnd {
                let id = b.loadLE(UInt16.self, at: q), length = Int(b.loadLE(UInt16.self, at: q + 2))
                guard q + 4 + length <= extraEnd else { break }
                if id == 1 {
                    var r = q + 4
                    func next() throws(CheckpointError) -> UInt64 {
                        guard r + 8 <= q + 4 + length else { throw bad("ZIP64 field of '\(name)' is too short") }
                        defer { r += 8 }
                        return b.loadLE(UInt64.self, at: r)
                    }
                    if size == 0xFFFF_FFFF { size = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if offset == 0xFFFF_FFFF { offset = try next() }
                }
                q += 4 + length
            }
            entries.append(Entry(name: name, method: b.loadLE(UInt16.self, at: p + 10), flags: b.loadLE(UInt16.self, at: p + 8),
                                 crc32: b.loadLE(UInt32.self, at: p + 16), compressedSize: try int(compressed, bad),
                                 size: try int(size, bad), localHeaderOffset: try int(offset, bad)))
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private static func int(_ v: UInt64, _ bad: (String) -> CheckpointError) throws(CheckpointError) -> Int {
        guard v <= UInt64(Int.max) else { throw bad("a size or offset is out of range") }
        return Int(v)
    }
}

/// CRC-32 (the zip polynomial, reflected 0xEDB88320), to check the small pickle entry.
func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}

extension UnsafeRawBufferPointer {
    /// A little-endian integer at `offset`; the caller has checked the range.
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
