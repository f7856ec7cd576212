import Foundation
import Testing
@testable import Explorer

@Suite struct LatestRequestWorkerTests {
    /// Work that records what it was asked and holds the first request until released.
    final class HeldWork: @unchecked Sendable {
        let lock = NSLock()
        var seen: [Int] = []
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func run(_ request: Int) -> String {
            lock.withLock { seen.append(request) }
            if request == 1 { started.signal(); _ = release.wait(timeout: .now() + 10) }
            return "done \(request)"
        }

        var seenSoFar: [Int] { lock.withLock { seen } }
    }

    /// Reads one byte from `fd`, waiting at most `seconds`.
    static func readByte(_ fd: Int32, within seconds: Double) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(seconds * 1000)) == 1 else { return false }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 1
    }

    /// Polls `take` until `count` outcomes have arrived or the deadline passes.
    static func collect(_ count: Int, within seconds: Double, _ take: () -> [String]) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while out.count < count && Date() < deadline {
            out += take()
            usleep(1_000)
        }
        return out
    }

    /// Requests submitted while one runs replace each other: only the first and the last run,
    /// each finished one writes a byte to the wake pipe, and outcomes come back oldest first.
    @Test func servesTheNewestRequestOnly() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let work = HeldWork()
        let worker = LatestRequestWorker<Int, String>(name: "test worker", stackSize: 1 << 20, keep: 8,
                                                      wakeFD: fds[1], work: work.run)
        worker.start()
        defer { worker.stop() }

        worker.submit(1)
        #expect(work.started.wait(timeout: .now() + 10) == .success)
        for id in 2...4 { worker.submit(id) }
        #expect(worker.isBusy)
        work.release.signal()

        #expect(Self.readByte(fds[0], within: 10))
        #expect(Self.readByte(fds[0], within: 10))
        let finished = Self.collect(2, within: 10, worker.takeFinished)
        #expect(finished == ["done 1", "done 4"])
        #expect(work.seenSoFar == [1, 4])
        #expect(!worker.isBusy)
        #expect(worker.takeFinished().isEmpty)
    }

    /// Only the newest `keep` outcomes are held for the UI; older ones are dropped.
    @Test func keepsTheNewestOutcomesOnly() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let worker = LatestRequestWorker<Int, String>(name: "test worker", stackSize: 1 << 20, keep: 2,
                                                      wakeFD: fds[1], work: { "done \($0)" })
        worker.start()
        defer { worker.stop() }

        // Submit one at a time, waiting for each to finish, so none is replaced.
        for id in 1...4 {
            worker.submit(id)
            #expect(Self.readByte(fds[0], within: 10))
        }
        #expect(worker.takeFinished() == ["done 3", "done 4"])
    }

    /// `stop` drops a request that has not started, so the held one is the last to run.
    @Test func stopDropsThePendingRequest() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let work = HeldWork()
        let worker = LatestRequestWorker<Int, String>(name: "test worker", stackSize: 1 << 20, keep: 8,
                                                      wakeFD: fds[1], work: work.run)
        worker.start()

        worker.submit(1)
        #expect(work.started.wait(timeout: .now() + 10) == .success)
        worker.submit(2)
        worker.stop()
        work.release.signal()

        #expect(Self.readByte(fds[0], within: 10))
        #expect(Self.collect(1, within: 10, worker.takeFinished) == ["done 1"])
        #expect(!Self.readByte(fds[0], within: 0.2))
        #expect(work.seenSoFar == [1])
    }
}
