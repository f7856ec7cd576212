import Foundation
import Testing
@testable import Explorer

/// TerminalGuard's handlers, installed for real in this process. Only Ctrl-Z (SIGTSTP) is
/// raised: its flag is taken and cleared, while a quit signal's stays set for the process.
@Suite(.serialized) struct TerminalGuardTests {
    @Test func ctrlZSetsTheSuspendFlagOnceAndWakesTheLoop() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        // A missing wake byte must fail the read, not hang it.
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        #expect(!TerminalGuard.takeSuspendRequest())
        TerminalGuard.install(wakeFD: fds[1])
        defer { TerminalGuard.uninstall() }

        // The test runner's threads block SIGTSTP: unblock it on this thread alone, so the
        // handler runs here before raise returns (and nothing stays pending).
        var tstp = sigset_t(), saved = sigset_t()
        sigemptyset(&tstp)
        sigaddset(&tstp, SIGTSTP)
        pthread_sigmask(SIG_UNBLOCK, &tstp, &saved)
        raise(SIGTSTP)
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        var byte: UInt8 = 0
        #expect(read(fds[0], &byte, 1) == 1)
        #expect(byte == 2, "the suspend handler writes 2 on the wake pipe")
        #expect(TerminalGuard.takeSuspendRequest())
        #expect(!TerminalGuard.takeSuspendRequest(), "a request is taken once")
        #expect(TerminalGuard.requestedSignal == nil, "Ctrl-Z is no request to quit")
        #expect(read(fds[0], &byte, 1) == -1, "one byte for one signal")
    }
}
