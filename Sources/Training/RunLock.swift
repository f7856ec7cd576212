import Foundation

/// One trainer per run folder. RUN/lock holds one JSON line naming the trainer,
///
///     {"pid": 4242, "host": "box", "started": 1764583200.5}
///
/// (`started`: Unix seconds), and that process keeps an exclusive flock(2) on the file for the
/// run's lifetime. The kernel drops a flock when its process ends, however it ends (kill -9
/// too), so a lock file that names a pid while nobody holds its flock is stale: the next
/// trainer takes it over (and says so). A clean release empties the file; it is never removed,
/// since a removed lock file could be locked under two inodes at once.
///
/// Readers (`maex watch`, `maex stop`) never lock it: they read the line and ask /proc/locks
/// which process, if any, holds the flock.
public final class RunLock: @unchecked Sendable {
    /// Who holds (or held) a run's lock.
    public struct Owner: Equatable, Sendable, Codable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        /// Unix seconds.
        public var started: Double

        public init(pid: Int32, host: String, started: Double) {
            self.pid = pid
            self.host = host
            self.started = started
        }

        /// "pid 4242 on box, started 2026-12-01 10:00:00"
        public var description: String {
            "pid \(pid) on \(host), started \(RunLock.localTime(started))"
        }
    }

    /// Whether a process holds a lock file's flock, as /proc/locks tells.
    public enum Holder: Equatable, Sendable {
        case process(Int32)
        case nobody
        /// /proc/locks cannot be read.
        case unknown
    }

    public let path: String
    public let owner: Owner
    /// The holder a stale lock named when this one took it over.
    public let tookOver: Owner?
    private let guardLock = NSLock()
    private var fd: Int32

    private init(path: String, owner: Owner, tookOver: Owner?, fd: Int32) {
        self.path = path
        self.owner = owner
        self.tookOver = tookOver
        self.fd = fd
    }

    deinit { release() }

    /// Takes the lock at `path` (the file is created if needed) for this process, or throws
    /// `.locked` naming the process that holds it.
    public static func acquire(path: String, folder: String) throws(RunError) -> RunLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            let owner = read(fd: fd)
            close(fd)
            if error == EWOULDBLOCK { throw .locked(path: folder, owner: owner) }
            throw .io(path: path, reason: "cannot lock the file: \(String(cString: strerror(error)))")
        }
        let previous = read(fd: fd)
        let me = Owner(pid: getpid(), host: hostName, started: Date().timeIntervalSince1970)
        let line = Array(line(me).utf8) + [10]
        let written = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard ftruncate(fd, off_t(line.count)) == 0, written == line.count else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .io(path: path, reason: "cannot write the lock file: \(reason)")
        }
        _ = fsync(fd)
        return RunLock(path: path, owner: me, tookOver: previous, fd: fd)
    }

    /// Empties the file and drops the flock (also done at deinit and, by the kernel, at exit).
    public func release() {
        guardLock.withLock {
            guard fd >= 0 else { return }
            _ = ftruncate(fd, 0)
            close(fd)
            fd = -1
        }
    }

    // MARK: reading without locking

    /// The holder the file names; nil when it is missing, empty or not such a line.
    public static func owner(at path: String) -> Owner? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd: fd)
    }

    /// The process that holds the flock on the file at `path`, read from /proc/locks (which
    /// lists every flock with its pid and the file's device and inode). A missing file is
    /// held by nobody. Locks taken on another host of a network file system are not listed.
    public static func holder(of path: String) -> Holder {
        var info = stat()
        guard stat(path, &info) == 0 else { return .nobody }
        guard let text = readAll("/proc/locks") else { return .unknown }
        return holder(inLocks: text, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The pid of the exclusive FLOCK line on (device, inode) in /proc/locks' text, whose lines
    /// read "1: FLOCK  ADVISORY  WRITE 4242 fe:00:16223565 0 EOF" (blocked waiters have "->"
    /// after the number and are not holders).
    static func holder(inLocks text: String, device: UInt64, inode: UInt64) -> Holder {
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[1] == "FLOCK", f[3] == "WRITE", let pid = Int32(f[4]) else { continue }
            let id = f[5].split(separator: ":")
            guard id.count == 3, UInt64(id[0], radix: 16) == major, UInt64(id[1], radix: 16) == minor,
                  UInt64(id[2]) == inode else { continue }
            return .process(pid)
        }
        return .nobody
    }

    /// This machine's name (gethostname).
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func line(_ o: Owner) -> String {
        MetricsLog.line(["pid": .int(Int(o.pid)), "host": .string(o.host), "started": .double(o.started)])
    }

    static func parse(_ text: String) -> Owner? {
        guard let first = text.split(separator: "\n").first else { return nil }
        return try? JSONDecoder().decode(Owner.self, from: Data(first.utf8))
    }

    /// The holder a lock file's first 4 KB name (a line is far shorter).
    private static func read(fd: Int32) -> Owner? {
        readToEnd(fd, limit: 4096).flatMap(parse)
    }

    /// The whole of a file whose size stat does not tell (procfs).
    private static func readAll(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readToEnd(fd, limit: .max)
    }

    /// What `fd` holds from where it stands (a file just opened: its start), up to about
    /// `limit` bytes; nil when a read fails.
    private static func readToEnd(_ fd: Int32, limit: Int) -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "2026-12-01 10:00:00" in local time.
    public static func localTime(_ unixSeconds: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: Date(timeIntervalSince1970: unixSeconds))
    }
}

extension RunDirectory {
    /// RUN/lock (`RunLock`).
    public var lockPath: String { file("lock") }

    /// Takes the run's lock for this process (see `RunLock`); `creating` makes the folder
    /// (and its parents) first, for a new run.
    public func lock(creating: Bool = false) throws(RunError) -> RunLock {
        if creating { try makeFolder() }
        return try RunLock.acquire(path: lockPath, folder: path)
    }
}
