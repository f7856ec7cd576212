import Foundation
import MAE

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
    public var engine: ReconstructionEngine
    public var makeMask: ExplorerReducer.MaskMaker
    /// Lines for the status bar at start (e.g. why the model is untrained).
    public var notes: [String]
    /// Where `e` writes figures.
    public var exportDirectory: String

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
/// its effects and presents the rendered grid. It never waits on the worker.
public enum ExplorerApp {
    /// Runs on the terminal until `q` or a quit signal; the terminal is restored on every way
    /// out. Returns the signal that ended it (SIGINT, SIGTERM, SIGHUP), if one did.
    @discardableResult
    public static func run(_ setup: ExplorerSetup) throws(ExplorerError) -> Int32? {
        let wake = try WakePipe()
        defer { wake.close() }
        let backend = try CursesBackend(colorOverride: setup.colors, wake: wake)
        defer { backend.close() }
        return try run(setup, on: backend)
    }

    /// The same on any backend (tests pass a TestBackend). Returns the quit signal the backend
    /// reported, if one ended it.
    @discardableResult
    public static func run(_ setup: ExplorerSetup, on backend: TerminalBackend) throws(ExplorerError) -> Int32? {
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
        let reducer = ExplorerReducer(makeMask: setup.makeMask)
        let worker = ReconstructionWorker(engine: setup.engine, wakeFD: backend.wakeFD)
        worker.start()
        defer { worker.stop() }
        let trace = LatencyTrace(path: ProcessInfo.processInfo.environment["MAEX_LATENCY_LOG"])

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
                }
            }
        }

        perform(reducer.start(&state))
        if !notes.isEmpty && state.message == nil { state.message = notes.joined(separator: "; ") }
        var lastTick = backend.now
        let tickInterval = Duration.milliseconds(100)
        while true {
            let renderStart = ContinuousClock.now
            let grid = ScreenRenderer.render(state)
            let presentStart = ContinuousClock.now
            backend.present(grid)
            trace?.frame(render: presentStart - renderStart, present: .now - presentStart)
            trace?.presented(shownID: state.shownID)
            if state.quit { return nil }

            let input = try backend.readInput(timeout: state.computing ? tickInterval : nil)
            var events: [ExplorerEvent] = []
            for event in input {
                switch event {
                case .key(let key): events.append(.key(key))
                case .mouse(let report): events.append(.mouse(report))
                case .resize(let width, let height): events.append(.resize(width: width, height: height))
                case .quitSignal(let signal): return signal
                case .hangUp: return nil
                }
            }
            if trace != nil && input.contains(where: { if case .key = $0 { true } else if case .mouse = $0 { true } else { false } }) {
                trace?.input(nextRequestID: state.lastRequestID + 1)
            }
            events += worker.takeFinished().map { ExplorerEvent.reconstructed($0) }
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
