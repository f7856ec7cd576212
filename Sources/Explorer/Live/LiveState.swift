/// The live view's whole state: what it shows and the bookkeeping that decides when a frame is
/// sent. Pure data: LiveReducer changes it, LiveApp carries out what it asks.
public struct LiveState: Sendable {
    /// What the screen shows: the curve, the probe, the view's settings.
    public var view: LiveViewState
    /// The grid on screen, to hold image cells that moved by noise only (DeadBand).
    public internal(set) var shown: CellGrid?
    /// Frames presented so far.
    public internal(set) var frames = 0
    /// The quit signal the backend reported, if any.
    public internal(set) var signal: Int32?
    /// The terminal went away (a hang-up, or its input ended): the view closes at once and
    /// leaves the feed running, so a trainer outlives the connection it was started from.
    public internal(set) var detached = false

    /// Something on screen may have changed since the last frame.
    var dirty = true
    /// A key or a resize asked for a frame: it is sent at once, not at the frame interval.
    var urgent = false
    var lastFrame: ContinuousClock.Instant?
    /// The feed has been asked to end (by a signal or a hang-up; `q` goes through the feed).
    var quitAsked = false

    /// A finished probe waiting for the byte budget.
    var pendingProbe: LiveViewState.Probe?
    /// What the frames sent, paid off over time: a newer step of the same probe waits for it.
    var budget = ByteBudget<ContinuousClock.Instant>()
    /// When the probe on screen was put there.
    var lastProbe: ContinuousClock.Instant?

    public init(view: LiveViewState) { self.view = view }
}
