import Foundation
import Testing

/// `maex tour` for real in tmux: the page keys step through the screens, the arrows move the
/// patch cursor and leave the screen alone.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct TourEndToEndTests {
    static func tour() -> String {
        let bin = MaexProcess.executable.path
        let env = "env -u COLORTERM -u NO_COLOR -u TMUX TERM=tmux-256color LC_ALL=C.UTF-8"
        return "\(env) '\(bin)' tour; echo MAEX-EXIT=$?; sleep 120"
    }

    @Test func pageKeysStepThroughTheScreens() throws {
        let tmux = try TmuxSession(width: 80, height: 24, command: Self.tour())
        defer { tmux.kill() }
        try tmux.waitFor("the first screen") { $0.contains("maex tour 1/7 · the image as patches") && $0.contains("PSNR") }
        #expect(tmux.screen().contains("chelsea.png 1/2 · held out"))
        tmux.keys("NPage")
        try tmux.waitFor("screen 2 with the token counts") {
            $0.contains("maex tour 2/7") && $0.contains("rest: 16") && $0.contains("of 64 tokens") && $0.contains("measured: encoder on 17 tokens")
        }
        tmux.keys("Enter")
        try tmux.waitFor("screen 3") { $0.contains("maex tour 3/7 · mask tokens and the decoder") }
        // Arrows are the explorer's: the first shows the cursor, the next ones move it; the screen stays.
        tmux.keys("Right")
        tmux.keys("Right")
        tmux.keys("Down")
        try tmux.waitFor("still screen 3") { $0.contains("maex tour 3/7") }
        tmux.keys("BSpace")
        try tmux.waitFor("back to screen 2") { $0.contains("maex tour 2/7") }
        tmux.keys("PPage")
        try tmux.waitFor("back to screen 1") { $0.contains("maex tour 1/7") }
        for _ in 0..<4 { tmux.keys("NPage") }
        try tmux.waitFor("the ratio curve with its chart") { $0.contains("maex tour 5/7") && $0.contains("ratio sweep · PSNR (dB)") }
        tmux.keys("NPage")
        try tmux.waitFor("block masks") { $0.contains("maex tour 6/7") && $0.contains("block") && !$0.contains("ratio sweep ·") }
        tmux.keys("q")
        try tmux.waitFor("a clean exit") { $0.contains("MAEX-EXIT=0") }
    }
}
