import Foundation

/// Follows a growing text file, like `tail -F`, by polling: it waits while the file does not
/// exist, hands out complete lines as they are appended, keeps a half-written last line until
/// its newline arrives, and starts over when the file is truncated or replaced (a new inode).
/// It only ever opens the file for reading. A line longer than `StreamFollower.maximumLine` is
/// cut there (and will not parse), so a file without newlines cannot use up memory.
public final class LogFollower {
    public struct Update: Equatable, Sendable {
        /// Complete lines appended since the last poll, without their newlines.
        public var lines: [String] = []
        /// True when the file was truncated or replaced: what was read before is gone.
        public var restarted = false
    }

    /// At most this many bytes are read a poll, so a large file is taken in steps.
    public static let maximumRead = 64 << 20

    public let path: String
    private var identity: (device: UInt64, inode: UInt64)?
    private var offset: UInt64 = 0
    private var pending: [UInt8] = []

    public init(path: String) {
        self.path = path
    }

    /// Whether the file exists now.
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Reads what was appended since the last call.
    public func poll() -> Update {
        var update = Update()
        var info = stat()
        guard stat(path, &info) == 0 else { return update }
        let id = (UInt64(info.st_dev), UInt64(info.st_ino))
        let size = UInt64(info.st_size)
        if let known = identity, known != id || size < offset {
            update.restarted = true
            offset = 0
            pending.removeAll()
        } else if identity == nil && offset > 0 {
            update.restarted = true
            offset = 0
        }
        identity = id
        guard size > offset, let handle = FileHandle(forReadingAtPath: path) else { return update }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: offset)
            let data = try handle.read(upToCount: Int(min(size - offset, UInt64(Self.maximumRead)))) ?? Data()
            offset += UInt64(data.count)
            pending.append(contentsOf: data)
        } catch {
            return update
        }
        // Hand out every complete line; a trailing fragment waits for its newline.
        var start = 0
        for i in pending.indices where pending[i] == UInt8(ascii: "\n") {
            var line = pending[start..<i]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            update.lines.append(String(decoding: line, as: UTF8.self))
            start = i + 1
        }
        pending.removeFirst(start)
        if pending.count > StreamFollower.maximumLine {
            update.lines.append(String(decoding: pending[0..<StreamFollower.maximumLine], as: UTF8.self))
            pending.removeAll()
        }
        return update
    }
}
