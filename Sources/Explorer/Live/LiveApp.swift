import Foundation

/// The live view's I/O shell: one UI thread that owns the backend, sleeps in it on input and the
/// wake pipe (never on the trainer), feeds keys to the state, asks the feed for new data and
/// presents a frame only when something changed — at most `frameInterval` apart for charts and
/// text, at once after a key. An idle view sends nothing to the terminal.
public enum LiveApp {
    public struct Options: Sendable {
        public var colors: ColorMode?
        /// Seconds between frames while data streams in (charts ~5 Hz).
        public var frameInterval: Double = 0.2
        /// TERMINAL.md's dead-band for image cells (0–255 per channel).
        public var deadBand: Int = 10
        /// Bytes a second the terminal may receive on average: a new probe picture waits until
        /// what earlier frames sent has been paid off at this rate, so a run whose pictures
        /// keep changing still stays under ~10 KB/s (charts and text are never held back).
        public var byteRate: Double = 8000

        public init(colors: ColorMode? = nil) { self.colors = colors }
    }

    public struct Report: Sendable {
        /// The signal that ended the view (SIGINT, SIGTERM, SIGHUP), if one did.
        public var signal: Int32?
        /// Bytes the UI thread wrote (the terminal's output) and the seconds the view was open.
        public var bytesWritten: Int
        public var seconds: Double
        /// The same after the first frame (what a steady or idle view costs).
        public var bytesAfterFirstFrame: Int
        public var secondsAfterFirstFrame: Double
    }

    /// Runs the view on the terminal until the feed is done; the terminal is restored on every
    /// way out.
    public static func run(_ feed: LiveFeed, state initial: LiveViewState, options: Options) throws(ExplorerError) -> Report {
        let wake = try WakePipe()
        defer { wake.close() }
        let backend = try CursesBackend(colorOverride: options.colors, wake: wake)
        defer { backend.close() }
        return try run(feed, state: initial, options: options, on: backend)
    }

    /// The same on any backend; closes it before the report's totals.
    public static func run(_ feed: LiveFeed, state initial: LiveViewState, options: Options,
                           on backend: TerminalBackend) throws(ExplorerError) -> Report {
        let startTime = backend.now
        var state = initial
        state.colors = backend.colors
        state.glyphs = backend.utf8 ? .halfBlock : .ascii
        let preview = PreviewWorker(wakeFD: backend.wakeFD)
        TerminalGuard.withSignalsBlocked {
            preview.start()
            feed.start(wakeFD: backend.wakeFD, preview: preview)
        }
        defer { preview.stop() }

        var loop = LiveLoop(state: state, options: options)
        loop.step(feed: feed, preview: preview, events: [], backend: backend)
        let firstFrameBytes = backend.bytesWritten
        let firstFrameTime = backend.now
        var quitAsked = false
        var signal: Int32?
        while !feed.isDone {
            let input = try backend.readInput(timeout: .milliseconds(Int(feed.pollInterval)))
            var events: [ExplorerEvent] = []
            for event in input {
                switch event {
                case .key(let key): events.append(.key(key))
                case .mouse(let report): events.append(.mouse(report))
                case .resize(let width, let height): events.append(.resize(width: width, height: height))
                case .quitSignal(let s):
                    if signal == nil { signal = s }
                    fallthrough
                case .hangUp:
                    if !quitAsked {
                        quitAsked = true
                        feed.requestQuit(&loop.state)
                    }
                }
            }
            loop.step(feed: feed, preview: preview, events: events, backend: backend)
        }
        // Before close: the restoring sequences are not the view's steady cost.
        let endBytes = backend.bytesWritten
        let end = backend.now
        backend.close()
        return Report(signal: signal, bytesWritten: backend.bytesWritten,
                      seconds: (backend.now - startTime) / .seconds(1), bytesAfterFirstFrame: endBytes - firstFrameBytes,
                      secondsAfterFirstFrame: (end - firstFrameTime) / .seconds(1))
    }
}

/// One turn of the UI loop, apart from the waiting: events in, data in, a frame out when due.
/// A value type; the clock and the byte counter are the backend's.
public struct LiveLoop {
    public var state: LiveViewState
    public let options: LiveApp.Options
    private var shown: CellGrid?
    private var dirty = true
    private var lastFrame: ContinuousClock.Instant?
    public private(set) var frames = 0
    /// A finished probe waiting for the byte budget.
    private var pendingProbe: LiveViewState.Probe?
    /// Bytes sent beyond what `byteRate` allows so far, and when that was last brought up to date.
    private var debt = 0.0
    private var debtTime: ContinuousClock.Instant?
    private var lastProbe: ContinuousClock.Instant?

    public init(state: LiveViewState, options: LiveApp.Options) {
        self.state = state
        self.options = options
    }

    public mutating func step(feed: LiveFeed, preview: PreviewWorker, events: [ExplorerEvent],
                              backend: TerminalBackend) {
        let now = backend.now
        var urgent = false
        for event in events {
            switch event {
            case .key(.redraw):
                backend.redrawAll()
                urgent = true
            case .key(let key):
                if let action = state.handle(key) { feed.perform(action, &state, preview: preview) }
                urgent = true
            case .resize:
                urgent = true
            default:
                break
            }
        }
        if let result = preview.takeFinished() {
            switch result {
            case .success(let probe): pendingProbe = probe
            case .failure(let e): state.message = e.message; dirty = true
            }
        }
        if let t = debtTime {
            let d = (now - t).components
            debt = max(0, debt - options.byteRate * (Double(d.seconds) + Double(d.attoseconds) * 1e-18))
        }
        debtTime = now
        if let probe = pendingProbe, debt <= 0 || state.probe == nil || state.probe?.name != probe.name
            || state.probe?.hidden != probe.hidden || lastProbe.map({ now - $0 >= .seconds(10) }) ?? true {
            // A new image or mask (a key asked for it) is shown at once; a newer step waits its
            // turn, but never more than 10 s (busy charts alone can use the budget up).
            state.probe = probe
            pendingProbe = nil
            lastProbe = now
            dirty = true
        }
        if feed.poll(&state, preview: preview) { dirty = true }
        dirty = dirty || urgent
        guard dirty else { return }
        if !urgent, let last = lastFrame, (now - last) < .milliseconds(Int(options.frameInterval * 1000)) { return }
        let size = backend.size
        var frame = LiveViewRenderer.render(state, width: size.width, height: size.height)
        state.lossAxis = frame.lossAxis
        state.lrAxis = frame.lrAxis
        if let shown { DeadBand.hold(&frame.grid, shown: shown, threshold: options.deadBand) }
        if frame.grid != shown {
            let before = backend.bytesWritten
            backend.present(frame.grid)
            debt += Double(backend.bytesWritten - before)
            shown = frame.grid
            frames += 1
        }
        lastFrame = now
        dirty = false
    }
}
