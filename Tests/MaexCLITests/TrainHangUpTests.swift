import Foundation
import Testing

/// A training run and the terminal it was started from: a hang-up with plain lines saves the
/// step it reached and exits 0; with the live view the run goes on headless to the end of its
/// plan; `--detach` starts it with no terminal at all. Real processes, real tmux servers, every
/// wait polling against a deadline.
@Suite(.serialized) struct TrainHangUpTests {
    typealias Folders = TrainCommandTests.Folders

    /// The run's metrics.jsonl lines as objects (none while it does not exist).
    static func lines(_ f: Folders) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: f.run + "/metrics.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func lastStep(_ f: Folders) -> Int {
        lines(f).filter { $0["loss"] != nil }.compactMap { ($0["step"] as? NSNumber)?.intValue }.max() ?? 0
    }

    static func checkpointSteps(_ f: Folders) -> [Int] {
        lines(f).filter { $0["event"] as? String == "checkpoint" }.compactMap { ($0["step"] as? NSNumber)?.intValue }
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass; false on timeout.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The pid of the `maex train` whose arguments name `run`, found in /proc.
    static func trainer(of run: String) -> pid_t? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first?.hasSuffix("maex") == true, arguments.contains("train"), arguments.contains(run) { return pid }
        }
        return nil
    }

    static func alive(_ pid: pid_t) -> Bool {
        // A zombie (exited, not yet reaped by its parent) counts as gone.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    static let model = TrainCommandTests.tinyModel

    @Test func aHangUpWithPlainLinesSavesTheStepItReachedAndExitsZero() throws {
        let f = try Folders()
        defer { f.remove() }
        let process = Process()
        process.executableURL = MaexProcess.executable
        process.arguments = ["train", "--data", f.data, "--run", f.run, "--config", Self.model, "--batch", "2",
                             "--threads", "1", "--steps", "1000000", "--log-every", "1", "--save-every", "1000000",
                             "--no-tui"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(Self.eventually(60) { Self.lastStep(f) >= 3 }, "the run never logged 3 steps")
        kill(process.processIdentifier, SIGHUP)
        let ended = Self.eventually(60) { !process.isRunning }
        #expect(ended, "the run did not end after SIGHUP")
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && process.terminationReason == .exit)
        let reached = Self.lastStep(f)
        #expect(Self.checkpointSteps(f) == [reached], "saved \(Self.checkpointSteps(f)), reached \(reached)")
        let log = (try? String(contentsOfFile: f.run + "/train.log", encoding: .utf8)) ?? ""
        #expect(log.contains("hang-up: finishing this step and saving") && log.contains("stopped at step \(reached)"), "\(log)")
    }

    /// The tmux server killed under `--no-tui` (the pane's terminal gone, SIGHUP to its
    /// processes): the run saves where it was; nothing traps writing to the dead terminal.
    @Test(.enabled(if: TmuxSession.available))
    func killingTmuxUnderPlainLinesSavesTheStepReached() throws {
        let f = try Folders()
        defer { f.remove() }
        let tmux = try TmuxSession(width: 100, height: 30, command: TrainTUIEndToEndTests.command(
            "train --data '\(f.data)' --run '\(f.run)' --config '\(Self.model)' --batch 2 --threads 1 --steps 1000000 "
            + "--log-every 1 --save-every 1000000 --no-tui"))
        defer { tmux.kill() }
        #expect(Self.eventually(60) { Self.lastStep(f) >= 3 }, "the run never logged 3 steps")
        let pid = try #require(Self.trainer(of: f.run))
        defer { if Self.alive(pid) { kill(pid, SIGKILL) } }
        tmux.kill()
        #expect(Self.eventually(60) { !Self.alive(pid) }, "the trainer outlived its terminal under --no-tui")
        let reached = Self.lastStep(f)
        #expect(Self.checkpointSteps(f) == [reached], "saved \(Self.checkpointSteps(f)), reached \(reached)")
        #expect(FileManager.default.fileExists(atPath: f.run + "/checkpoint.safetensors"))
    }

    /// The tmux server killed under the live view: the view detaches and the trainer goes on
    /// headless to the end of its plan, its messages in train.log.
    @Test(.enabled(if: TmuxSession.available))
    func killingTmuxUnderTheLiveViewLeavesTheRunToFinish() throws {
        let f = try Folders()
        defer { f.remove() }
        // Long enough to still be running once the view is up (about 15 s in a debug build).
        let steps = 4000
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command(
            "train --data '\(f.data)' --run '\(f.run)' --config '\(TrainTUIEndToEndTests.config)' --batch 2 --threads 1 "
            + "--steps \(steps) --log-every 10 --save-every 1000000 --tui"))
        defer { tmux.kill() }
        try tmux.waitFor("the live view") { $0.contains("maex train") && TrainTUIEndToEndTests.step($0) != nil }
        #expect(Self.eventually(60) { Self.lastStep(f) >= 10 }, "the run never logged 10 steps")
        let pid = try #require(Self.trainer(of: f.run))
        defer { if Self.alive(pid) { kill(pid, SIGKILL) } }
        let atKill = Self.lastStep(f)
        tmux.kill()
        #expect(Self.eventually(180) { !Self.alive(pid) }, "the headless run did not finish its \(steps) steps")
        #expect(atKill < steps && Self.lastStep(f) == steps, "stepped to \(Self.lastStep(f)) of \(steps) from \(atKill)")
        #expect(Self.checkpointSteps(f).last == steps)
        let log = (try? String(contentsOfFile: f.run + "/train.log", encoding: .utf8)) ?? ""
        #expect(log.contains("the terminal went away") && log.contains("done: step \(steps) of \(steps)"), "\(log)")
    }

    /// `--detach` returns once the run has started, with the commands to follow and stop it;
    /// the run goes on with no terminal, and `maex stop` saves and ends it.
    @Test func detachStartsTheRunInTheBackgroundAndStopEndsIt() throws {
        let f = try Folders()
        defer { f.remove() }
        let start = try MaexProcess.run(["train", "--data", f.data, "--run", f.run, "--config", Self.model, "--batch", "2",
                                         "--threads", "1", "--steps", "1000000", "--log-every", "1",
                                         "--save-every", "1000000", "--detach"])
        #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
        #expect(start.stdout.contains("maex watch \(f.run)") && start.stdout.contains("maex stop \(f.run)"), "\(start.stdout)")
        let pid = try #require(start.stdout.firstMatch(of: /pid (\d+)/).flatMap { pid_t($0.1) })
        defer { if Self.alive(pid) { kill(pid, SIGKILL) } }
        #expect(Self.alive(pid) && getsid(pid) == pid, "the run is the leader of a session of its own")
        #expect(Self.eventually(60) { Self.lastStep(f) >= 3 }, "the detached run never logged 3 steps")
        let stop = try MaexProcess.run(["stop", f.run])
        #expect(stop.status == 0, "\(stop.stdout)\(stop.stderr)")
        #expect(Self.eventually(60) { !Self.alive(pid) }, "the run outlived maex stop")
        #expect(Self.checkpointSteps(f).last == Self.lastStep(f))
        let log = (try? String(contentsOfFile: f.run + "/train.log", encoding: .utf8)) ?? ""
        #expect(log.contains("stopped at step"), "\(log)")
    }

    @Test func aDetachedRunThatCannotStartSaysWhy() throws {
        let f = try Folders()
        defer { f.remove() }
        let start = try MaexProcess.run(["train", "--data", f.data + "/missing", "--run", f.run, "--config", Self.model,
                                         "--steps", "5", "--detach"])
        #expect(start.status == 1 && start.stderr.contains("the run did not start")
                && start.stderr.contains("no such folder"), "\(start.stderr)")
    }
}
