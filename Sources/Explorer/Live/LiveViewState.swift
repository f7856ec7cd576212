import Foundation
import Imaging

/// What the live view of `maex watch` shows, and the explorer's charts and header while it
/// trains (`TrainingView`): the curve so far, the newest probe reconstruction and the view's own
/// settings. Pure: keys and data change it, the
/// renderer reads it; the app loop carries out the actions keys ask for.
public struct LiveViewState: Sendable {
    /// Where the numbers come from, for the header.
    public enum Source: Sendable, Equatable {
        /// This process trains; `run` is the run folder.
        case training(run: String)
        /// Another process writes `path` (a maex run folder, metrics.jsonl, the authors' log.txt or
        /// output_dir, TensorBoard event files, or "-" for standard input).
        case watching(path: String)
    }

    /// Something a key asks the app (not the view) to do.
    public enum Action: Equatable, Sendable {
        case togglePause, saveNow, nextProbe, newMask, quit
        /// `,` and `.`: the probe from the previous or the next checkpoint of the timeline.
        case olderCheckpoint, newerCheckpoint
        /// Tab: the next of several watched runs.
        case nextRun
    }

    /// The checkpoints of an authors' output_dir and the one the probe is drawn with.
    public struct Timeline: Equatable, Sendable {
        public var epochs: [Int]
        public var selected: Int?
        /// A checkpoint that is still being written, by file name.
        public var writing: String?

        public init(epochs: [Int], selected: Int?, writing: String? = nil) {
            self.epochs = epochs
            self.selected = selected
            self.writing = writing
        }
    }

    /// One of several watched runs, as the shared chart draws it: its smoothed loss against
    /// steps and, where known, epochs, and its plan.
    public struct RunCurve: Equatable, Sendable {
        public var name: String
        public var steps: [Double]
        /// The epoch of each point (NaN where a point has none).
        public var epochs: [Double]
        public var losses: [Double]
        /// The planned end, in the run's own x (`xIsEpoch`: epochs, else steps).
        public var planned: Double?
        public var xIsEpoch: Bool

        public init(name: String, steps: [Double], epochs: [Double], losses: [Double], planned: Double?, xIsEpoch: Bool) {
            self.name = name
            self.steps = steps
            self.epochs = epochs
            self.losses = losses
            self.planned = planned
            self.xIsEpoch = xIsEpoch
        }
    }

    /// The probe reconstruction on screen: four pictures at the model's side, S×S.
    public struct Probe: Sendable {
        public var name: String
        public var original: RGBImage
        public var hidden: [Bool]
        public var reconstruction: RGBImage
        public var pasted: RGBImage
        public var gridSize: Int
        /// The step of the weights that drew it.
        public var step: Int?
        /// Which weights drew it, where a step does not say it ("epoch 20").
        public var label: String?

        public init(name: String, original: RGBImage, hidden: [Bool], reconstruction: RGBImage, pasted: RGBImage,
                    gridSize: Int, step: Int?, label: String? = nil) {
            self.name = name
            self.original = original
            self.hidden = hidden
            self.reconstruction = reconstruction
            self.pasted = pasted
            self.gridSize = gridSize
            self.step = step
            self.label = label
        }
    }

    /// The smoothing weights `s` and `S` step through (TensorBoard's slider, coarsely).
    public static let smoothingSteps: [Double] = [0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999]

    public var source: Source
    /// x values (optimizer steps; epochs for the authors' log.txt), losses and learning rates
    /// (NaN where a line had none), index-aligned.
    public private(set) var steps: [Double] = []
    public private(set) var losses: [Double] = []
    public private(set) var learningRates: [Double] = []
    /// The epoch of each point (NaN where its line had none; the x itself for `xIsEpoch`).
    public private(set) var epochs: [Double] = []
    public private(set) var latest: MetricPoint?
    /// The last step of the run, when known: the x axis ends there and the ETA counts to it.
    public var totalSteps: Int?
    /// The x values are epochs (the authors' log.txt has one line an epoch).
    public var xIsEpoch = false
    /// `x`: the x axis spans the whole plan instead of the points so far (XAxisSpan).
    public var wholePlan = false
    public var smoothing: Double = 0.9
    public var logScale: LineChart.LogScale = .auto
    /// A word about the trainer or the file: "paused", "waiting for …", "stopping: saving …".
    public var phase: String?
    /// The trainer of a watched run (`TrainerActivity`), when its metrics tell.
    public var trainer: TrainerActivity.State?
    /// This machine's name: a trainer elsewhere is shown with its host.
    public var localHost = ""
    /// The last thing worth telling (a saved checkpoint, an error); replaced by the next.
    public var message: String?
    /// Lines of the followed file that were not metrics.
    public var malformedLines = 0
    /// Records of an event file skipped for a failed CRC or an unreadable event.
    public var badRecords = 0
    /// What the source is read as (the TensorBoard tags chosen, a damaged file), for the second row.
    public var sourceNote: String?
    /// The authors' checkpoints, when the run has them.
    public var timeline: Timeline?
    /// Every watched run when there are several (`maex watch RUN1 RUN2 …`): the chart overlays
    /// them; the rest of the view is the selected run's.
    public var runs: [RunCurve] = []
    public var selectedRun = 0
    public var restarts = 0
    public var showHelp = false
    public var probe: Probe?
    public var colors: ColorMode
    public var glyphs: GlyphMode
    /// The y axes shown last (ChartAxis hysteresis): the app stores what the renderer returns.
    public var lossAxis: ChartAxis?
    public var lrAxis: ChartAxis?
    /// The first point's wall time and step, for the ETA.
    private var rateStart: (step: Int, time: Double)?

    public init(source: Source, colors: ColorMode = .truecolor, glyphs: GlyphMode = .halfBlock) {
        self.source = source
        self.colors = colors
        self.glyphs = glyphs
    }

    // MARK: data

    public mutating func append(_ p: MetricPoint) {
        // A log that starts over at a smaller step (a new run into the same file) restarts the curve.
        if let last = steps.last, Double(p.step) < last { reset() }
        steps.append(Double(p.step))
        losses.append(p.loss)
        learningRates.append(p.lr ?? .nan)
        epochs.append(p.epoch ?? (xIsEpoch ? Double(p.step) : .nan))
        latest = p
        if let t = p.wallTime {
            if rateStart == nil { rateStart = (p.step, t) }
        }
    }

    /// This run's curve, for the chart of several runs.
    public func curve(name: String) -> RunCurve {
        RunCurve(name: name, steps: steps, epochs: epochs, losses: smoothedLosses, planned: totalSteps.map(Double.init),
                 xIsEpoch: xIsEpoch)
    }

    /// Takes the numbers and words of `run` (another state a feed keeps per run), keeping this
    /// view's own settings: smoothing, scales, help, the probe, the runs list.
    public mutating func show(_ run: LiveViewState) {
        steps = run.steps
        losses = run.losses
        learningRates = run.learningRates
        epochs = run.epochs
        latest = run.latest
        rateStart = run.rateStart
        totalSteps = run.totalSteps
        xIsEpoch = run.xIsEpoch
        phase = run.phase
        trainer = run.trainer
        malformedLines = run.malformedLines
        badRecords = run.badRecords
        sourceNote = run.sourceNote
        restarts = run.restarts
        timeline = run.timeline
        source = run.source
    }

    /// The followed file was truncated or replaced: what was read before is gone.
    public mutating func reset() {
        steps.removeAll()
        losses.removeAll()
        learningRates.removeAll()
        epochs.removeAll()
        latest = nil
        rateStart = nil
        lossAxis = nil
        lrAxis = nil
        restarts += 1
    }

    /// The debiased EMA of the losses at the current smoothing (NaN where a loss was not finite).
    public var smoothedLosses: [Double] { SmoothedSeries.smooth(losses, weight: smoothing) }

    /// Seconds left to `totalSteps` at the pace since the first point, when both are known.
    public var etaSeconds: Double? {
        guard let total = totalSteps, let p = latest, let t = p.wallTime, let start = rateStart,
              p.step > start.step, t > start.time else { return nil }
        let perStep = (t - start.time) / Double(p.step - start.step)
        return max(0, Double(total - p.step)) * perStep
    }

    // MARK: keys

    /// Applies a key that only changes the view, and returns the action one asks of the app.
    public mutating func handle(_ key: Key) -> Action? {
        guard case .character(let c) = key else {
            if key == .escape { showHelp = false }
            if key == .tab && !showHelp { return .nextRun }
            return nil
        }
        if showHelp && c != "?" && c != "q" {
            showHelp = false
            return nil
        }
        switch c {
        case "s": smoothing = Self.step(smoothing, by: -1)
        case "S": smoothing = Self.step(smoothing, by: 1)
        case "l":
            // auto → the other of what auto shows now → back to auto.
            switch logScale {
            case .auto: logScale = lossAxis?.isLog == true ? .off : .on
            case .on, .off: logScale = .auto
            }
        case "x": wholePlan.toggle()
        case ",": return .olderCheckpoint
        case ".": return .newerCheckpoint
        case "?": showHelp.toggle()
        case " ": return .togglePause
        case "w": return .saveNow
        case "p": return .nextProbe
        case "n": return .newMask
        case "q": return .quit
        default: return nil
        }
        return nil
    }

    static func step(_ w: Double, by direction: Int) -> Double {
        let s = smoothingSteps
        let nearest = s.indices.min { abs(s[$0] - w) < abs(s[$1] - w) } ?? 0
        return s[min(max(nearest + direction, 0), s.count - 1)]
    }
}
