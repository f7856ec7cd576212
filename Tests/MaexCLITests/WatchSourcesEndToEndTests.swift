import Foundation
import Testing

/// `maex watch` on every kind of run, for real in tmux: the authors' output_dir while the test
/// writes its log lines and checkpoints as main_pretrain.py would, TensorBoard event files (a
/// damaged one too), standard input, two runs at once, and the chart of a young run of a long
/// plan. The fixtures are Tests/WatchFixtures, made once by its make_fixtures.py.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct WatchSourcesEndToEndTests {
    static func fixture(_ relative: String) -> String {
        SourceTree.root.appendingPathComponent("Tests/WatchFixtures/" + relative).path
    }

    static func header(_ screen: String) -> String { String(screen.split(separator: "\n").first ?? "") }
    static func second(_ screen: String) -> String {
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        return rows.count > 1 ? String(rows[1]) : ""
    }

    static func logLines() throws -> [String] {
        try String(contentsOfFile: fixture("authors-run/log.txt"), encoding: .utf8).split(separator: "\n").map { $0 + "\n" }
    }

    @Test func theAuthorsOutputDirWhileItIsWritten() throws {
        let dir = try WatchEndToEndTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/output_dir"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let lines = try Self.logLines()
        try WatchEndToEndTests.append(lines[0...5].joined(), to: out + "/log.txt")
        try FileManager.default.copyItem(atPath: Self.fixture("authors-run/checkpoint-0.pth"), toPath: out + "/checkpoint-0.pth")
        // The fixture's micro model is not one of the authors' three, so its heads are given.
        let tmux = try TmuxSession(width: 160, height: 48,
                                   command: TrainTUIEndToEndTests.command("watch '\(out)' --heads 2 --decoder-heads 2"))
        defer { tmux.kill() }
        try tmux.waitFor("epoch 5 and the probe of checkpoint 0") {
            Self.header($0).contains("epoch 5/41") && Self.second($0).contains("@ epoch 0") && $0.contains("reconstruction + visible")
        }
        #expect(Self.second(tmux.screen()).contains("checkpoints [0]"))

        // Epochs go on; checkpoint-20 arrives in two writes, the first leaving it incomplete.
        try WatchEndToEndTests.append(lines[6...25].joined(), to: out + "/log.txt")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("authors-run/checkpoint-20.pth")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: out + "/checkpoint-20.pth"))
        try tmux.waitFor("the half-written checkpoint noted, not an error") {
            Self.header($0).contains("epoch 25/41") && Self.second($0).contains("checkpoint-20.pth is being written")
        }
        #expect(Self.second(tmux.screen()).contains("@ epoch 0"))
        let h = try #require(FileHandle(forWritingAtPath: out + "/checkpoint-20.pth"))
        try h.seekToEnd()
        try h.write(contentsOf: whole.suffix(from: whole.count / 2))
        try h.close()
        try tmux.waitFor("the probe of checkpoint 20") {
            Self.second($0).contains("@ epoch 20") && Self.second($0).contains("checkpoints 0 [20]")
        }

        // The timeline: back to epoch 0 and on again.
        tmux.keys(",")
        try tmux.waitFor(", shows epoch 0") { Self.second($0).contains("@ epoch 0") && Self.second($0).contains("[0] 20") }
        tmux.keys(".")
        try tmux.waitFor(". shows epoch 20") { Self.second($0).contains("@ epoch 20") && Self.second($0).contains("0 [20]") }

        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["checkpoint-0.pth", "checkpoint-20.pth", "log.txt"])
    }

    @Test func tensorBoardFilesAndADamagedOne() throws {
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command("watch '\(Self.fixture("damaged"))'"))
        defer { tmux.kill() }
        try tmux.waitFor("the authors' scalars, one bad record") {
            Self.header($0).contains("step 40833") && Self.header($0).contains("epoch 40.83")
                && Self.second($0).contains("loss: train_loss, lr: lr") && Self.second($0).contains("1 bad record skipped")
        }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }

        let hf = try TmuxSession(width: 120, height: 36, command: TrainTUIEndToEndTests.command("watch '\(Self.fixture("hf-trainer"))'"))
        defer { hf.kill() }
        try hf.waitFor("the Trainer's run two levels down") {
            Self.header($0).contains("step 246") && Self.second($0).contains("loss: train/loss")
        }
        hf.keys("q")
        try hf.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }

    @Test func standardInputWithKeysFromTheTerminal() throws {
        let dir = try WatchEndToEndTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/log.txt"
        let lines = try Self.logLines()
        try WatchEndToEndTests.append(lines[0...2].joined(), to: log)
        let bin = MaexProcess.executable.path
        let env = "env -u COLORTERM -u NO_COLOR -u TMUX TERM=tmux-256color LC_ALL=C.UTF-8"
        let tmux = try TmuxSession(width: 120, height: 36,
                                   command: "tail -n +1 -f '\(log)' | \(env) '\(bin)' watch -; echo MAEX-EXIT=$?; sleep 120")
        defer { tmux.kill() }
        try tmux.waitFor("the piped epochs") { Self.header($0).contains("epoch 2") && Self.second($0).hasPrefix(" -") }
        try WatchEndToEndTests.append(lines[3], to: log)
        try tmux.waitFor("the next piped epoch") { Self.header($0).contains("epoch 3") }
        // Keys come from the terminal, not from the pipe.
        tmux.keys("x")
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }

    @Test func twoRunsOnOneChart() throws {
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command(
            "watch '\(Self.fixture("authors-run"))' '\(Self.fixture("hf-trainer"))' --heads 2 --decoder-heads 2"))
        defer { tmux.kill() }
        try tmux.waitFor("both runs in the legend, against epochs") {
            $0.contains("━ authors-run") && $0.contains("━ hf-trainer") && $0.contains("epochs")
                && Self.second($0).contains("run 1/2")
        }
        tmux.keys("Tab")
        try tmux.waitFor("Tab selects the second run") { Self.second($0).contains("run 2/2") && Self.header($0).contains("step 246") }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }

    /// Step 500 of a 100,000-step plan: the curve reaches across the chart, the plan is named.
    @Test func aYoungRunOfALongPlanUsesTheWidth() throws {
        let dir = try WatchEndToEndTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = #"{"event": "started", "pid": 1, "host": "elsewhere", "step": 0, "total_steps": 100000, "time": 1}"# + "\n"
        for i in 1...500 { text += #"{"step": \#(i), "epoch": \#(Double(i) / 1000), "loss": \#(1 + exp(-Double(i) / 80)), "lr": 0.0001}"# + "\n" }
        try WatchEndToEndTests.append(text, to: dir + "/metrics.jsonl")
        let tmux = try TmuxSession(width: 160, height: 48, command: TrainTUIEndToEndTests.command("watch '\(dir)/metrics.jsonl'"))
        defer { tmux.kill() }
        try tmux.waitFor("step 500 of 100000") { Self.header($0).contains("step 500/100000") }
        let rows = tmux.screen().split(separator: "\n").map(String.init)
        let axis = try #require(rows.first { $0.contains("plan ends at 100000") })
        #expect(axis.contains("512"))
        func rightmostBraille(_ rows: [String]) -> Int {
            rows.map { row in Array(row.unicodeScalars).lastIndex { $0.value > 0x2800 && $0.value < 0x2900 } ?? 0 }.max() ?? 0
        }
        // The loss chart is 7/10 of the width; the curve reaches its right part.
        #expect(rightmostBraille(Array(rows[3..<(rows.count - 2)]).map { String($0.prefix(110)) }) > 95)
        tmux.keys("x")
        try tmux.waitFor("the whole plan") { $0.contains("whole plan (x: fit)") }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }
}
