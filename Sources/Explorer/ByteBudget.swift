/// What a screen whose pictures keep changing may send the terminal: each frame's bytes are a
/// debt that time pays off at `bytesPerSecond`, and a redraw that nobody asked for (newer
/// weights, a newer step of the same probe) waits until it is paid. 8000 bytes a second keeps
/// such a screen under ~10 KB/s, which a slow SSH link carries; keys, mask changes and charts
/// never wait. `Time` is the clock of the reducer that keeps it.
struct ByteBudget<Time: ScreenTime>: Sendable {
    static var bytesPerSecond: Double { 8000 }

    /// Bytes sent beyond what the rate allows so far.
    private(set) var debt = 0.0
    /// When the debt was last brought up to date.
    private var paidAt: Time?

    init() {}

    mutating func spend(_ bytes: Int) { debt += Double(bytes) }

    /// Pays off what the time since the last call allows.
    mutating func pay(at now: Time) {
        if let last = paidAt { debt = max(0, debt - Self.bytesPerSecond * now.seconds(since: last)) }
        paidAt = now
    }

    var isPaid: Bool { debt <= 0 }
}

/// A reducer's clock: the explorer counts seconds as a Double, the live view in instants.
protocol ScreenTime: Sendable {
    func seconds(since earlier: Self) -> Double
}

extension Double: ScreenTime {
    func seconds(since earlier: Double) -> Double { self - earlier }
}

extension ContinuousClock.Instant: ScreenTime {
    func seconds(since earlier: ContinuousClock.Instant) -> Double { (self - earlier) / .seconds(1) }
}
