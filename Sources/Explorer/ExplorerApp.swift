import Foundation
import MAE
import Training

/// How `maex explore` starts.
public struct ExplorerSetup {
    public var model: ModelSummary
    public var images: [ImageEntry]
    public var ratio: Double
    public var pattern: MaskStrategy
    public var seed: UInt64
    /// `--glyphs`; nil: half blocks.
    public var glyphs: GlyphMode?
    /// `--color`; nil: detect.
    public var colors: ColorMode?
    /// `--dither`: how pictures take 256 colours.
    public var dither = Dither.standard
    public var engine: ReconstructionEngine
    public var makeMask: ExplorerReducer.MaskMaker
    /// Lines for the status bar at start (e.g. why the model is untrained).
    public var notes: [String]
    /// Where `e` writes figures.
    public var exportDirectory: String
    /// How `T` makes a trainer; nil: no training from this screen.
    public var makeTrainer: TrainingLink.Maker?
    /// Start training at once (`maex train` with its screen).
    public var trainAtStart = false
    /// Start as `maex tour` (its first screen).
    public var tour: TourState?

    public init(model: ModelSummary, images: [ImageEntry], ratio: Double, pattern: MaskStrategy, seed: UInt64,
                glyphs: GlyphMode?, colors: ColorMode?, engine: ReconstructionEngine,
                makeMask: @escaping ExplorerReducer.MaskMaker, notes: [String] = [],
                exportDirectory: String = FileManager.default.currentDirectoryPath) {
        self.model = model
        self.images = images
        self.ratio = ratio
        self.pattern = pattern
        self.seed = seed
        self.glyphs = glyphs
        self.colors = colors
        self.engine = engine
        self.makeMask = makeMask
        self.notes = notes
        self.exportDirectory = exportDirectory
    }
}

/// The I/O shell around the pure core: one UI thread that owns the backend and the state,
/// sleeps in the backend on input and the wake pipe, feeds events to the reducer, carries out
/// its effects and presents the rendered grid. It never waits on the worker or the trainer.
public enum ExplorerApp {
    /// How the explorer ended.
    public struct Report {
        /// The signal that ended it (SIGINT, SIGTERM, SIGHUP), if one did.
        public var signal: Int32?
        /// The training run started from the screen, if any (ended, unless `detached`).
        public var training: TrainingLink?
        /// The terminal went away while the run trained: the screen closed and the trainer
        /// runs on; the caller decides what happens to it.
        public var detached = false
        public var traffic = ScreenTraffic()
    }

    /// Runs on the terminal until `q` or a quit signal; the terminal is restored on every way out.
    @discardableResult
    public static func run(_ setup: ExplorerSetup) throws(ExplorerError) -> Report {
        let wake = try WakePipe()
        defer { wake.close() }
        let backend = try CursesBackend(colorOverride: setup.colors, wake: wake)
        defer { backend.close() }
        let report = try run(setup, on: backend)
        // The kernel's hang-up may come after the screen has closed: it must not end the run.
        if report.detached { TerminalGuard.ignoreHangUps() }
        return report
    }

    /// The same on any backend (tests pass a TestBackend).
    @discardableResult
    public static func run(_ setup: ExplorerSetup, on backend: TerminalBackend) throws(ExplorerError) -> Report {
        let startTime = backend.now
        var notes = setup.notes + backend.notes
        var glyphs = setup.glyphs ?? .halfBlock
        if !backend.utf8 {
            glyphs = .ascii
            notes.append("the locale is not UTF-8: drawing with coloured spaces")
        } else if glyphs == .sextant && !backend.sextants {
            glyphs = .halfBlock
            notes.append("this system does not know the sextant glyphs: using half blocks")
        }
        let size = backend.size
        var state = ExplorerState(model: setup.model, images: setup.images, ratio: setup.ratio, pattern: setup.pattern,
                                  seed: setup.seed, width: size.width, height: size.height, glyphs: glyphs,
                                  colors: backend.colors)
        state.canTrain = setup.makeTrainer != nil
        state.dither = setup.dither
        state.tour = setup.tour
        let reducer = ExplorerReducer(makeMask: setup.makeMask)
        let worker = ReconstructionWorker(engine: setup.engine, wakeFD: backend.wakeFD)
        worker.start()
        defer { worker.stop() }
        let trace = LatencyTrace(path: ProcessInfo.processInfo.environment["MAEX_LATENCY_LOG"])
        var training: TrainingLink?
        var report = Report()
        var firstFrame: (bytes: Int, time: ContinuousClock.Instant)?
        // The UI thread's writes that are not the terminal's: the run folder made on `T` (its
        // data/ copies) and `W`'s weights. The traffic leaves them out.
        var fileBytes = 0
        func finish() -> Report {
            report.training = training
            let end = backend.now, sent = backend.bytesWritten - fileBytes, first = firstFrame ?? (sent, end)
            (report.traffic.bytes, report.traffic.seconds) = (sent, (end - startTime) / .seconds(1))
            (report.traffic.bytesAfterFirstFrame, report.traffic.secondsAfterFirstFrame) =
                (sent - first.bytes, (end - first.time) / .seconds(1))
            return report
        }

        func perform(_ effects: [ExplorerEffect]) {
            for effect in effects {
                switch effect {
                case .reconstruct(let request):
                    trace?.requested(request.id)
                    worker.submit(request)
                case .export(let job):
                    let result = FigureExport.write(job, patchSize: setup.model.patchSize, directory: setup.exportDirectory)
                    perform(reducer.reduce(&state, .exported(result)))
                case .redrawAll:
                    backend.redrawAll()
                case .training(.start):
                    guard training == nil, let make = setup.makeTrainer else { break }
                    let before = backend.bytesWritten
                    let started = Result { () throws(ExplorerError) in try TrainingLink.start(make, wakeFD: backend.wakeFD) }
                    fileBytes += backend.bytesWritten - before
                    switch started {
                    case .success(let link):
                        training = link
                        perform(reducer.reduce(&state, .trainingStarted(link.view)))
                    case .failure(let error):
                        perform(reducer.reduce(&state, .trainingFailed(error)))
                    }
                case .training(let action):
                    let before = backend.bytesWritten
                    let event = training?.perform(action)
                    fileBytes += backend.bytesWritten - before
                    if let event { perform(reducer.reduce(&state, event)) }
                }
            }
        }

        perform(reducer.start(&state))
        if setup.trainAtStart { perform([.training(.start)]) }
        if !notes.isEmpty && state.message == nil { state.message = notes.joined(separator: "; ") }
        var lastTick = backend.now
        let tickInterval = Duration.milliseconds(100), pollInterval = Duration.milliseconds(200)
        var shown: CellGrid?
        while true {
            let renderStart = ContinuousClock.now
            var frame = ScreenRenderer.frame(state)
            state.training?.live.lossAxis = frame.lossAxis
            state.training?.live.lrAxis = frame.lrAxis
            // While training, cells of pictures that moved by noise only stay as they are
            // (DeadBand): newer weights change every picture a little.
            if state.training != nil, let shown { DeadBand.hold(&frame.grid, shown: shown, threshold: 10) }
            shown = frame.grid
            let presentStart = ContinuousClock.now
            let before = backend.bytesWritten
            backend.present(frame.grid)
            if state.training != nil { perform(reducer.reduce(&state, .presented(bytes: backend.bytesWritten - before))) }
            if firstFrame == nil { firstFrame = (backend.bytesWritten - fileBytes, backend.now) }
            trace?.frame(render: presentStart - renderStart, present: .now - presentStart)
            trace?.presented(shownID: state.shownID)
            if state.quit { return finish() }

            let running = state.training?.running == true
            let timeout = state.computing ? tickInterval : running ? pollInterval : nil
            let input = try backend.readInput(timeout: timeout)
            var events: [ExplorerEvent] = []
            for event in input {
                switch event {
                case .key(let key): events.append(.key(key))
                case .mouse(let report): events.append(.mouse(report))
                case .resize(let width, let height): events.append(.resize(width: width, height: height))
                case .quitSignal(SIGHUP) where running, .hangUp where running:
                    // Nobody is left to watch: the screen closes and the run goes on.
                    if case .quitSignal(let signal) = event { report.signal = signal }
                    report.detached = true
                    return finish()
                case .quitSignal(let signal) where running:
                    // Like q: the trainer saves and stops, then the explorer ends.
                    report.signal = report.signal ?? signal
                    events.append(.key(.character("q")))
                case .quitSignal(let signal):
                    report.signal = signal
                    return finish()
                case .hangUp: return finish()
                }
            }
            if trace != nil && input.contains(where: { if case .key = $0 { true } else if case .mouse = $0 { true } else { false } }) {
                trace?.input(nextRequestID: state.lastRequestID + 1)
            }
            events += worker.takeFinished().map { ExplorerEvent.reconstructed($0) }
            if let training, state.training != nil {
                events.append(.trainingPolled(training.poll(now: (backend.now - startTime) / .seconds(1))))
            }
            if state.computing && backend.now - lastTick >= tickInterval {
                events.append(.tick)
                lastTick = backend.now
            }
            for event in events {
                perform(reducer.reduce(&state, event))
                if state.quit { break }
            }
        }
    }
}

/// With MAEX_LATENCY_LOG=file: one line per answered input, the milliseconds from reading the
/// key or mouse report to the screen update that shows its reconstruction, and one line per
/// frame with the time spent rendering the grid and presenting it.
final class LatencyTrace {
    private let file: FileHandle
    private var inputAt: [Int: ContinuousClock.Instant] = [:]
    private var pendingInput: (id: Int, at: ContinuousClock.Instant)?

    init?(path: String?) {
        guard let path, FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { return nil }
        file = handle
    }

    func input(nextRequestID: Int) { pendingInput = (nextRequestID, .now) }

    func requested(_ id: Int) {
        if let p = pendingInput, id >= p.id { inputAt[id] = p.at; pendingInput = nil }
    }

    func frame(render: Duration, present: Duration) {
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15 }
        file.write(Data(String(format: "frame render %.2f ms present %.2f ms\n", ms(render), ms(present)).utf8))
    }

    func presented(shownID: Int) {
        guard let at = inputAt.removeValue(forKey: shownID) else { return }
        let d = (ContinuousClock.now - at).components
        let ms = Double(d.seconds) * 1000 + Double(d.attoseconds) * 1e-15
        file.write(Data(String(format: "request %d key-to-screen %.2f ms\n", shownID, ms).utf8))
        // Inputs whose requests were replaced by newer ones are never shown: forget them.
        inputAt = inputAt.filter { $0.key > shownID }
    }
}
