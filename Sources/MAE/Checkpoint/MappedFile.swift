#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. Every size a checkpoint claims is checked against
/// `count`, the file's real size, before anything is read or allocated from it; the kernel pages
/// in only what is touched, so a 1.3 GB checkpoint costs no second copy.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The file's bytes (empty for an empty file). Immutable after init.
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    var count: Int { bytes.count }

    init(path: String) throws(CheckpointError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, reason: "cannot open: \(systemError())") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw .io(path: path, reason: "cannot stat: \(systemError())") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .io(path: path, reason: "is a directory, not a checkpoint file") }
        if (info.st_mode & S_IFMT) != S_IFREG { throw .io(path: path, reason: "is not a regular file") }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .io(path: path, reason: "cannot map into memory: \(systemError())")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        mapped = true
    }

    deinit {
        if mapped, let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Gives back the memory of the whole pages inside `range` (a part of `bytes`) once they have
    /// been read: the mapping is private and never written, so a later read simply pages them in
    /// again from the file. Loading a model this way keeps one copy of the weights resident (the
    /// model's Float buffer) instead of two (that buffer and the touched pages of the file).
    func release(_ range: UnsafeRawBufferPointer) {
        guard mapped, let start = range.baseAddress, range.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + range.count) / page * page
        guard end > first, let base = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(base, end - first, Int32(MADV_DONTNEED))
    }

    /// `count` bytes at `offset`, or nil when that range is not inside the file.
    func slice(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else { return nil }
        if count == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}

/// The C library's message for the current errno.
func systemError() -> String {
    let code = errno
    return String(cString: strerror(code))
}
