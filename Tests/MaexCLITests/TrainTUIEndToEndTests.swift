import Foundation
import Testing

/// `maex train --tui` for real, in a detached tmux server of its own: a shrunk model on three
/// of the bundled images. Every wait polls the pane against a deadline, and the server is
/// killed on every way out of the test.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct TrainTUIEndToEndTests {
    static let config = #"{"img_size": 32, "patch_size": 8, "embed_dim": 32, "depth": 1, "num_heads": 2, "decoder_embed_dim": 32, "decoder_depth": 1, "decoder_num_heads": 2}"#

    /// A temporary folder holding data/ with three bundled images.
    static func dataFolder() throws -> URL {
        let root = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("maex-live-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Assets/images")
        for name in ["astronaut.png", "coffee.png", "chelsea.png"] {
            try FileManager.default.copyItem(at: assets.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        return root
    }

    static func command(_ arguments: String) -> String {
        let bin = MaexProcess.executable.path
        let env = "env -u COLORTERM -u NO_COLOR -u TMUX TERM=tmux-256color LC_ALL=C.UTF-8"
        return "\(env) '\(bin)' \(arguments); echo MAEX-EXIT=$?; sleep 120"
    }

    /// The step in the header ("step N/M"), if shown.
    static func step(_ screen: String) -> Int? {
        guard let r = screen.range(of: #"step (\d+)/"#, options: .regularExpression) else { return nil }
        return Int(screen[r].dropFirst(5).dropLast())
    }

    @Test func stepsRiseTheChartAppearsAndQSavesAndRestores() throws {
        let root = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run").path
        let tmux = try TmuxSession(width: 160, height: 48, command: Self.command(
            "train --data '\(root.path)/data' --run '\(run)' --config '\(Self.config)' --batch 4 --steps 100000 "
            + "--threads 1 --tui"))
        defer { tmux.kill() }

        try tmux.waitFor("the header") { $0.contains("maex train") && Self.step($0) != nil }
        try tmux.waitFor("a few steps") { (Self.step($0) ?? 0) >= 20 }
        let first = Self.step(tmux.screen()) ?? 0
        try tmux.waitFor("the step counter to rise") { (Self.step($0) ?? 0) > first }
        try tmux.waitFor("the loss chart") { screen in
            screen.contains("loss · EMA") && screen.contains("learning rate")
                && screen.unicodeScalars.contains { $0.value > 0x2800 && $0.value < 0x2900 }
        }
        try tmux.waitFor("the panels, drawn by the trainer's weights") {
            $0.contains("original") && $0.contains("reconstruction") && $0.contains("weights @ step")
        }

        // Smaller terminals re-lay the view out; a tiny one gets a note instead of a crash.
        tmux.resize(width: 100, height: 30)
        try tmux.waitFor("the 100×30 layout") { $0.contains("recon + visible") && Self.step($0) != nil }
        tmux.resize(width: 30, height: 8)
        try tmux.waitFor("the too-small note") { $0.contains("maex needs") }
        tmux.resize(width: 160, height: 48)
        try tmux.waitFor("the full layout again") { $0.contains("reconstruction + visible") }

        tmux.keys("q")
        try tmux.waitFor("the summary after q") { $0.contains("MAEX-EXIT=0") }
        let screen = tmux.screen()
        #expect(screen.contains("stopped at step"))
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.safetensors"))
        let flags = tmux.display("#{alternate_on} #{mouse_any_flag} #{cursor_flag}")
        #expect(flags == "0 0 1", "pane flags after q: \(flags)")

        // Headless parity: what the header shows is in metrics.jsonl (the EMA derives from loss).
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
        let point = try #require(metrics.split(separator: "\n").first { $0.contains("\"loss\"") })
        for key in ["\"step\"", "\"epoch\"", "\"loss\"", "\"lr\"", "\"images_per_s\"", "\"elapsed\""] {
            #expect(point.contains(key), "\(key) missing from \(point)")
        }
    }

    /// The steady training view at 160×48 in truecolour sends at most 10 KB/s (counted by
    /// tmux's pipe-pane over 20 s, after 5 s of start-up).
    @Test func aTrainingViewStaysUnderTenKilobytesASecond() throws {
        let root = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let command = Self.command("train --data '\(root.path)/data' --run '\(root.path)/run' --config '\(Self.config)' "
                                   + "--batch 4 --steps 100000 --threads 1")
            .replacingOccurrences(of: " TERM=tmux-256color", with: " TERM=tmux-256color COLORTERM=truecolor")
        let tmux = try TmuxSession(width: 160, height: 48, command: command)
        defer { tmux.kill() }
        try tmux.waitFor("the panels") { $0.contains("reconstruction + visible") && $0.contains("weights @ step") }
        let warm = Date().addingTimeInterval(5)
        while Date() < warm { usleep(100_000) }
        let counted = root.appendingPathComponent("pane.out").path
        _ = try TmuxSession.shell("tmux -L \(tmux.socket) pipe-pane -o 'cat >> \(counted)'")
        let start = Date()
        while Date().timeIntervalSince(start) < 20 { usleep(100_000) }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: counted)[.size] as? Int) ?? 0
        let rate = Double(bytes) / Date().timeIntervalSince(start)
        #expect(bytes > 0)
        #expect(rate <= 10_240, "the training view sent \(Int(rate)) bytes/s")
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }

    @Test func noTUIWithoutATerminal() throws {
        let result = try MaexProcess.run(["train", "--data", "/nonexistent", "--run", "/tmp/x", "--tui"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--tui needs a terminal"))
    }
}
