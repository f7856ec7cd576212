import Foundation
import Testing
@testable import Explorer

/// The ncurses backend writing to a file instead of a terminal, to count the bytes a frame costs
/// (TERMINAL.md: "newterm onto a file and ftell"). Curses is process-wide state: one test at a time.
@Suite(.serialized) struct CursesBandwidthTests {
    final class Capture {
        let path: String
        let fd: Int32
        init() {
            path = NSTemporaryDirectory() + "maex-curses-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
            fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        }
        var size: Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        deinit { close(fd); unlink(path) }
    }

    /// An 80×24 screen (terminfo's size: the output is not a terminal) showing the tiny model.
    func state(colors: ColorMode) -> ExplorerState {
        Fixture.shownState(width: 80, height: 24, colors: colors)
    }

    @Test(arguments: [(ColorMode.truecolor, "xterm-256color"), (.palette256, "xterm-256color")])
    func identicalFramesCostNothingAndOnePatchLittle(mode: ColorMode, term: String) throws {
        let capture = Capture()
        let input = open("/dev/null", O_RDONLY)
        defer { close(input) }
        let terminal = try CursesBackend(colorOverride: mode, environment: ["TERM": term],
                                          outputFD: capture.fd, inputFD: input)
        #expect(terminal.colors == mode)
        var s = state(colors: mode)
        terminal.present(ScreenRenderer.render(s))
        let first = capture.size
        #expect(first > 2_000)

        // The same grid again: only the synchronized-output brackets.
        terminal.present(ScreenRenderer.render(s))
        let again = capture.size - first
        #expect(again == 16, "an unchanged frame sent \(again) bytes")

        // One more hidden patch: only that patch's cells in the masked panel change.
        let visible = s.mask.firstIndex(of: false)!
        s.mask[visible] = true
        terminal.present(ScreenRenderer.render(s))
        let onePatch = capture.size - first - again
        #expect(onePatch > 16 && onePatch < 400, "one patch cost \(onePatch) bytes")
        terminal.close()

        // The bytes are what TERMINAL.md says to send: sync brackets, mouse modes on and off.
        let text = capture.text
        #expect(text.contains("\u{1B}[?2026h") && text.contains("\u{1B}[?2026l"))
        #expect(text.hasPrefix("\u{1B}[?1002h\u{1B}[?1006h") || text.contains("\u{1B}[?1002h\u{1B}[?1006h"))
        #expect(text.contains("\u{1B}[?1006l\u{1B}[?1002l"))
        if mode == .truecolor {
            #expect(text.contains("38:2::") || text.contains("38;2;"))  // direct colours, not a palette
        }
        print("bytes (\(mode.label)): first frame \(first), unchanged frame \(again), one patch \(onePatch)")
    }
}
