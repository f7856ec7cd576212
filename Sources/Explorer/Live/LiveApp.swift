import Foundation

/// The live view's I/O shell: one UI thread that owns the backend, sleeps in it on input and the
/// wake pipe (never on the trainer), feeds events to LiveReducer, asks the feed for new data and
/// presents the frames the reducer releases — at most `frameInterval` apart for charts and
/// text, at once after a key. An idle view sends nothing to the terminal.
public enum LiveApp {
    public struct Options: Sendable {
        public var colors: ColorMode?
        /// Seconds between frames while data streams in (charts ~5 Hz).
        public var frameInterval: Double = 0.2
        /// TERMINAL.md's dead-band for image cells (0–255 per channel).
        public var deadBand: Int = 10

        public init(colors: ColorMode? = nil) { self.colors = colors }
    }

    public struct Report: Sendable {
        /// The signal that ended the view (SIGINT, SIGTERM, SIGHUP), if one did.
        public var signal: Int32?
        /// The terminal went away (SIGHUP, or its input ended) and the view closed without
        /// asking the feed to end: a trainer is still running.
        public var detached: Bool
        public var traffic: ScreenTraffic
    }

    /// Runs the view on the terminal until the feed is done or the terminal goes away; the
    /// terminal is restored on every way out.
    public static func run(_ feed: LiveFeed, state initial: LiveViewState, options: Options) throws(ExplorerError) -> Report {
        let wake = try WakePipe()
        defer { wake.close() }
        let backend = try CursesBackend(colorOverride: options.colors, wake: wake)
        defer { backend.close() }
        let report = try run(feed, state: initial, options: options, on: backend)
        // The kernel's hang-up may come after the view has closed: it must not end the feed.
        if report.detached { TerminalGuard.ignoreHangUps() }
        return report
    }

    /// The same on any backend (tests pass a TestBackend); closes it before the report's totals.
    public static func run(_ feed: LiveFeed, state initial: LiveViewState, options: Options,
                           on backend: TerminalBackend) throws(ExplorerError) -> Report {
        let startTime = backend.now
        var view = initial
        view.colors = backend.colors
        view.glyphs = backend.utf8 ? .halfBlock : .ascii
        var state = LiveState(view: view)
        let reducer = LiveReducer(options: options)
        let preview = PreviewWorker(wakeFD: backend.wakeFD)
        TerminalGuard.withSignalsBlocked {
            preview.start()
            feed.start(wakeFD: backend.wakeFD, preview: preview)
        }
        defer { preview.stop() }

        turn(&state, input: [], reducer: reducer, feed: feed, preview: preview, backend: backend)
        let firstFrameBytes = backend.bytesWritten
        let firstFrameTime = backend.now
        while !feed.isDone && !state.detached {
            let input = try backend.readInput(timeout: .milliseconds(Int(feed.pollInterval)))
            turn(&state, input: input, reducer: reducer, feed: feed, preview: preview, backend: backend)
        }
        // Before close: the restoring sequences are not the view's steady cost.
        let endBytes = backend.bytesWritten
        let end = backend.now
        backend.close()
        var traffic = ScreenTraffic()
        (traffic.bytes, traffic.seconds) = (backend.bytesWritten, (backend.now - startTime) / .seconds(1))
        (traffic.bytesAfterFirstFrame, traffic.secondsAfterFirstFrame) = (endBytes - firstFrameBytes, (end - firstFrameTime) / .seconds(1))
        return Report(signal: state.signal, detached: state.detached, traffic: traffic)
    }

    /// One turn of the UI loop, apart from the waiting: input in, data in, a frame out when due.
    static func turn(_ s: inout LiveState, input: [InputEvent], reducer: LiveReducer, feed: LiveFeed,
                     preview: PreviewWorker, backend: TerminalBackend) {
        func perform(_ effects: [LiveEffect]) {
            for effect in effects {
                switch effect {
                case .perform(let action): feed.perform(action, &s.view, preview: preview)
                case .requestQuit: feed.requestQuit(&s.view)
                case .redrawAll: backend.redrawAll()
                }
            }
        }
        for event in input { perform(reducer.reduce(&s, .input(event))) }
        if let result = preview.takeFinished() { perform(reducer.reduce(&s, .preview(result))) }
        perform(reducer.reduce(&s, .tick(backend.now)))
        if feed.poll(&s.view, preview: preview) { perform(reducer.reduce(&s, .fed)) }
        let size = backend.size
        guard let grid = reducer.frame(&s, width: size.width, height: size.height, now: backend.now) else { return }
        let before = backend.bytesWritten
        backend.present(grid)
        reducer.sent(&s, bytes: backend.bytesWritten - before)
    }
}
