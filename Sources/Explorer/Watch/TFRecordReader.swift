import Foundation

/// Reads the records of a growing TFRecord file (TensorBoard's events.out.tfevents.*), by
/// polling, the way LogFollower reads lines. Each record is framed as
///
///     u64 length · u32 masked CRC-32C of the length · length bytes · u32 masked CRC-32C of them
///
/// (little-endian). A record whose payload fails its CRC is skipped and counted; a header whose
/// length fails its CRC leaves nothing to resynchronise on, so the rest of the file is given up
/// and said so. A record that is not all there yet (the writer is mid-record, or was killed
/// there) is not an error: it is read again, whole, once the rest has arrived.
///
/// Limits: a record over `maximumRecord` bytes counts as damage (events are a few hundred
/// bytes); at most `maximumRead` bytes are read a poll, so memory stays bounded on a large file.
public final class TFRecordReader {
    public struct Update: Sendable {
        /// Complete records whose CRCs hold, in file order.
        public var records: [[UInt8]] = []
        /// Records skipped because their payload failed its CRC.
        public var badRecords = 0
        /// Set once the framing itself is damaged: why, and where.
        public var damage: String?
        /// The file was truncated or replaced: read from its start again.
        public var restarted = false
    }

    public static let maximumRecord: UInt64 = 64 << 20
    public static let maximumRead = 8 << 20

    public let path: String
    /// Where the next unread record starts.
    public private(set) var offset: UInt64 = 0
    private var identity: (device: UInt64, inode: UInt64)?
    private var damaged = false
    /// Bytes to read next poll: more than `maximumRead` when one record is larger.
    private var wanted = maximumRead

    public init(path: String) { self.path = path }

    /// The records that were completed since the last poll.
    public func poll() -> Update {
        var update = Update()
        var info = stat()
        guard stat(path, &info) == 0 else { return update }
        let id = (UInt64(info.st_dev), UInt64(info.st_ino)), size = UInt64(info.st_size)
        if let known = identity, known != id || size < offset {
            update.restarted = true
            offset = 0
            damaged = false
        }
        identity = id
        guard !damaged, size > offset, let handle = FileHandle(forReadingAtPath: path) else { return update }
        defer { try? handle.close() }
        let bytes: [UInt8]
        do {
            try handle.seek(toOffset: offset)
            bytes = [UInt8](try handle.read(upToCount: Int(min(size - offset, UInt64(wanted)))) ?? Data())
        } catch {
            return update
        }
        var i = 0
        while bytes.count - i >= 12 {
            let length = bytes.loadLE(UInt64.self, at: i)
            guard CRC32C.masked(bytes[i..<(i + 8)]) == bytes.loadLE(UInt32.self, at: i + 8) else {
                damaged = true
                update.damage = "the record at byte \(offset + UInt64(i)) has a damaged length (its CRC fails); the rest of the file is skipped"
                break
            }
            guard length <= Self.maximumRecord else {
                damaged = true
                update.damage = "the record at byte \(offset + UInt64(i)) claims \(length) bytes; the rest of the file is skipped"
                break
            }
            let end = i + 12 + Int(length) + 4
            // Not all there yet: wait for the writer. A record longer than one read's worth
            // is read whole by the next poll, which starts at it.
            guard end <= bytes.count else {
                if i == 0 { wanted = max(Self.maximumRead, end) }
                break
            }
            let payload = bytes[(i + 12)..<(end - 4)]
            if CRC32C.masked(payload) == bytes.loadLE(UInt32.self, at: end - 4) {
                update.records.append(Array(payload))
            } else {
                update.badRecords += 1
            }
            i = end
        }
        offset += UInt64(i)
        if i > 0 { wanted = Self.maximumRead }
        return update
    }
}

extension [UInt8] {
    /// The little-endian integer at byte `offset` (the caller has checked the bounds).
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var v: T = 0
        for k in 0..<MemoryLayout<T>.size { v |= T(self[offset + k]) << (8 * k) }
        return v
    }
}
