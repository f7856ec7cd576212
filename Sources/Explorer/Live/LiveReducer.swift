import Glibc

/// Pure handling for the live view, like ExplorerReducer: (state, event) → new state and
/// effects, and the decision which frame to send and when. Time comes in with the events, so
/// tests step the clock by hand.
public struct LiveReducer: Sendable {
    public let options: LiveApp.Options

    public init(options: LiveApp.Options) { self.options = options }

    public func reduce(_ s: inout LiveState, _ event: LiveEvent) -> [LiveEffect] {
        switch event {
        case .input(let input): return handle(input, &s)
        case .preview(.success(let probe)):
            s.pendingProbe = probe
        case .preview(.failure(let error)):
            s.view.message = error.message
            s.dirty = true
        case .fed:
            s.dirty = true
        case .tick(let now):
            s.budget.pay(at: now)
            releaseProbe(&s, now: now)
        }
        return []
    }

    func handle(_ input: InputEvent, _ s: inout LiveState) -> [LiveEffect] {
        switch input {
        case .key(.redraw):
            s.urgent = true
            return [.redrawAll]
        case .key(let key):
            s.urgent = true
            return s.view.handle(key).map { [.perform($0)] } ?? []
        case .resize:
            s.urgent = true
            return []
        case .mouse:
            return []
        case .quitSignal(SIGHUP), .hangUp:
            // Nobody is left to watch: the view detaches instead of stopping what it shows.
            if case .quitSignal(let signal) = input, s.signal == nil { s.signal = signal }
            s.detached = true
            return []
        case .quitSignal(let signal):
            if s.signal == nil { s.signal = signal }
            return askQuit(&s)
        }
    }

    /// A trainer must stop and save before the view closes, so a quit is asked once and the
    /// loop goes on until the feed is done.
    func askQuit(_ s: inout LiveState) -> [LiveEffect] {
        guard !s.quitAsked else { return [] }
        s.quitAsked = true
        return [.requestQuit]
    }

    /// A new image or mask (a key asked for it) is shown at once; a newer step of the same one
    /// waits until earlier frames are paid for, but never more than 10 s (busy charts alone can
    /// use the budget up).
    func releaseProbe(_ s: inout LiveState, now: ContinuousClock.Instant) {
        guard let probe = s.pendingProbe else { return }
        let current = s.view.probe
        let fresh = current == nil || current?.name != probe.name || current?.hidden != probe.hidden
        let stale = s.lastProbe.map { now - $0 >= .seconds(10) } ?? true
        guard s.budget.isPaid || fresh || stale else { return }
        s.view.probe = probe
        s.pendingProbe = nil
        s.lastProbe = now
        s.dirty = true
    }

    /// The grid to present at `now` on a width × height screen, or nil: nothing changed, the
    /// frame interval has not passed (keys do not wait for it), or the new grid equals the
    /// one on screen once noise in the pictures is held.
    public func frame(_ s: inout LiveState, width: Int, height: Int, now: ContinuousClock.Instant) -> CellGrid? {
        guard s.dirty || s.urgent else { return nil }
        if !s.urgent, let last = s.lastFrame, now - last < .milliseconds(Int(options.frameInterval * 1000)) {
            return nil
        }
        var frame = LiveViewRenderer.render(s.view, width: width, height: height)
        s.view.lossAxis = frame.lossAxis
        s.view.lrAxis = frame.lrAxis
        if let shown = s.shown { DeadBand.hold(&frame.grid, shown: shown, threshold: options.deadBand) }
        s.lastFrame = now
        s.dirty = false
        s.urgent = false
        guard frame.grid != s.shown else { return nil }
        s.shown = frame.grid
        s.frames += 1
        return frame.grid
    }

    /// What presenting the last frame cost: later probes wait until it is paid off.
    public func sent(_ s: inout LiveState, bytes: Int) {
        s.budget.spend(bytes)
    }
}
