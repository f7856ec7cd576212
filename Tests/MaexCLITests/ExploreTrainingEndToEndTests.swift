import Foundation
import Testing

/// Training from the explorer for real: the built binary in tmux on three bundled images with
/// a shrunk model (made by `maex train --export` first, so a debug build steps quickly), `T`,
/// painting with SGR mouse reports while it trains, and `q`. Every wait polls the pane against
/// a deadline, and the tmux server is killed on every way out.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct ExploreTrainingEndToEndTests {
    @Test func tTrainsWhilePaintingWorksAndQLeavesACheckpoint() throws {
        let root = try TrainTUIEndToEndTests.dataFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let model = root.appendingPathComponent("small.safetensors").path
        let made = try MaexProcess.run(["train", "--data", root.path + "/data", "--run", root.path + "/seed-run",
                                        "--config", TrainTUIEndToEndTests.config, "--batch", "2", "--steps", "1",
                                        "--threads", "1", "--no-tui", "--export", model])
        try #require(made.status == 0, "\(made.stderr)")
        let run = root.appendingPathComponent("run").path
        let images = ["astronaut.png", "coffee.png", "chelsea.png"].map { "'\(root.path)/data/\($0)'" }.joined(separator: " ")
        let tmux = try TmuxSession(width: 160, height: 48,
                                   command: TmuxSession.explore(arguments: "--model '\(model)' --run '\(run)' \(images)"))
        defer { tmux.kill() }
        try tmux.waitFor("the first PSNR") { $0.contains("PSNR") && $0.contains("T train") }

        tmux.keys("T")
        try tmux.waitFor("the training header") { $0.contains("maex train") && TrainTUIEndToEndTests.step($0) != nil }
        try tmux.waitFor("a few steps") { (TrainTUIEndToEndTests.step($0) ?? 0) >= 3 }
        let first = TrainTUIEndToEndTests.step(tmux.screen()) ?? 0
        try tmux.waitFor("the step counter to rise") { (TrainTUIEndToEndTests.step($0) ?? 0) > first }
        try tmux.waitFor("the loss chart below the panels") { screen in
            screen.contains("loss · EMA") && screen.contains("reconstruction + visible")
                && screen.unicodeScalars.contains { $0.value > 0x2800 && $0.value < 0x2900 }
        }
        try tmux.waitFor("panels drawn by the trainer's weights") { $0.contains("weights @ step") }

        // Paint along patch row 1 of the masked panel while it trains.
        let before = tmux.actualRatio()
        let masked = try #require(tmux.imagePanels().dropFirst().first, "no masked panel on screen")
        let y = masked.top + masked.cellsPerPatch / 2
        let xs = (0..<masked.grid).map { masked.left + $0 * masked.cellsPerPatch + masked.cellsPerPatch / 2 }
        tmux.literal("\u{1B}[<0;\(xs[0]);\(y)M")
        for x in xs.dropFirst() { tmux.literal("\u{1B}[<32;\(x);\(y)M") }
        tmux.literal("\u{1B}[<0;\(xs.last!);\(y)m")
        try tmux.waitFor("a painted mask") { $0.contains("painted") && tmux.actualRatio() != before }
        #expect(TrainTUIEndToEndTests.step(tmux.screen()) != nil, "the training header went away")

        tmux.keys("q")
        try tmux.waitFor("the run's summary after q") { $0.contains("MAEX-EXIT=0") }
        let screen = tmux.screen()
        #expect(screen.contains("training run \(run): stopped at step"), "\(screen)")
        #expect(screen.contains("maex train --resume --run \(run)"))
        let flags = tmux.display("#{alternate_on} #{mouse_any_flag} #{cursor_flag}")
        #expect(flags == "0 0 1", "pane flags after q: \(flags)")

        // The run is maex train's: its checkpoint opens in reconstruct, its images were copied.
        let figure = root.appendingPathComponent("figure.png").path
        let reconstruct = try MaexProcess.run(["reconstruct", "--model", run + "/checkpoint.safetensors",
                                               root.path + "/data/coffee.png", "-o", figure])
        #expect(reconstruct.status == 0, "\(reconstruct.stderr)")
        #expect(FileManager.default.fileExists(atPath: figure))
        let copied = (try? FileManager.default.contentsOfDirectory(atPath: run + "/data")) ?? []
        #expect(copied.sorted() == ["0001-astronaut.png", "0002-coffee.png", "0003-chelsea.png"])
        let config = try String(contentsOfFile: run + "/config.json", encoding: .utf8)
        #expect(config.contains("small.safetensors"), "the run does not say it started from the shown model")
    }

    @Test func trainDataMustBeAFolder() throws {
        let result = try MaexProcess.run(["explore", "--train-data", "/nonexistent/images"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--train-data /nonexistent/images: not a folder"), "\(result.stderr)")
    }
}
