#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two formats decodeImage reads, told apart by their first bytes.
enum ImageFormat: Equatable {
    case png
    case jpeg

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The format whose magic bytes start `prefix` (at least 8 bytes unless the file is shorter).
    /// A file that is only the start of a PNG signature counts as PNG, so that it is reported
    /// as truncated rather than as not an image.
    static func sniff(_ prefix: [UInt8]) -> ImageFormat? {
        if !prefix.isEmpty, Array(pngSignature.prefix(prefix.count)) == Array(prefix.prefix(8)) { return .png }
        if prefix.count >= 2, prefix[0] == 0xFF, prefix[1] == 0xD8 { return .jpeg }
        return nil
    }
}

/// Thin file I/O with errors mapped to ImageError. Only regular files are read: a FIFO or a
/// device could block or never end.
enum ImageFile {
    /// The whole content of the file at `path`, after checking that it starts like an image.
    static func readImageBytes(_ path: String) throws(ImageError) -> (format: ImageFormat, bytes: [UInt8]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw openError(errno, path: path) }
        defer { close(fd) }

        var info = stat()
        if fstat(fd, &info) != 0 { throw .unreadable(path: path, reason: errnoText(errno)) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw .isDirectory(path: path) }
        if kind != S_IFREG { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        if size == 0 { throw .notAnImage(path: path, reason: "the file is empty") }
        if size > ImageLimits.maxFileBytes {
            throw .tooLarge(path: path, reason: "the file has \(size) bytes, more than the limit of \(ImageLimits.maxFileBytes)")
        }

        var bytes = [UInt8](repeating: 0, count: size)
        let prefixCount = try readFully(fd, into: &bytes, range: 0..<min(8, size), path: path)
        let prefix = Array(bytes[0..<prefixCount])
        guard let format = ImageFormat.sniff(prefix) else {
            throw .notAnImage(path: path, reason: "it starts with \(describe(prefix))")
        }
        let total = prefixCount + (try readFully(fd, into: &bytes, range: prefixCount..<size, path: path))
        // The file may have shrunk since fstat; a short read is then simply a shorter file.
        if total < size { bytes.removeSubrange(total..<size) }
        return (format, bytes)
    }

    /// Reads until `range` is filled or the file ends; returns the number of bytes read.
    private static func readFully(_ fd: Int32, into bytes: inout [UInt8], range: Range<Int>,
                                  path: String) throws(ImageError) -> Int {
        var done = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while done < range.count {
                let n = read(fd, buffer.baseAddress! + range.lowerBound + done, range.count - done)
                if n > 0 { done += n; continue }
                if n == 0 { break }
                if errno == EINTR { continue }
                failure = errno
                break
            }
        }
        if failure != 0 {
            if failure == EISDIR { throw .isDirectory(path: path) }
            throw .unreadable(path: path, reason: errnoText(failure))
        }
        return done
    }

    /// The ImageError for a failed open(2) of `path` with error number `code`.
    static func openError(_ code: Int32, path: String) -> ImageError {
        switch code {
        case ENOENT, ENOTDIR: .missingFile(path: path)
        case EISDIR: .isDirectory(path: path)
        case EACCES, EPERM: .unreadable(path: path, reason: "permission denied")
        default: .unreadable(path: path, reason: errnoText(code))
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }

    /// Printable start of a file for a "not an image" message: text as text, else hex bytes.
    static func describe(_ prefix: [UInt8]) -> String {
        if prefix.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
            let text = String(decoding: prefix, as: UTF8.self)
                .replacingNewlines()
            return "\"\(text)\""
        }
        return "the bytes " + prefix.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}

private extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
    }
}
