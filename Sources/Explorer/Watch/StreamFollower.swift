import Foundation

/// Lines from a pipe (`maex watch -`: `ssh gpu-node tail -f out/log.txt | maex watch -`), read
/// without blocking so the UI thread never waits on the writer. Like LogFollower it hands out
/// complete lines and keeps a half-written last one; at the end of the stream a last line
/// without its newline is handed out too. A line longer than `maximumLine` is cut there (and
/// will not parse), so a stream without newlines cannot use up memory.
public final class StreamFollower {
    /// The longest line handed out, for a pipe and for a followed file (LogFollower): 1 MiB,
    /// far past any metrics line (about 200 bytes).
    public static let maximumLine = 1 << 20

    public let descriptor: Int32
    public private(set) var ended = false
    private var pending: [UInt8] = []

    /// Reads `descriptor` (made non-blocking here); the caller keeps it open.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    /// The complete lines that arrived since the last call.
    public func poll() -> [String] {
        guard !ended else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        // At most 4 MiB a poll: a fast writer cannot hold the UI thread.
        for _ in 0..<64 {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                pending.append(contentsOf: buffer[0..<n])
                continue
            }
            if n == 0 { ended = true }
            if n < 0 && errno == EINTR { continue }
            break  // EAGAIN: nothing more for now
        }
        var lines: [String] = []
        var start = 0
        for i in pending.indices where pending[i] == UInt8(ascii: "\n") {
            lines.append(Self.text(pending[start..<i]))
            start = i + 1
        }
        pending.removeFirst(start)
        if pending.count > Self.maximumLine {
            lines.append(Self.text(pending[0..<Self.maximumLine]))
            pending.removeAll()
        }
        if ended && !pending.isEmpty {
            lines.append(Self.text(pending[...]))
            pending.removeAll()
        }
        return lines
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes, as: UTF8.self)
    }
}
