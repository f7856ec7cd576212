import Foundation
import Testing
@testable import Explorer

/// The authors' checkpoint-N.pth files as they appear, `,` and `.`, and a file still being written.
@Suite struct CheckpointTimelineTests {
    @Test func followsTheNewestUntilStepsBack() throws {
        let dir = try WatchFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func add(_ epoch: Int) throws {
            try FileManager.default.copyItem(atPath: WatchFixtures.path("authors-run/checkpoint-\(epoch).pth"),
                                             toPath: dir + "/checkpoint-\(epoch).pth")
        }
        var t = CheckpointTimeline(folder: dir)
        var moved = t.scan()
        #expect(!moved && t.current == nil)
        try add(0)
        try add(20)
        moved = t.scan()
        #expect(moved)
        #expect(t.entries.map(\.epoch) == [0, 20] && t.current?.epoch == 20)
        moved = t.older()
        #expect(moved && t.current?.epoch == 0)
        moved = t.older()
        #expect(!moved)
        // Looking back: a new checkpoint is listed but the selection stays.
        try add(40)
        moved = t.scan()
        #expect(moved && t.entries.count == 3 && t.current?.epoch == 0)
        moved = t.newer()
        #expect(moved && t.current?.epoch == 20)
        moved = t.newer()
        #expect(moved && t.current?.epoch == 40)
        moved = t.newer()
        #expect(!moved)
        moved = t.scan()
        #expect(!moved)
        #expect(CheckpointTimeline.epoch(ofName: "checkpoint-120.pth") == 120)
        #expect(CheckpointTimeline.epoch(ofName: "checkpoint-best.pth") == nil)
    }

    @Test func aHalfWrittenCheckpointIsNotComplete() throws {
        let dir = try WatchFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = try WatchFixtures.bytes("authors-run/checkpoint-20.pth")
        let path = dir + "/checkpoint-20.pth"
        #expect(CheckpointTimeline.isComplete(WatchFixtures.path("authors-run/checkpoint-20.pth")))
        for cut in [0, 10, whole.count / 2, whole.count - 30, whole.count - 1] {
            try Data(whole[0..<cut]).write(to: URL(fileURLWithPath: path))
            #expect(!CheckpointTimeline.isComplete(path), "cut at \(cut)")
        }
    }
}

/// `maex watch -`: lines from a pipe, without blocking, the last one without its newline at the end.
@Suite struct StreamFollowerTests {
    @Test func handsOutCompleteLinesAndTheLastAtTheEnd() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let follower = StreamFollower(descriptor: fds[0])
        defer { close(fds[0]) }
        #expect(follower.poll().isEmpty && !follower.ended)  // nothing yet, and it did not block
        _ = "{\"a\": 1}\n{\"b\"".withCString { write(fds[1], $0, strlen($0)) }
        #expect(follower.poll() == ["{\"a\": 1}"])
        _ = ": 2}\r\ntail".withCString { write(fds[1], $0, strlen($0)) }
        #expect(follower.poll() == ["{\"b\": 2}"])
        close(fds[1])
        #expect(follower.poll() == ["tail"])
        #expect(follower.ended)
    }
}
