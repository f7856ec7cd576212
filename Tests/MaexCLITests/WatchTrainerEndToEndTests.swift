import Foundation
import Testing
@testable import Training

/// `maex watch` on a run folder while a real trainer writes it, in tmux: the header follows the
/// trainer from running to stopped to finished, and the watch never holds the run's lock (a
/// trainer starts, and resumes, while it runs).
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct WatchTrainerEndToEndTests {
    @Test func theHeaderFollowsTheTrainerAndWatchLeavesTheLockAlone() throws {
        let f = try TrainCommandTests.Folders()
        defer { f.remove() }
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command("watch '\(f.run)'"))
        defer { tmux.kill() }
        func header(_ screen: String) -> String { String(screen.split(separator: "\n").first ?? "") }
        try tmux.waitFor("the waiting note") { $0.contains("waiting for") }

        let trainer = try RunLockCommandTests.BackgroundTrainer(f)
        defer { trainer.kill() }
        try trainer.waitUntilTraining(f)
        #expect(RunLock.owner(at: f.run + "/lock")?.pid == trainer.pid)
        try tmux.waitFor("running") { header($0).contains("running (pid \(trainer.pid))") && header($0).contains("img/s") }

        let stop = try MaexProcess.run(["stop", f.run, "--timeout", "120"])
        #expect(stop.status == 0, "\(stop.stderr)")
        trainer.process.waitUntilExit()
        try tmux.waitFor("stopped") { header($0).contains("stopped: SIGTERM") && !header($0).contains("ETA") }

        let step = try #require(RunLockCommandTests.lines(f).last?["step"] as? Int)
        let resumed = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", String(step + 2), "--no-tui"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try tmux.waitFor("finished") { header($0).contains("│ finished") && header($0).contains("step \(step + 2)/\(step + 2)") }

        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }
}
