import CNcurses
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

/// The I/O shell around the pure core: one UI thread that owns curses and the state, polls
/// stdin and the wake pipe, feeds events to the reducer, carries out its effects and presents
/// the rendered grid. It never waits on the worker.
public enum ExplorerApp {
    /// Runs until `q` or a quit signal; the terminal is restored on every way out. Returns the
    /// signal that ended it (SIGINT, SIGTERM, SIGHUP), if one did.
    @discardableResult
    public static func run(_ setup: ExplorerSetup) throws(ExplorerError) -> Int32? {
        let wake = try WakePipe()
        defer { wake.close() }

        let terminal = try CursesTerminal(colorOverride: setup.colors)
        defer { terminal.close() }

        var notes = setup.notes + terminal.notes
        var glyphs = setup.glyphs ?? .halfBlock
        if !terminal.utf8 {
            glyphs = .ascii
            notes.append("the locale is not UTF-8: drawing with coloured spaces")
        } else if glyphs == .sextant && maex_wcwidth(0x1FB00) != 1 {
            glyphs = .halfBlock
            notes.append("this system does not know the sextant glyphs: using half blocks")
        }
        let size = terminal.size
        var state = ExplorerState(model: setup.model, images: setup.images, ratio: setup.ratio, pattern: setup.pattern,
                                  seed: setup.seed, width: size.width, height: size.height, glyphs: glyphs,
                                  colors: terminal.colors)
        let reducer = ExplorerReducer(makeMask: setup.makeMask)
        let worker = ReconstructionWorker(engine: setup.engine, wakeFD: wake.writeFD)
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
                    terminal.redrawAll()
                }
            }
        }

        perform(reducer.start(&state))
        if !notes.isEmpty && state.message == nil { state.message = notes.joined(separator: "; ") }
        var lastTick = ContinuousClock.now
        let tickInterval = Duration.milliseconds(100)
        while true {
            let renderStart = ContinuousClock.now
            let grid = ScreenRenderer.render(state)
            let presentStart = ContinuousClock.now
            terminal.present(grid)
            trace?.frame(render: presentStart - renderStart, present: .now - presentStart)
            trace?.presented(shownID: state.shownID)
            if state.quit { break }

            let terminalAlive = try wake.wait(timeout: state.computing ? 100 : -1)
            if TerminalGuard.requestedSignal != nil || !terminalAlive { break }

            var events = terminal.readEvents()
            if trace != nil && events.contains(where: { if case .key = $0 { true } else if case .mouse = $0 { true } else { false } }) {
                trace?.input(nextRequestID: state.lastRequestID + 1)
            }
            events += worker.takeFinished().map { ExplorerEvent.reconstructed($0) }
            if state.computing && ContinuousClock.now - lastTick >= tickInterval {
                events.append(.tick)
                lastTick = .now
            }
            for event in events {
                perform(reducer.reduce(&state, event))
                if state.quit { break }
            }
        }
        return TerminalGuard.requestedSignal
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
