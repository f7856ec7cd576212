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
        /// Another process writes `path` (a maex run folder, metrics.jsonl or the authors' log.txt).
        case watching(path: String)
    }

    /// Something a key asks the app (not the view) to do.
    public enum Action: Equatable, Sendable {
        case togglePause, saveNow, nextProbe, newMask, quit
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

        public init(name: String, original: RGBImage, hidden: [Bool], reconstruction: RGBImage, pasted: RGBImage,
                    gridSize: Int, step: Int?) {
            self.name = name
            self.original = original
            self.hidden = hidden
            self.reconstruction = reconstruction
            self.pasted = pasted
            self.gridSize = gridSize
            self.step = step
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
    public private(set) var latest: MetricPoint?
    /// The last step of the run, when known: the x axis ends there and the ETA counts to it.
    public var totalSteps: Int?
    /// The x values are epochs (the authors' log.txt has one line an epoch).
    public var xIsEpoch = false
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
        latest = p
        if let t = p.wallTime {
            if rateStart == nil { rateStart = (p.step, t) }
        }
    }

    /// The followed file was truncated or replaced: what was read before is gone.
    public mutating func reset() {
        steps.removeAll()
        losses.removeAll()
        learningRates.removeAll()
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
