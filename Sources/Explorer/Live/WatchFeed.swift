import Foundation
import MAE
import Training

/// The live view of a run another process writes. The numbers come from a metrics file
/// (LogFollower, RunLogParser: maex's metrics.jsonl or the authors' log.txt), from a pipe
/// (StreamFollower: `maex watch -`) or from TensorBoard event files (TensorBoardFollower); the
/// probe's pictures from the run's weights (WatchProbe: maex's checkpoint.safetensors, or the
/// authors' checkpoint-N.pth timeline). The header tells the trainer's state
/// (`TrainerActivity`): the run's lock is read, never taken, and whether it is held is asked
/// of /proc/locks. It only ever reads.
public final class WatchFeed: LiveFeed {
    public enum Metrics {
        /// metrics.jsonl or log.txt at this path.
        case file(String)
        /// Lines of either kind from this open descriptor (standard input).
        case stream(Int32)
        /// The event files in and below this folder; the loss tag if `--tag` named one.
        case tensorBoard(folder: String, tag: String?)
    }

    public let metrics: Metrics
    public let probe: WatchProbe
    /// The run's lock file (RUN/lock), for a run folder.
    public let lockPath: String?
    public let pollInterval: Int32 = 250
    public private(set) var isDone = false
    /// Only the selected one of several runs draws its probe.
    public var drawsProbe = true {
        didSet { if drawsProbe && !oldValue { probe.wantNew() } }
    }

    private var follower: LogFollower?
    private var stream: StreamFollower?
    private var events: TensorBoardFollower?
    private var waiting = false
    private var activity = TrainerActivity()
    private let localHost = RunLock.hostName
    private var lock: TrainerActivity.Lock = .unknown
    private var lockChecked: Double?

    public init(metrics: Metrics, probe: WatchProbe, lockPath: String? = nil) {
        self.metrics = metrics
        self.probe = probe
        self.lockPath = lockPath
        switch metrics {
        case .file(let path): follower = LogFollower(path: path)
        case .stream(let fd): stream = StreamFollower(descriptor: fd)
        case .tensorBoard(let folder, let tag): events = TensorBoardFollower(folder: folder, tag: tag)
        }
    }

    /// A metrics file and, for a maex run folder, its checkpoint.safetensors.
    public convenience init(metricsPath: String, checkpointPath: String?, probeImages: [String], maskRatio: Double = 0.75,
                            lockPath: String? = nil) {
        self.init(metrics: .file(metricsPath),
                  probe: WatchProbe(weights: checkpointPath.map { .maexCheckpoint($0) } ?? .none, probeImages: probeImages,
                                    maskRatio: maskRatio),
                  lockPath: lockPath)
    }

    public func start(wakeFD: Int32, preview: PreviewWorker) {}

    public func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        var changed = false
        func take(_ parsed: RunLogParser.Line) {
            activity.read(parsed)
            switch parsed {
            case .point(let p):
                state.append(p)
                changed = true
            case .malformed:
                state.malformedLines += 1
                changed = true
            case .event(let e):
                // A run watched from before it began has no config.json to read its length from.
                if e.name == "started", let total = e.totalSteps, total != state.totalSteps {
                    state.totalSteps = total
                    changed = true
                }
            case .blank:
                break
            }
        }
        func restart() {
            state.reset()
            activity.reset()
            changed = true
        }
        func wait(_ note: String?) {
            if (note != nil) != waiting || state.phase != note {
                waiting = note != nil
                state.phase = note
                changed = true
            }
        }

        if let follower {
            wait(follower.exists ? nil : "waiting for \(follower.path)")
            if follower.exists {
                let update = follower.poll()
                if update.restarted { restart() }
                for line in update.lines { take(RunLogParser.parse(line)) }
            }
        }
        if let stream {
            for line in stream.poll() {
                // The authors' log.txt counts epochs; the first point tells which kind is piped in.
                if state.steps.isEmpty, line.contains("\"train_loss\""), !state.xIsEpoch {
                    state.xIsEpoch = true
                    state.smoothing = 0.6
                }
                take(RunLogParser.parse(line))
            }
            wait(stream.ended ? "standard input ended" : nil)
        }
        if let events {
            let update = events.poll()
            wait(events.exists ? nil : "waiting for \(TensorBoardFollower.filePrefix)* in \(events.folder)")
            if update.restarted { restart() }
            for p in update.points { take(.point(p)) }
            changed = note(events, &state) || changed
        }

        state.localHost = localHost
        let trainer = activity.state(now: Date().timeIntervalSince1970, lock: lockState())
        if trainer != state.trainer {
            state.trainer = trainer
            changed = true
        }
        if drawsProbe { changed = probe.poll(&state, preview: preview) || changed }
        return changed
    }

    /// Which tags the curves show, skipped records and damage, on the second row.
    private func note(_ events: TensorBoardFollower, _ state: inout LiveViewState) -> Bool {
        var parts: [String] = []
        if let loss = events.lossTag {
            parts.append("loss: \(loss)" + (events.lrTag.map { ", lr: \($0)" } ?? "")
                         + (events.stepIsEpoch1000 ? " (step = epoch × 1000)" : ""))
        } else if !events.tags.isEmpty {
            let wanted = events.requestedTag.map { "no tag '\($0)'" } ?? "no tag with 'loss' in its name"
            parts.append(wanted + "; tags: " + events.tags.prefix(8).joined(separator: ", ") + " (--tag NAME)")
        }
        if let d = events.damage { parts.append(d) }
        let note = parts.isEmpty ? nil : parts.joined(separator: " · ")
        guard note != state.sourceNote || events.badRecords != state.badRecords else { return false }
        state.sourceNote = note
        state.badRecords = events.badRecords
        return true
    }

    /// Whether the trainer still holds the run's lock, looked up at most once a second, and
    /// only for a trainer on this host (/proc/locks lists this machine's locks alone).
    private func lockState() -> TrainerActivity.Lock {
        guard let lockPath, let trainer = activity.trainer, trainer.host == localHost else { return .unknown }
        let now = Date().timeIntervalSince1970
        if let last = lockChecked, now - last < 1 { return lock }
        lockChecked = now
        guard FileManager.default.fileExists(atPath: lockPath) else {
            lock = .unknown
            return lock
        }
        switch RunLock.holder(of: lockPath) {
        case .process(let pid): lock = .held(pid: pid)
        case .nobody: lock = .free
        case .unknown: lock = .unknown
        }
        return lock
    }

    public func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState, preview: PreviewWorker) {
        switch action {
        case .quit: isDone = true
        case .nextProbe, .newMask, .olderCheckpoint, .newerCheckpoint: probe.perform(action, &state)
        case .togglePause, .saveNow:
            state.message = "maex watch only reads the run: pause and save belong to the training process"
        case .nextRun:
            state.message = "one run is watched (maex watch RUN1 RUN2 … compares several)"
        }
    }

    public func requestQuit(_ state: inout LiveViewState) { isDone = true }
}
