/// What a screen cost the terminal: the bytes the UI thread wrote and the seconds it was open,
/// in all and after the first frame (what a steady or idle screen costs, which is what a slow
/// SSH link notices).
public struct ScreenTraffic: Sendable {
    public var bytes = 0
    public var seconds = 0.0
    public var bytesAfterFirstFrame = 0
    public var secondsAfterFirstFrame = 0.0

    public init() {}

    /// The `--stats` line.
    public var summary: String {
        func rate(_ b: Int, _ s: Double) -> Double { Double(b) / max(s, 1e-9) }
        return String(format: "terminal output: %d bytes in %.1f s (%.0f bytes/s); after the first frame %d bytes in %.1f s (%.0f bytes/s)",
                      bytes, seconds, rate(bytes, seconds), bytesAfterFirstFrame, secondsAfterFirstFrame,
                      rate(bytesAfterFirstFrame, secondsAfterFirstFrame))
    }
}
