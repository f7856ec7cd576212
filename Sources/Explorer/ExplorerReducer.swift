import Imaging
import MAE

/// What the reducer asks the shell to do.
public enum ExplorerEffect: Sendable {
    /// Send to the worker (replacing any request it has not started).
    case reconstruct(ReconstructionRequest)
    /// Write the four-panel figure of what is on screen.
    case export(ExportJob)
    /// Resend every cell (Ctrl-L).
    case redrawAll
    /// Start, pause, save or stop the training run, or write its weights.
    case training(TrainingAction)
}

/// The figure `e` writes: the four panel images and where.
public struct ExportJob: Sendable {
    public var original: RGBImage
    public var mask: [Bool]
    public var reconstruction: RGBImage
    public var pasted: RGBImage
    public var fileName: String
}

/// Pure input handling: (state, event) → new state and effects. The mask generator is passed
/// in so that tests need no model.
public struct ExplorerReducer: Sendable {
    public typealias MaskMaker = @Sendable (_ pattern: MaskStrategy, _ ratio: Double, _ gridSize: Int,
                                            _ seed: UInt64) -> [Bool]
    public let makeMask: MaskMaker

    public init(makeMask: @escaping MaskMaker) { self.makeMask = makeMask }

    /// The first request: the initial mask on the first image.
    public func start(_ s: inout ExplorerState) -> [ExplorerEffect] {
        if s.tour != nil { startTour(&s) }
        s.mask = makeMask(s.pattern ?? .random, s.ratio, s.gridSize, s.seed)
        if s.images.isEmpty { s.message = "no images: give image files or folders"; return [] }
        return [request(&s)]
    }

    public func reduce(_ s: inout ExplorerState, _ event: ExplorerEvent) -> [ExplorerEffect] {
        switch event {
        case .key(let key): return handle(key, &s)
        case .mouse(let report): return handle(report, &s)
        case .resize(let w, let h):
            s.width = w
            s.height = h
            s.stroke = nil
            return []
        case .tick:
            if s.computing { s.spinnerPhase &+= 1 }
            return []
        case .exported(let result):
            switch result {
            case .success(let path): s.message = "wrote \(path)"
            case .failure(let error): s.message = "export failed: \(error.message)"
            }
            return []
        case .reconstructed(let outcome): return receive(outcome, &s)
        case .trainingStarted(let view): return startTraining(view, &s)
        case .trainingFailed(let error):
            s.message = "cannot train: \(error.message)"
            return []
        case .trainingPolled(let poll): return receive(poll, &s)
        case .weightsWritten(let result):
            switch result {
            case .success(let path): s.message = "wrote the weights to \(path)"
            case .failure(let error): s.message = "cannot write the weights: \(error.message)"
            }
            return []
        case .presented(let bytes):
            s.training?.budget.spend(bytes)
            return []
        }
    }

    // MARK: worker answers

    func receive(_ o: ReconstructionOutcome, _ s: inout ExplorerState) -> [ExplorerEffect] {
        s.lastAnsweredID = max(s.lastAnsweredID, o.id)
        switch o.result {
        case .success(let image):
            if let point = image.sweep { return receiveSweep(point, imageIndex: o.imageIndex, &s) }
            // An older answer than the one on screen, or one for an image left since, is dropped;
            // newer intermediate answers (during a drag) are shown as they come.
            guard o.id > s.shownID, o.imageIndex == s.imageIndex else { return nextSweepPoint(&s) }
            s.shown = image
            s.shownID = o.id
            s.original = image.original
            return nextSweepPoint(&s)
        case .failure(let error) where o.modelFailed:
            // Every image would fail the same way: say why, and move nowhere.
            s.message = error.message
            return []
        case .failure(let error):
            guard s.images.indices.contains(o.imageIndex) else { return [] }
            s.images[o.imageIndex].failure = error.message
            s.message = error.message
            guard o.imageIndex == s.imageIndex else { return [] }
            // Move on in the direction of travel to the next image not known to fail.
            if let next = nextImage(from: s.imageIndex, step: s.direction, in: s) {
                return switchImage(to: next, &s)
            }
            s.original = nil
            s.shown = nil
            s.message = "no image could be read (\(error.message))"
            return []
        }
    }

    func nextImage(from index: Int, step: Int, in s: ExplorerState) -> Int? {
        let n = s.images.count
        guard n > 0 else { return nil }
        for k in 1...n {
            let i = ((index + k * step) % n + n) % n
            if s.images[i].failure == nil && i != index { return i }
        }
        return nil
    }

    func switchImage(to index: Int, _ s: inout ExplorerState) -> [ExplorerEffect] {
        s.imageIndex = index
        s.original = nil
        s.shown = nil
        s.shownID = s.lastRequestID
        restartSweep(&s)
        return [request(&s)]
    }

    /// A request for the current image and mask (or compare mode's four masks).
    func request(_ s: inout ExplorerState) -> ExplorerEffect {
        s.lastRequestID += 1
        let path = s.currentImage?.path ?? ""
        if s.compare {
            let ratios = ExplorerState.compareRatios
            let masks = ratios.map { makeMask(s.pattern ?? .random, $0, s.gridSize, s.seed) }
            return .reconstruct(ReconstructionRequest(id: s.lastRequestID, imageIndex: s.imageIndex, path: path,
                                                      masks: masks, compareRatios: ratios, weights: s.training?.weights))
        }
        return .reconstruct(ReconstructionRequest(id: s.lastRequestID, imageIndex: s.imageIndex, path: path,
                                                  masks: [s.mask], weights: s.training?.weights))
    }

    /// Applies a mask change; records one undo step and asks for a reconstruction if the mask
    /// (or how it was made) changed.
    func changeMask(_ s: inout ExplorerState, recordUndo: Bool = true,
                    _ change: (inout ExplorerState) -> Void) -> [ExplorerEffect] {
        let before = s.snapshot
        change(&s)
        guard s.snapshot != before else { return [] }
        if recordUndo { s.history.push(before) }
        guard !s.images.isEmpty, s.mask != before.mask || s.compare else { return [] }
        return [request(&s)]
    }

    func regenerate(_ s: inout ExplorerState) {
        s.mask = makeMask(s.pattern ?? .random, s.ratio, s.gridSize, s.seed)
    }

    func setRatio(_ r: Double, _ s: inout ExplorerState) -> [ExplorerEffect] {
        changeMask(&s) { s in
            s.ratio = max(0, min(0.95, (r * 20).rounded() / 20))
            if s.pattern == nil { s.pattern = .random }
            regenerate(&s)
        }
    }

    // MARK: keys

    func handle(_ key: Key, _ s: inout ExplorerState) -> [ExplorerEffect] {
        if s.showHelp {
            s.showHelp = false
            if key == .character("q") || key == .character("Q") { return quit(&s) }
            return []
        }
        s.message = nil
        if let effects = tourKey(key, &s) { return effects }
        let g = s.gridSize
        switch key {
        case .character("q"), .character("Q"):
            return quit(&s)
        case .character("T"), .character("w"), .character("W"):
            return trainingKey(key, &s)
        case .character("s"), .character("S"), .character("l"), .character("x"):
            if s.training != nil { return trainingKey(key, &s) }
        case .character("?"):
            s.showHelp = true
        case .escape:
            if s.showsSweep { return toggleSweep(&s) }
            if s.compare { return toggleCompare(&s) }
        case .character("%"):
            return toggleSweep(&s)
        case .character("m"):
            if s.showsSweep { switchSweepMetric(&s) }
        case .redraw:
            return [.redrawAll]
        case .tab:
            s.focus = (s.focus + 1) % 4
        case .backTab:
            s.focus = (s.focus + 3) % 4
        case .up, .character("K"): moveCursor(-1, 0, &s)
        case .down, .character("J"): moveCursor(1, 0, &s)
        case .left, .character("H"): moveCursor(0, -1, &s)
        case .right, .character("L"): moveCursor(0, 1, &s)
        case .character(" "), .enter:
            s.cursorVisible = true
            return changeMask(&s) { s in
                let i = s.cursor.row * g + s.cursor.col
                if s.mask.indices.contains(i) { s.mask[i].toggle() }
                s.pattern = nil
            }
        case .character("r"):
            return changeMask(&s) { s in s.seed &+= 1; s.pattern = .random; regenerate(&s) }
        case .character("b"):
            return changeMask(&s) { s in s.pattern = .block; regenerate(&s) }
        case .character("g"):
            return changeMask(&s) { s in s.pattern = .grid; regenerate(&s) }
        case .character("+"), .character("="):
            return setRatio(s.ratio + 0.05, &s)
        case .character("-"), .character("_"):
            return setRatio(s.ratio - 0.05, &s)
        case .character(let c) where c.isASCII && c.isNumber && c != "0":
            return setRatio(Double(c.wholeNumberValue ?? 5) / 10, &s)
        case .character("i"):
            return changeMask(&s) { s in s.mask = s.mask.map { !$0 }; s.pattern = nil }
        case .character("c"):
            return changeMask(&s) { s in s.mask = Array(repeating: false, count: s.mask.count); s.pattern = nil }
        case .character("u"):
            guard let previous = s.history.pop() else { s.message = "nothing to undo"; return [] }
            return changeMask(&s, recordUndo: false) { s in s.restore(previous) }
        case .character("["), .character("]"):
            let step = key == .character("]") ? 1 : -1
            s.direction = step
            guard let next = nextImage(from: s.imageIndex, step: step, in: s) else {
                if s.images.count > 1 { s.message = "no other image could be read" }
                return []
            }
            return switchImage(to: next, &s)
        case .character("v"):
            return toggleCompare(&s)
        case .character("h"):
            s.showHeatmap.toggle()
        case .character("#"):
            s.showGrid.toggle()
        case .character("z"):
            if s.training != nil { cycleTrainingScreen(&s) } else { s.zoom = s.zoom.next }
            s.stroke = nil
        case .character("e"):
            return export(&s)
        default:
            break
        }
        return []
    }

    func moveCursor(_ dr: Int, _ dc: Int, _ s: inout ExplorerState) {
        let g = s.gridSize
        if s.cursorVisible {
            s.cursor = (max(0, min(g - 1, s.cursor.row + dr)), max(0, min(g - 1, s.cursor.col + dc)))
        }
        s.cursorVisible = true  // the first press only shows where the cursor is
    }

    func toggleCompare(_ s: inout ExplorerState) -> [ExplorerEffect] {
        s.compare.toggle()
        s.shown = nil
        s.shownID = s.lastRequestID
        guard !s.images.isEmpty else { return [] }
        return [request(&s)]
    }

    func export(_ s: inout ExplorerState) -> [ExplorerEffect] {
        guard !s.compare else { s.message = "leave compare mode (v) to export"; return [] }
        guard let shown = s.shown, let p = shown.panels.first, let image = s.currentImage else {
            s.message = "nothing to export yet"
            return []
        }
        let percent = Int((p.mask.isEmpty ? 0 : Double(p.mask.filter { $0 }.count) / Double(p.mask.count) * 100)
            .rounded())
        let stem = image.name.split(separator: ".").dropLast().joined(separator: ".")
        let base = (stem.isEmpty ? image.name : stem).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        let how = s.pattern?.rawValue ?? "painted"
        let name = "\(String(base))-\(how)\(percent)-seed\(s.seed).png"
        return [.export(ExportJob(original: shown.original, mask: p.mask, reconstruction: p.reconstruction,
                                  pasted: p.pasted, fileName: name))]
    }

    // MARK: mouse

    func handle(_ m: MouseReport, _ s: inout ExplorerState) -> [ExplorerEffect] {
        let layout = s.layout
        let g = s.gridSize
        switch m.kind {
        case .press:
            if s.showHelp { s.showHelp = false; return [] }
            guard !s.compare, m.button == 0 || m.button == 2,
                  let hit = layout.patch(atX: m.x, y: m.y) else { return [] }
            s.message = nil
            let i = hit.row * g + hit.col
            // Left button: the patch under the press decides paint or erase; right always erases.
            let paint = m.button == 0 ? !s.mask[i] : false
            s.stroke = ExplorerState.Stroke(paint: paint, slot: hit.slot, row: hit.row, col: hit.col)
            s.cursor = (hit.row, hit.col)
            return changeMask(&s) { s in s.mask[i] = paint; s.pattern = nil }
        case .drag:
            guard let stroke = s.stroke, let panel = layout.panel(slot: stroke.slot) else { return [] }
            let to = layout.clampedPatch(atX: m.x, y: m.y, in: panel)
            guard to.row != stroke.row || to.col != stroke.col else { return [] }
            s.stroke?.row = to.row
            s.stroke?.col = to.col
            s.cursor = (to.row, to.col)
            // One undo step per stroke: the press recorded it.
            return changeMask(&s, recordUndo: false) { s in
                for p in PatchLine.cells(from: (stroke.row, stroke.col), to: to) { s.mask[p.row * g + p.col] = stroke.paint }
                s.pattern = nil
            }
        case .release:
            s.stroke = nil
            return []
        case .wheelUp:
            return s.compare ? [] : setRatio(s.ratio + 0.05, &s)
        case .wheelDown:
            return s.compare ? [] : setRatio(s.ratio - 0.05, &s)
        case .move:
            return []
        }
    }
}
