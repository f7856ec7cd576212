import Foundation

/// Where the harnesses write the files their parsers open: a folder of this process's own, in
/// memory (/dev/shm) where there is one, removed at exit. The parsers are fuzzed through the
/// paths people use (a file name, mmap, stat), not through a side door.
public enum FuzzFiles {
    public static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array("\(base)/maex-fuzz-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("cannot make a scratch folder in \(base)") }
        let path = String(cString: made)
        atexit { try? FileManager.default.removeItem(atPath: FuzzFiles.folder) }
        return path
    }()

    /// `folder/name`, made if it is not there yet.
    public static func subfolder(_ name: String) -> String {
        let path = folder + "/" + name
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Replaces `folder/name` with `bytes` and returns its path.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, named name: String) -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("cannot write \(path)") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { fatalError("cannot write \(path)") }
            done += n
        }
        return path
    }

    @discardableResult
    public static func write(_ bytes: [UInt8], named name: String) -> String {
        bytes.withUnsafeBytes { write($0, named: name) }
    }

    /// A file of the source tree, for harnesses that pair the fuzzed bytes with a real file.
    public static func sourceFile(_ relative: String) -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(relative).path
        guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
        return Array(data)
    }
}
