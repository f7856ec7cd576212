import Foundation
import Testing
@testable import Explorer
import Imaging

@Suite struct ReconstructionWorkerTests {
    /// A stand-in model that takes its time and records what it was asked.
    final class SlowEngine: ReconstructionEngine, @unchecked Sendable {
        let lock = NSLock()
        var seen: [Int] = []
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func run(_ request: ReconstructionRequest) -> ReconstructionOutcome {
            lock.lock(); seen.append(request.id); lock.unlock()
            if request.id == 1 { started.signal(); release.wait() }  // hold the first until told
            let image = RGBImage(width: 8, height: 8)
            return ReconstructionOutcome(id: request.id, imageIndex: 0,
                                         result: .success(ReconstructedImage(original: image, panels: [])))
        }
    }

    /// While one request computes, newer ones replace each other: only the newest runs next.
    /// Each finished one writes a byte to the wake pipe.
    @Test func servesTheNewestRequestOnly() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let engine = SlowEngine()
        let worker = ReconstructionWorker(engine: engine, wakeFD: fds[1])
        worker.start()
        defer { worker.stop() }
        func request(_ id: Int) -> ReconstructionRequest {
            ReconstructionRequest(id: id, imageIndex: 0, path: "x", masks: [[false]])
        }
        worker.submit(request(1))
        #expect(engine.started.wait(timeout: .now() + 10) == .success)
        for id in 2...5 { worker.submit(request(id)) }
        engine.release.signal()
        #expect(LatestRequestWorkerTests.readByte(fds[0], within: 10))
        #expect(LatestRequestWorkerTests.readByte(fds[0], within: 10))
        var finished: [Int] = []
        let deadline = Date().addingTimeInterval(10)
        while finished.count < 2 && Date() < deadline {
            finished += worker.takeFinished().map(\.id)
            usleep(1_000)
        }
        #expect(finished == [1, 5])
        #expect(engine.seen == [1, 5])
        #expect(!worker.busy)
    }
}
