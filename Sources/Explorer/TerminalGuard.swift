import Foundation

// Signal handlers can reach only globals; these are written before the handlers are installed
// and read by them (and by the UI loop for `pendingSignal`).
nonisolated(unsafe) private var wakeWriteFD: Int32 = -1
nonisolated(unsafe) private var pendingSignal: Int32 = 0
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var haveSavedTerminal = false
nonisolated(unsafe) private var suspendRequested: Int32 = 0

/// Restores the terminal whatever ends the program: SIGINT, SIGTERM and SIGHUP ask the UI loop
/// to quit cleanly (through the wake pipe); a second such signal, or a crash, restores the tty
/// modes and mouse tracking directly (async-signal-safe calls only) and ends the process.
public enum TerminalGuard {
    static let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    static let crashSignals: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGABRT, SIGFPE]

    /// Call before curses starts: remembers the tty modes and installs the handlers.
    public static func install(wakeFD: Int32) {
        wakeWriteFD = wakeFD
        haveSavedTerminal = tcgetattr(STDIN_FILENO, &savedTerminal) == 0
        for s in quitSignals {
            signal(s) { sig in
                if pendingSignal != 0 {
                    TerminalGuard.emergencyRestore()
                    _exit(128 + sig)
                }
                pendingSignal = sig
                var byte: UInt8 = 1
                _ = write(wakeWriteFD, &byte, 1)
            }
        }
        installSuspendHandler()
        for s in crashSignals {
            signal(s) { sig in
                TerminalGuard.emergencyRestore()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// Ctrl-Z: the UI loop leaves curses (mouse tracking off) before the process stops, and
    /// takes the screen back when it continues (ncurses' own handler would leave the mouse
    /// modes on, so the shell would receive mouse reports as typing).
    static func installSuspendHandler() {
        signal(SIGTSTP) { _ in
            suspendRequested = 1
            var byte: UInt8 = 2
            _ = write(wakeWriteFD, &byte, 1)
        }
    }

    /// Whether Ctrl-Z asked to suspend since the last call.
    public static func takeSuspendRequest() -> Bool {
        guard suspendRequested != 0 else { return false }
        suspendRequested = 0
        return true
    }

    /// Stops the process as the default SIGTSTP would; returns when it is continued.
    public static func stopProcess() {
        signal(SIGTSTP, SIG_DFL)
        kill(getpid(), SIGTSTP)
        installSuspendHandler()
    }

    /// The signal that asked to quit, if any.
    public static var requestedSignal: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    /// Puts the default handlers back (after curses has ended).
    public static func uninstall() {
        for s in quitSignals + crashSignals + [SIGTSTP] { signal(s, SIG_DFL) }
        wakeWriteFD = -1
    }

    /// Mouse tracking off, synchronized output off, cursor on, main screen, attributes reset,
    /// and the tty modes from before curses; write(2) and tcsetattr(3) are async-signal-safe.
    static func emergencyRestore() {
        let seq: StaticString = "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?2026l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
        _ = write(STDOUT_FILENO, seq.utf8Start, seq.utf8CodeUnitCount)
        if haveSavedTerminal { _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
    }

    /// Runs `body` with the window-size and quit signals blocked, so that threads it starts
    /// (and theirs, such as BLAS workers) inherit the block and the UI thread receives them.
    public static func withSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var block = sigset_t(), old = sigset_t()
        sigemptyset(&block)
        for s in [SIGWINCH] + quitSignals { sigaddset(&block, s) }
        pthread_sigmask(SIG_BLOCK, &block, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return try body()
    }
}
