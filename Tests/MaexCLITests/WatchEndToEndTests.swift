import Foundation
import Testing

/// `maex watch` for real in tmux, on an authors'-format log.txt the test appends to as a
/// training process would; the bytes the idle view sends are counted with pipe-pane.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct WatchEndToEndTests {
    static func epoch(_ e: Int, loss: Double) -> String {
        #"{"train_lr": 0.00015, "train_loss": \#(loss), "epoch": \#(e)}"# + "\n"
    }

    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "maex-watch-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func size(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    @Test func followsTheNewEpochAndAnIdleViewSendsNothing() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/run/log.txt"
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        try Self.append(Self.epoch(0, loss: 1.1) + Self.epoch(1, loss: 0.9), to: log)
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command("watch '\(log)'"))
        defer { tmux.kill() }
        func header(_ screen: String) -> String { String(screen.split(separator: "\n").first ?? "") }

        try tmux.waitFor("epoch 1") { header($0).contains("epoch 1") && header($0).contains("maex watch") }
        try Self.append(Self.epoch(2, loss: 0.8), to: log)
        try tmux.waitFor("the appended epoch") { header($0).contains("epoch 2") && header($0).contains("loss 0.8000") }

        // Idle: nothing reaches the terminal for two seconds (the view polls the file 4 times a second).
        let counted = dir + "/pane.out"
        _ = try TmuxSession.shell("tmux -L \(tmux.socket) pipe-pane -o 'cat >> \(counted)'")
        let quiet = Date().addingTimeInterval(2)
        while Date() < quiet {
            #expect(Self.size(counted) == 0)
            usleep(100_000)
        }
        #expect(Self.size(counted) == 0, "an idle watch sent \(Self.size(counted)) bytes")
        // The counter works: a new epoch is sent.
        try Self.append(Self.epoch(3, loss: 0.7), to: log)
        try tmux.waitFor("epoch 3") { header($0).contains("epoch 3") }
        let deadline = Date().addingTimeInterval(10)
        while Self.size(counted) == 0 && Date() < deadline { usleep(50_000) }
        #expect(Self.size(counted) > 0)

        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
        // It never wrote into the run folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/run") == ["log.txt"])
    }

    @Test func waitsForARunThatHasNotStarted() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = dir + "/later"
        let tmux = try TmuxSession(width: 100, height: 30, command: TrainTUIEndToEndTests.command("watch '\(run)'"))
        defer { tmux.kill() }
        try tmux.waitFor("the waiting note") { $0.contains("waiting for") }
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try Self.append(#"{"step": 10, "epoch": 0.5, "loss": 0.9, "lr": 0.0001, "images_per_s": 300, "elapsed": 1}"# + "\n",
                        to: run + "/metrics.jsonl")
        try tmux.waitFor("the first point") { $0.contains("step 10") && !$0.contains("waiting for") }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }
}
