import Foundation
import Testing
@testable import Training

/// One trainer per run folder and `maex stop`, with real processes: a trainer in the
/// background (its output to files, so nothing blocks), polled against deadlines. Serialized:
/// a child started here inherits the pipes another test of the suite is reading at that moment,
/// which would then wait for that child to end.
@Suite(.serialized) struct RunLockCommandTests {
    typealias Folders = TrainCommandTests.Folders

    /// A `maex train` that runs until it is stopped, writing every step's line.
    final class BackgroundTrainer {
        let process = Process()
        let out: String, err: String

        init(_ f: Folders, extra: [String] = []) throws {
            out = f.root + "/train.out"
            err = f.root + "/train.err"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            process.executableURL = MaexProcess.executable
            process.arguments = ["train", "--data", f.data, "--run", f.run, "--config", TrainCommandTests.tinyModel,
                                 "--batch", "2", "--threads", "1", "--steps", "1000000", "--log-every", "1",
                                 "--save-every", "1000000", "--no-tui"] + extra
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var stderr: String { (try? String(contentsOfFile: err, encoding: .utf8)) ?? "" }

        /// Waits for its "started" line in metrics.jsonl and its first step.
        func waitUntilTraining(_ f: Folders) throws {
            try RunLockCommandTests.waitUntil("the trainer's first step") {
                let lines = RunLockCommandTests.lines(f)
                return lines.contains { $0["event"] as? String == "started" } && lines.contains { $0["loss"] != nil }
            }
        }

        /// Ends it whatever happened (a failed test must not leave it training).
        func kill() {
            if process.isRunning { process.terminate(); Foundation.kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
    }

    static func waitUntil(_ what: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
                          _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { usleep(20_000) }
        try #require(condition(), "waited \(seconds) s for \(what)", sourceLocation: sourceLocation)
    }

    /// The lines of metrics.jsonl that parse (the trainer may be writing the last one).
    static func lines(_ f: Folders) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: f.run + "/metrics.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A pid that was alive a moment ago and is not now.
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    static func writeLock(_ f: Folders, pid: Int32, host: String) throws {
        try FileManager.default.createDirectory(atPath: f.run, withIntermediateDirectories: true)
        try Data("{\"pid\": \(pid), \"host\": \"\(host)\", \"started\": 1700000000.5}\n".utf8)
            .write(to: URL(fileURLWithPath: f.run + "/lock"))
    }

    /// A second trainer, new or resumed, is refused while the first runs, naming it; then
    /// `maex stop` saves and stops the first, which exits 0, and the folder is free again.
    @Test func aSecondTrainerIsRefusedAndStopSavesTheFirst() throws {
        let f = try Folders()
        defer { f.remove() }
        let first = try BackgroundTrainer(f)
        defer { first.kill() }
        try first.waitUntilTraining(f)

        let lock = try String(contentsOfFile: f.run + "/lock", encoding: .utf8)
        #expect(lock.contains("\"pid\": \(first.pid)") && lock.contains("\"host\": \"\(RunLock.hostName)\""), "\(lock)")
        let fresh = try TrainCommandTests.train(f, ["--steps", "2"])
        #expect(fresh.status == 1)
        #expect(fresh.stderr.contains("pid \(first.pid) on \(RunLock.hostName), started 20"), "\(fresh.stderr)")
        #expect(fresh.stderr.contains("maex stop \(f.run)"))
        let resumed = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", "2"])
        #expect(resumed.status == 1 && resumed.stderr.contains("pid \(first.pid)"), "\(resumed.stderr)")
        // The refused trainers wrote nothing: the first one's lines are still there.
        #expect(Self.lines(f).first?["pid"] as? Int == Int(first.pid))

        let stop = try MaexProcess.run(["stop", f.run, "--timeout", "120"])
        #expect(stop.status == 0, "\(stop.stderr)")
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 0, "\(first.stderr)")
        let lines = Self.lines(f)
        let end = try #require(lines.last)
        #expect(end["event"] as? String == "stopped" && end["reason"] as? String == "SIGTERM", "\(end)")
        let step = try #require(end["step"] as? Int)
        // The checkpoint of that step was written before stop returned, and stop says so.
        #expect(lines.contains { $0["event"] as? String == "checkpoint" && $0["step"] as? Int == step })
        #expect(try f.metadata("optimizer.safetensors")["step"] == String(step))
        #expect(stop.stdout.contains("stopped at step \(step); saved \(f.run)/checkpoint.safetensors"), "\(stop.stdout)")
        #expect(try String(contentsOfFile: f.run + "/lock", encoding: .utf8).isEmpty)

        // No live trainer now: a clear message and exit 1.
        let again = try MaexProcess.run(["stop", f.run])
        #expect(again.status == 1 && again.stderr.contains("no trainer is running"), "\(again.stderr)")
    }

    @Test func aStaleLockIsTakenOverWithAWarning() throws {
        let f = try Folders()
        defer { f.remove() }
        let dead = try Self.deadPID()
        try Self.writeLock(f, pid: dead, host: RunLock.hostName)
        let result = try TrainCommandTests.train(f, ["--steps", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: took over \(f.run)/lock from pid \(dead) on \(RunLock.hostName)"),
                "\(result.stderr)")
        // A clean exit leaves the lock empty: the next trainer has nothing to warn about.
        let resumed = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", "2"])
        #expect(resumed.status == 0 && !resumed.stderr.contains("took over"), "\(resumed.stderr)")
    }

    /// A lock naming a dead pid that nobody holds: stop sends nothing and says why.
    @Test func stopWithoutALiveTrainerIsAClearError() throws {
        let f = try Folders()
        defer { f.remove() }
        let missing = try MaexProcess.run(["stop", f.run])
        #expect(missing.status == 1 && missing.stderr.contains("no such run folder"), "\(missing.stderr)")
        let dead = try Self.deadPID()
        try Self.writeLock(f, pid: dead, host: RunLock.hostName)
        let stale = try MaexProcess.run(["stop", f.run])
        #expect(stale.status == 1, "\(stale.stderr)")
        #expect(stale.stderr.contains("no trainer is running") && stale.stderr.contains("pid \(dead)")
                && stale.stderr.contains("no longer holds it"), "\(stale.stderr)")
        #expect(!stale.stdout.contains("asked pid"))
    }

    /// A lock taken on another host (a shared file system): stop refuses to signal the pid
    /// here, which may be any process. A trainer of another folder stands in for that process
    /// (children of the test runner inherit its blocked signals, but maex's handlers still see
    /// SIGTERM): it must still be training afterwards.
    @Test func stopRefusesALockOfAnotherHost() throws {
        let f = try Folders(), other = try Folders()
        defer { f.remove(); other.remove() }
        let bystander = try BackgroundTrainer(other)
        defer { bystander.kill() }
        try bystander.waitUntilTraining(other)
        try Self.writeLock(f, pid: bystander.pid, host: "elsewhere.example")
        let result = try MaexProcess.run(["stop", f.run])
        #expect(result.status == 1)
        #expect(result.stderr.contains("pid \(bystander.pid) on elsewhere.example")
                && result.stderr.contains("not on this host"), "\(result.stderr)")
        try Self.expectUntouched(bystander, other)
    }

    /// A pid on this host, alive, that does not hold the run's lock (nobody does): stop must not
    /// signal it either.
    @Test func stopSignalsOnlyTheHolderOfTheLock() throws {
        let f = try Folders(), other = try Folders()
        defer { f.remove(); other.remove() }
        let bystander = try BackgroundTrainer(other)
        defer { bystander.kill() }
        try bystander.waitUntilTraining(other)
        try Self.writeLock(f, pid: bystander.pid, host: RunLock.hostName)
        let result = try MaexProcess.run(["stop", f.run])
        #expect(result.status == 1 && result.stderr.contains("no longer holds it"), "\(result.stderr)")
        try Self.expectUntouched(bystander, other)
    }

    /// The trainer got no signal: half a second later it still trains and wrote no end.
    static func expectUntouched(_ t: BackgroundTrainer, _ f: Folders, sourceLocation: SourceLocation = #_sourceLocation) throws {
        usleep(500_000)
        #expect(t.process.isRunning, sourceLocation: sourceLocation)
        #expect(!t.stderr.contains("terminate"), sourceLocation: sourceLocation)
        #expect(!lines(f).contains { $0["event"] as? String == "stopped" }, sourceLocation: sourceLocation)
    }
}
