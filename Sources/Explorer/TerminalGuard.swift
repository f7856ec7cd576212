import Foundation
import Synchronization

// Signal handlers can reach only globals, and may make only async-signal-safe calls: what they
// share with the UI loop is in lock-free atomics. A Swift global is initialised on first use,
// behind a once-lock a handler must never be the one to take, so `install` touches each of
// these before it installs the first handler.
private let wakeWriteFD = Atomic<Int32>(-1)
private let pendingSignal = Atomic<Int32>(0)
private let suspendRequested = Atomic<Bool>(false)
private let haveSavedTerminal = Atomic<Bool>(false)
private let hangUpsIgnored = Atomic<Bool>(false)
// The tty modes: a struct no atomic holds. Written by `install` before it sets
// `haveSavedTerminal`, only read after; a pointer, so a handler's read is no Swift access to
// a global variable (which the exclusivity checks would track).
nonisolated(unsafe) private let savedTerminal = UnsafeMutablePointer<termios>.allocate(capacity: 1)
// ncurses' SIGWINCH handler, which ours runs first: stored before ours is installed, only read
// after.
nonisolated(unsafe) private let cursesResizeHandler = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
private let resizeChained = Atomic<Bool>(false)

/// Restores the terminal whatever ends the program: SIGINT, SIGTERM and SIGHUP ask the UI loop
/// to quit cleanly (through the wake pipe); a second such signal, or a crash, restores the tty
/// modes and mouse tracking directly (async-signal-safe calls only) and ends the process.
public enum TerminalGuard {
    static let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    static let crashSignals: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGABRT, SIGFPE]

    /// Call before curses starts: remembers the tty modes and installs the handlers.
    public static func install(wakeFD: Int32) {
        wakeWriteFD.store(wakeFD, ordering: .releasing)
        _ = pendingSignal.load(ordering: .relaxed)
        _ = suspendRequested.load(ordering: .relaxed)
        haveSavedTerminal.store(tcgetattr(STDIN_FILENO, savedTerminal) == 0, ordering: .releasing)
        for s in quitSignals {
            signal(s) { sig in
                // The first quit signal is recorded for the UI loop; a second one ends the process,
                // but not a hang-up: one arrives from tmux and another from the kernel when a
                // terminal goes away, and nobody is left pressing anything twice.
                guard pendingSignal.compareExchange(expected: 0, desired: sig, ordering: .acquiringAndReleasing).exchanged else {
                    if sig == SIGHUP { return }
                    TerminalGuard.emergencyRestore()
                    _exit(128 + sig)
                }
                var byte: UInt8 = 1
                _ = write(wakeWriteFD.load(ordering: .acquiring), &byte, 1)
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
            suspendRequested.store(true, ordering: .releasing)
            var byte: UInt8 = 2
            _ = write(wakeWriteFD.load(ordering: .acquiring), &byte, 1)
        }
    }

    /// Whether Ctrl-Z asked to suspend since the last call.
    public static func takeSuspendRequest() -> Bool {
        // One exchange: a Ctrl-Z that lands between a test and a reset is not lost.
        suspendRequested.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Stops the process as the default SIGTSTP would; returns when it is continued.
    public static func stopProcess() {
        signal(SIGTSTP, SIG_DFL)
        kill(getpid(), SIGTSTP)
        installSuspendHandler()
    }

    /// The signal that asked to quit, if any.
    public static var requestedSignal: Int32? {
        let sig = pendingSignal.load(ordering: .acquiring)
        return sig == 0 ? nil : sig
    }

    /// After newterm, which installs ncurses' SIGWINCH handler. The signal goes to any thread
    /// that does not block it, OpenBLAS's own among them (they start before the UI blocks
    /// anything), so ncurses' handler alone may run where the UI thread, asleep in poll, never
    /// hears of it, and a resize would wait for the next key. This runs ncurses' handler and then
    /// writes a byte to the wake pipe, whichever thread the signal lands on. Once a process:
    /// ncurses leaves a handler that is not the default in place.
    public static func wakeOnResize() {
        guard !resizeChained.load(ordering: .acquiring) else { return }
        _ = wakeWriteFD.load(ordering: .relaxed)  // initialised here, never first in the handler
        sigaction(SIGWINCH, nil, cursesResizeHandler)
        resizeChained.store(true, ordering: .releasing)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            let saved = errno
            // SIG_DFL is nil and SIG_IGN is 1: only a real handler is called.
            if let curses = cursesResizeHandler.pointee.__sigaction_handler.sa_handler,
               unsafeBitCast(curses, to: Int.self) > 1 {
                curses(sig)
            }
            let fd = wakeWriteFD.load(ordering: .acquiring)
            if fd >= 0 {
                var byte: UInt8 = 1
                _ = write(fd, &byte, 1)
            }
            errno = saved
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGWINCH, &action, nil)
    }

    /// The terminal went away and the process goes on without it (a detached training run):
    /// SIGHUP is ignored from `uninstall` on, since a late one (tmux and the kernel each send
    /// one) must not end it.
    public static func ignoreHangUps() {
        hangUpsIgnored.store(true, ordering: .releasing)
    }

    /// Puts the default handlers back (after curses has ended); SIGHUP stays ignored after
    /// `ignoreHangUps`.
    public static func uninstall() {
        for s in quitSignals + crashSignals + [SIGTSTP] { signal(s, SIG_DFL) }
        if hangUpsIgnored.load(ordering: .acquiring) { signal(SIGHUP, SIG_IGN) }
        wakeWriteFD.store(-1, ordering: .releasing)
    }

    /// Mouse tracking off, synchronized output off, cursor on, main screen, attributes reset,
    /// and the tty modes from before curses; write(2) and tcsetattr(3) are async-signal-safe.
    static func emergencyRestore() {
        let seq: StaticString = "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?2026l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
        _ = write(STDOUT_FILENO, seq.utf8Start, seq.utf8CodeUnitCount)
        if haveSavedTerminal.load(ordering: .acquiring) { _ = tcsetattr(STDIN_FILENO, TCSANOW, savedTerminal) }
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
