import Foundation
import Testing
@testable import Explorer

@Suite struct RunLogParserTests {
    @Test func readsTheAuthorsLogFormat() {
        let line = #"{"train_lr": 7.97e-05, "train_loss": 0.9499, "epoch": 3, "n_parameters": 111907840}"#
        #expect(RunLogParser.parse(line) == .point(MetricPoint(step: 3, epoch: 3, loss: 0.9499, lr: 7.97e-05)))
    }

    @Test func readsMaexMetricsAndEvents() {
        let line = #"{"step": 120, "epoch": 1.5, "loss": 0.42, "loss_mean": 0.45, "lr": 0.0001, "images_per_s": 210.5, "time": 1.7e9, "elapsed": 33.2}"#
        #expect(RunLogParser.parse(line) == .point(MetricPoint(step: 120, epoch: 1.5, loss: 0.42, lr: 0.0001,
                                                               imagesPerSecond: 210.5, wallTime: 33.2, time: 1.7e9)))
        #expect(RunLogParser.parse(#"{"event": "checkpoint", "path": "run/checkpoint.safetensors", "step": 50}"#)
                == .event(RunEvent(name: "checkpoint", step: 50)))
        #expect(RunLogParser.parse(#"{"event": "started", "pid": 4242, "host": "box", "step": 0, "total_steps": 80, "time": 1.5e9}"#)
                == .event(RunEvent(name: "started", step: 0, time: 1.5e9, pid: 4242, host: "box", totalSteps: 80)))
        #expect(RunLogParser.parse(#"{"event": "stopped", "step": 7, "reason": "SIGTERM", "time": 1.5e9}"#)
                == .event(RunEvent(name: "stopped", step: 7, time: 1.5e9, reason: "SIGTERM")))
    }

    /// metrics.jsonl holds JSON only, so maex writes the NaN loss of a diverged step as null.
    @Test func maexsNullLossIsAPointWithANaNLoss() {
        guard case .point(let p) = RunLogParser.parse(#"{"step": 12, "epoch": 0.5, "loss": null, "lr": 0.001}"#)
        else {
            Issue.record("null-loss line not read")
            return
        }
        #expect(p.loss.isNaN && p.step == 12 && p.lr == 0.001)
        #expect(RunLogParser.parse(#"{"step": 12, "lr": 0.001}"#) == .malformed)
    }

    @Test func pythonsNaNIsAPointWithANaNLoss() {
        guard case .point(let p) = RunLogParser.parse(#"{"train_loss": NaN, "epoch": 7}"#) else {
            Issue.record("NaN line not read")
            return
        }
        #expect(p.loss.isNaN && p.step == 7)
    }

    @Test(arguments: [#"{"train_loss": 0.5, "epo"#, "garbage", "[1, 2]", #"{"loss": 0.3}"#, #"{"epoch": 2}"#])
    func truncatedAndGarbageLinesAreMalformed(line: String) {
        #expect(RunLogParser.parse(line) == .malformed)
    }

    @Test func blankLinesAreBlank() {
        #expect(RunLogParser.parse("   ") == .blank)
    }

    /// A step or epoch of 1e300 used to trap when it was made an Int: beyond 10¹⁵ the line is
    /// malformed, and an event's field is left unread.
    @Test func numbersTooLargeForAStepAreMalformedNotACrash() {
        #expect(RunLogParser.largestInteger == 1e15)
        #expect(RunLogParser.parse(#"{"step": 1e300, "loss": 0.5}"#) == .malformed)
        #expect(RunLogParser.parse(#"{"step": -1e300, "loss": 0.5}"#) == .malformed)
        #expect(RunLogParser.parse(#"{"train_loss": 0.5, "epoch": 1e300}"#) == .malformed)
        #expect(RunLogParser.parse(#"{"step": 1e15, "loss": 0.5}"#) == .malformed)
        #expect(RunLogParser.parse(#"{"step": 999999999999999, "loss": 0.5}"#) == .point(MetricPoint(step: 999_999_999_999_999, loss: 0.5)))
        #expect(RunLogParser.parse(#"{"event": "started", "step": 1e300, "total_steps": 1e300}"#) == .event(RunEvent(name: "started")))
    }

    /// A line of a million nested arrays is malformed; the JSON reader does not recurse to the end.
    @Test func deeplyNestedLinesAreMalformed() {
        let line = #"{"loss": "# + String(repeating: "[", count: 1_000_000)
        #expect(RunLogParser.parse(line) == .malformed)
    }
}

@Suite struct LogFollowerTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("maex-follow-\(UUID().uuidString).log").path
    }

    private func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func waitsForTheFileThenFollowsCompleteLines() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let follower = LogFollower(path: path)
        #expect(follower.poll() == .init())
        try append("a\nb\npart", to: path)
        #expect(follower.poll().lines == ["a", "b"])
        #expect(follower.poll().lines.isEmpty)
        try append("ial\n", to: path)
        #expect(follower.poll().lines == ["partial"])
    }

    @Test func startsOverWhenTruncated() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let follower = LogFollower(path: path)
        try append("one\ntwo\nthree\n", to: path)
        #expect(follower.poll().lines.count == 3)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: path))  // same inode, shorter
        let update = follower.poll()
        #expect(update.restarted)
        #expect(update.lines == ["x"])
    }

    /// A file that never ends its line is cut at `StreamFollower.maximumLine`, as a pipe is:
    /// memory stays bounded however long the line grows.
    @Test func aLineWithoutANewlineIsCutAtTheLimit() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let follower = LogFollower(path: path)
        try append("ok\n" + String(repeating: "x", count: StreamFollower.maximumLine - 4), to: path)
        #expect(follower.poll().lines == ["ok"])
        try append("yyyyy", to: path)                                        // one past the limit
        let cut = follower.poll().lines
        #expect(cut.count == 1 && cut.first?.utf8.count == StreamFollower.maximumLine)
        try append("z\n{\"step\": 1, \"loss\": 2}\n", to: path)
        #expect(follower.poll().lines == ["z", #"{"step": 1, "loss": 2}"#])
    }

    @Test func startsOverWhenReplaced() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let follower = LogFollower(path: path)
        try append("old 1\nold 2\nold 3\n", to: path)
        _ = follower.poll()
        let other = path + ".new"
        try Data("new 1\nnew 2\nnew 3\nnew 4\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, path) == 0)  // a new inode at the same path, longer than before
        let update = follower.poll()
        #expect(update.restarted)
        #expect(update.lines == ["new 1", "new 2", "new 3", "new 4"])
    }
}
