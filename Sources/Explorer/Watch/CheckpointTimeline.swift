import Foundation

/// The checkpoints the authors' main_pretrain.py leaves in its output_dir (`checkpoint-N.pth`,
/// N the epoch: every 20 epochs and the last), as they appear, and which one the probe is drawn
/// with: the newest, until `,` steps back to an older one (then a newer checkpoint is noted but
/// not shown, so the timeline stays where the person put it; `.` at the newest follows again).
///
/// torch.save writes a checkpoint in place, so one may be read while it is still being written:
/// a zip archive is whole only once its end-of-central-directory record has been written, last,
/// and until then (`isComplete`) the checkpoint is left for a later look, not reported as broken.
public struct CheckpointTimeline: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var epoch: Int
        public var path: String
        /// Modification time and size when last seen: a change means it was rewritten.
        public var stamp: [Int64]
    }

    public let folder: String
    public private(set) var entries: [Entry] = []
    /// The index in `entries` of the checkpoint the probe shows (or should show).
    public private(set) var selected: Int?
    /// Whether a new checkpoint moves the selection to it.
    public private(set) var following = true

    public init(folder: String) { self.folder = folder }

    /// The epoch in a name `checkpoint-N.pth`.
    public static func epoch(ofName name: String) -> Int? {
        guard name.hasPrefix("checkpoint-"), name.hasSuffix(".pth") else { return nil }
        return Int(name.dropFirst("checkpoint-".count).dropLast(".pth".count))
    }

    /// Looks at the folder again; returns whether the list or a file changed.
    public mutating func scan() -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var found: [Entry] = []
        for name in names {
            guard let epoch = Self.epoch(ofName: name) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            found.append(Entry(epoch: epoch, path: path,
                               stamp: [Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec), Int64(info.st_size)]))
        }
        found.sort { $0.epoch < $1.epoch }
        guard found != entries else { return false }
        let shownEpoch = selected.map { entries[$0].epoch }
        entries = found
        if entries.isEmpty {
            selected = nil
        } else if following || shownEpoch == nil {
            selected = entries.count - 1
        } else {
            // Keep showing the same epoch; if it went away, the nearest older one.
            selected = entries.lastIndex { $0.epoch <= shownEpoch! } ?? 0
        }
        return true
    }

    public var current: Entry? { selected.map { entries[$0] } }

    /// `,`: one checkpoint back. Returns whether the selection moved.
    public mutating func older() -> Bool {
        guard let i = selected, i > 0 else { return false }
        selected = i - 1
        following = false
        return true
    }

    /// `.`: one checkpoint on; at the newest, new checkpoints are followed again.
    public mutating func newer() -> Bool {
        guard let i = selected else { return false }
        if i + 1 < entries.count { selected = i + 1 }
        following = selected == entries.count - 1
        return selected != i
    }

    /// Whether the zip archive at `path` has been written to its end: its last 64 KiB + 22 bytes
    /// hold an end-of-central-directory record (PK\5\6) whose comment reaches the end exactly.
    public static func isComplete(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= 22 else { return false }
        let tail = min(size, 22 + 65_535)
        guard (try? handle.seek(toOffset: size - tail)) != nil,
              let data = try? handle.read(upToCount: Int(tail)), data.count == Int(tail) else { return false }
        let bytes = [UInt8](data)
        var i = bytes.count - 22
        while i >= 0 {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 {
                let comment = Int(bytes[i + 20]) | Int(bytes[i + 21]) << 8
                if i + 22 + comment == bytes.count { return true }
            }
            i -= 1
        }
        return false
    }
}
