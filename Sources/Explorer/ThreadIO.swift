import Foundation

/// Bytes this thread has written, from the kernel's per-thread I/O accounting: on the UI thread
/// that is what went to the terminal (the trainer and loader write files on threads of their own).
public enum ThreadIO {
    public static func bytesWritten() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/thread-self/io", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}
