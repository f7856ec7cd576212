import Foundation

/// The UI thread's wake-up call: worker threads and TerminalGuard's signal handler write a byte
/// to `writeFD`, and the UI thread sleeps in poll(2) on that pipe and the terminal together, so
/// it never waits on a worker. Both ends are non-blocking and close-on-exec; the pipe is
/// registered with TerminalGuard until `close()`.
final class WakePipe {
    let readFD: Int32
    let writeFD: Int32

    init() throws(ExplorerError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ExplorerError("cannot create a pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
        TerminalGuard.install(wakeFD: writeFD)
    }

    func close() {
        TerminalGuard.uninstall()
        _ = Foundation.close(readFD)
        _ = Foundation.close(writeFD)
    }

    /// Sleeps until the terminal has input, a wake byte arrives, a signal interrupts, or
    /// `timeout` milliseconds pass (−1: no limit), then empties the pipe. Returns false when the
    /// terminal went away (hang-up or error on standard input).
    func wait(timeout: Int32) throws(ExplorerError) -> Bool {
        var polls = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                     pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        let n = poll(&polls, 2, timeout)
        if n < 0 && errno != EINTR { throw ExplorerError("poll failed: \(String(cString: strerror(errno)))") }
        if polls[1].revents & Int16(POLLIN) != 0 {
            var sink = [UInt8](repeating: 0, count: 256)
            while read(readFD, &sink, sink.count) > 0 {}
        }
        return polls[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) == 0
    }
}
