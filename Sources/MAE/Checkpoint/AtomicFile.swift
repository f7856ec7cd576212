#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that a crash, a full disk or a kill at any moment leaves either the previous
/// file or the complete new one, never a torn mix: the bytes go to a temporary file in the same
/// directory (same file system, so the rename is atomic), which is fsynced, renamed over the
/// target, and then the directory is fsynced so the rename itself survives a power cut.
public enum AtomicFile {
    /// Receives the new file's bytes in order; only valid inside the `write` call.
    public struct Sink {
        let fd: Int32
        let path: String
        /// Bytes written so far.
        public private(set) var count = 0

        public mutating func write(_ raw: UnsafeRawBufferPointer) throws(CheckpointError) {
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .io(path: path, reason: "cannot write: \(systemError()); the previous file, if any, is unchanged")
                }
                p += n
                left -= n
                count += n
            }
        }

        public mutating func write(_ bytes: [UInt8]) throws(CheckpointError) {
            // Array's withUnsafeBytes rethrows untyped: convert back.
            do {
                try bytes.withUnsafeBytes { try write($0) }
            } catch let error as CheckpointError {
                throw error
            } catch {
                throw .io(path: path, reason: "cannot write: \(error)")
            }
        }
    }

    /// Atomically replaces (or creates) `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
        try write(to: path) { (sink: inout Sink) throws(CheckpointError) in try sink.write(bytes) }
    }

    /// Atomically replaces (or creates) `path` with what `body` writes into the sink, so large
    /// files stream from their source without a whole-file buffer.
    public static func write(to path: String, _ body: (inout Sink) throws(CheckpointError) -> Void) throws(CheckpointError) {
        try write(to: path, beforeRename: { () throws(CheckpointError) in }, body)
    }

    /// The same, with a hook that runs after the temporary file is complete and synced and before
    /// the rename: tests use it to simulate a crash at the worst moment.
    static func write(to path: String, beforeRename: () throws(CheckpointError) -> Void,
                      _ body: (inout Sink) throws(CheckpointError) -> Void) throws(CheckpointError) {
        let (dir, base) = split(path)
        if base.isEmpty { throw .io(path: path, reason: "cannot write: the path names a directory") }
        var rng = SystemRandomNumberGenerator()
        let temp = "\(dir)/.\(base).tmp-\(getpid())-\(String(rng.next() as UInt32, radix: 16))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw .io(path: path, reason: "cannot create a file in \(dir): \(systemError())")
        }
        var open = true
        func discard() {
            if open { close(fd); open = false }
            unlink(temp)
        }
        do throws(CheckpointError) {
            var sink = Sink(fd: fd, path: path)
            try body(&sink)
            if fsync(fd) != 0 {
                throw .io(path: path, reason: "cannot sync to disk: \(systemError()); the previous file, if any, is unchanged")
            }
            let closed = close(fd)
            open = false
            if closed != 0 {
                throw .io(path: path, reason: "cannot write: \(systemError()); the previous file, if any, is unchanged")
            }
            try beforeRename()
            if rename(temp, path) != 0 {
                throw .io(path: path, reason: "cannot replace the file: \(systemError()); the previous file, if any, is unchanged")
            }
        } catch {
            discard()
            throw error
        }
        syncDirectory(dir)
    }

    /// Makes renames and deletions in `dir` durable; file systems that cannot sync a directory
    /// need nothing more.
    public static func syncDirectory(_ dir: String) {
        let dfd = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// (directory, file name) of a path; "." for a bare name.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }
}
