import Foundation

/// Writing to standard output and error in a way that survives their terminal going away.
/// Foundation's `FileHandle.write(_: Data)` traps when write(2) fails (EIO once an SSH session or
/// a tmux server has gone), so every message maex prints goes through here: a failed write is
/// dropped, never fatal.
enum StandardStreams {
    /// Writes all of `text` to `fd`, retrying short writes and EINTR; other failures drop the rest.
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    static func error(_ text: String) { write(text, to: STDERR_FILENO) }
    static func output(_ text: String) {
        fflush(nil)  // what print() buffered goes first
        write(text, to: STDOUT_FILENO)
    }

    /// Points standard output and error (and so every later message, print() included) at
    /// `path`, appended to and created if need be, or at /dev/null when it cannot be opened;
    /// standard input reads /dev/null. For a process whose terminal is gone, or that starts
    /// detached from one. SIGPIPE is ignored, so a closed pipe is a failed write, not a death.
    @discardableResult
    static func redirect(toLog path: String?) -> Bool {
        signal(SIGPIPE, SIG_IGN)
        fflush(nil)
        var fd: Int32 = -1
        if let path { fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        let opened = fd >= 0
        if !opened { fd = open("/dev/null", O_WRONLY | O_CLOEXEC) }
        if fd >= 0 {
            dup2(fd, STDOUT_FILENO)
            dup2(fd, STDERR_FILENO)
            if fd > STDERR_FILENO { close(fd) }
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, STDIN_FILENO)
            if null > STDERR_FILENO { close(null) }
        }
        return opened
    }
}
