import Foundation
import Testing

/// `maex explore` for real: the built binary in a detached tmux session, driven with send-keys
/// (SGR mouse reports included) and read back with capture-pane. Every wait polls the pane
/// against a deadline; nothing sleeps blindly.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct ExploreEndToEndTests {
    @Test func paintResizeAndQuit() throws {
        let tmux = try TmuxSession(width: 160, height: 48, command: TmuxSession.explore())
        defer { tmux.kill() }

        // The four titles, then the first reconstruction's numbers.
        for title in ["original", "masked", "reconstruction", "reconstruction + visible"] {
            try tmux.waitFor("four panel titles") { $0.contains(title) }
        }
        try tmux.waitFor("the first PSNR") { $0.contains("PSNR") }

        tmux.keys("9")
        try tmux.waitFor("ratio 90%") { $0.contains("ratio 90%") && $0.contains("actual 90.6%") }

        // Press in the masked panel and drag along patch row 3; the patch under the press decides
        // paint or erase, so the actual ratio moves either way. Where the panel is and how many
        // cells a patch takes are read from the screen (1-based coordinates for the reports).
        let before = tmux.actualRatio()
        let masked = try #require(tmux.imagePanels().dropFirst().first, "no masked panel on screen")
        let y = masked.top + 3 * masked.cellsPerPatch / 2
        let xs = (0..<masked.grid).map { masked.left + $0 * masked.cellsPerPatch + masked.cellsPerPatch / 2 }
        tmux.literal("\u{1B}[<0;\(xs[0]);\(y)M")
        for x in xs.dropFirst() { tmux.literal("\u{1B}[<32;\(x);\(y)M") }
        tmux.literal("\u{1B}[<0;\(xs.last!);\(y)m")
        try tmux.waitFor("a painted mask") { $0.contains("painted") }
        let after = tmux.actualRatio()
        #expect(before != nil && after != nil && after != before, "actual ratio \(String(describing: before)) → \(String(describing: after))")

        // Smaller: four small panels in a row, then one at a time.
        tmux.resize(width: 80, height: 24)
        try tmux.waitFor("the 80×24 layout") { $0.contains("recon + visible") && $0.contains("PSNR") }
        tmux.resize(width: 44, height: 14)
        try tmux.waitFor("one panel at a time") { $0.contains("original") && !$0.contains("masked") }
        tmux.keys("Tab")
        try tmux.waitFor("Tab shows the next panel") { $0.contains("masked") && !$0.contains("original") }
        tmux.resize(width: 30, height: 8)
        try tmux.waitFor("the too-small message") { $0.contains("maex needs a") }
        tmux.resize(width: 160, height: 48)
        try tmux.waitFor("the full layout again") { $0.contains("reconstruction + visible") }

        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
        // The terminal is back: main screen, mouse tracking off, cursor visible.
        let flags = tmux.display("#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag} #{cursor_flag}")
        #expect(flags == "0 0 0 0 1", "pane flags after exit: \(flags)")
        #expect(!tmux.screen().contains("original"))
    }

    /// With the bundled model, the header marks a held-out image and a training image.
    @Test func headerSaysHeldOutOrSeenInTraining() throws {
        let images = SourceTree.asset("images")
        let tmux = try TmuxSession(width: 160, height: 48,
                                   command: TmuxSession.explore(arguments: "'\(images)/chelsea.png' '\(images)/ladybird.jpg'"))
        defer { tmux.kill() }
        try tmux.waitFor("chelsea held out") { $0.contains("chelsea.png 1/2 · held out") }
        tmux.keys("]")
        try tmux.waitFor("ladybird seen in training") { $0.contains("ladybird.jpg 2/2 · seen in training") }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let tmux = try TmuxSession(width: 100, height: 30, command: TmuxSession.explore())
        defer { tmux.kill() }
        try tmux.waitFor("the explorer") { $0.contains("PSNR") }
        // The pane's shell waits for maex (its child): signal maex alone.
        let shellPID = tmux.display("#{pane_pid}")
        let child = (try TmuxSession.shell("pgrep -P \(shellPID) -x maex")).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!child.isEmpty)
        _ = try TmuxSession.shell("kill -TERM \(child)")
        try tmux.waitFor("the exit status after SIGTERM") { $0.contains("MAEX-EXIT=143") }
        let flags = tmux.display("#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag} #{cursor_flag}")
        #expect(flags == "0 0 0 1", "pane flags after SIGTERM: \(flags)")
    }
}

@Suite struct ExploreWithoutTerminalTests {
    @Test func pointsToReconstruct() throws {
        let result = try MaexProcess.run(["explore"], environment: ["TERM": "xterm-256color"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("needs a terminal"))
        #expect(result.stderr.contains("maex reconstruct"))
    }

    @Test func bareMaexIsTheExplorer() throws {
        let result = try MaexProcess.run([], environment: ["TERM": "dumb"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("TERM is dumb"))
    }

    @Test(arguments: [["explore", "--color", "purple"], ["explore", "--glyphs", "braille"],
                      ["explore", "--ratio", "1.5"], ["explore", "/no/such/image.png"]])
    func badArgumentsAreUsageErrors(arguments: [String]) throws {
        let result = try MaexProcess.run(arguments)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpDescribesTheExplorer() throws {
        let result = try MaexProcess.run(["explore", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--glyphs"))
        #expect(result.stdout.contains("--color"))
        let root = try MaexProcess.run(["--help"])
        #expect(root.stdout.contains("explore"))
    }
}

/// A detached tmux server of its own (`-L` socket) running one command in a fixed-size window.
struct TmuxSession {
    let socket: String

    static var available: Bool { (try? shell("command -v tmux"))?.isEmpty == false }

    /// The command line that runs the built maex in the explorer with a known terminal, then
    /// prints its exit status and keeps the pane open for reading.
    static func explore(arguments: String = "") -> String {
        let bin = MaexProcess.executable.path
        let env = "env -u COLORTERM -u NO_COLOR -u TMUX TERM=tmux-256color LC_ALL=C.UTF-8"
        return "\(env) '\(bin)' explore \(arguments); echo MAEX-EXIT=$?; sleep 120"
    }

    init(width: Int, height: Int, command: String) throws {
        socket = "maex-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The server forks from this command: without the redirection it would inherit the pipe
        // `shell` reads to its end, and the read would never finish.
        _ = try Self.shell("tmux -L \(socket) -f /dev/null new-session -d -x \(width) -y \(height) "
                           + Self.quote(command) + " </dev/null >/dev/null 2>&1")
    }

    func kill() { _ = try? Self.shell("tmux -L \(socket) kill-server") }

    func screen() -> String { (try? Self.shell("tmux -L \(socket) capture-pane -p")) ?? "" }

    func keys(_ key: String) { _ = try? Self.shell("tmux -L \(socket) send-keys \(Self.quote(key))") }

    func literal(_ text: String) { _ = try? Self.shell("tmux -L \(socket) send-keys -l \(Self.quote(text))") }

    func resize(width: Int, height: Int) {
        _ = try? Self.shell("tmux -L \(socket) resize-window -x \(width) -y \(height)")
    }

    func display(_ format: String) -> String {
        ((try? Self.shell("tmux -L \(socket) display-message -p \(Self.quote(format))")) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The image panels on screen, left to right (row layout): 1-based left column and top row,
    /// patches a side and cells per patch (columns; rows are half), read from the half blocks
    /// below the titles and from the status bar's "<side>px p<patch>".
    struct Panel { var left: Int; var top: Int; var grid: Int; var cellsPerPatch: Int }

    func imagePanels() -> [Panel] {
        let lines = screen().components(separatedBy: "\n")
        guard let titleRow = lines.firstIndex(where: { $0.contains("reconstruction + visible") || $0.contains("recon + visible") }),
              titleRow + 1 < lines.count,
              let m = lines.joined(separator: "\n").firstMatch(of: /(\d+)px p(\d+)/),
              let side = Int(m.1), let patch = Int(m.2), patch > 0 else { return [] }
        let grid = side / patch
        let row = Array(lines[titleRow + 1])
        var panels: [Panel] = []
        var x = 0
        while x < row.count {
            guard row[x] == "▀" else { x += 1; continue }
            let start = x
            while x < row.count && row[x] == "▀" { x += 1 }
            panels.append(Panel(left: start + 1, top: titleRow + 2, grid: grid, cellsPerPatch: (x - start) / grid))
        }
        return panels
    }

    /// The "actual N%" of the status bar.
    func actualRatio() -> String? {
        let s = screen()
        guard let r = s.range(of: "actual ") else { return nil }
        return String(s[r.upperBound...].prefix { $0 != " " })
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var screen: String
        var description: String { "timed out waiting for \(what); the screen was:\n\(screen)" }
    }

    /// Polls the pane every 50 ms until `condition` holds or 60 s pass (debug builds are slow).
    func waitFor(_ what: String, timeout: Double = 60, _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if condition(last) { return }
            usleep(50_000)
        }
        throw Timeout(what: what, screen: last)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a shell command and returns its stdout. popen/pclose rather than Process: pclose
    /// waits for exactly this child, which stays reliable while other tests spawn processes.
    @discardableResult
    static func shell(_ command: String) throws -> String {
        guard let f = popen("unset TMUX; " + command + " 2>/dev/null", "r") else {
            throw Timeout(what: "popen(\(command))", screen: "")
        }
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        pclose(f)
        return String(decoding: out, as: UTF8.self)
    }
}
