import Foundation
import MAE
import Training

/// The live view of a run another process writes: it follows the metrics file (LogFollower,
/// RunLogParser) and, for a maex run folder, reloads checkpoint.safetensors when its
/// modification time changes. The header tells the trainer's state (`TrainerActivity`): the
/// run's lock is read, never taken, and whether it is held is asked of /proc/locks. It only
/// ever reads.
public final class WatchFeed: LiveFeed {
    public let metricsPath: String
    public let checkpointPath: String?
    public let probeImages: [String]
    /// The run's lock file (RUN/lock), for a run folder.
    public let lockPath: String?
    public let maskRatio: Double
    public let pollInterval: Int32 = 250
    public private(set) var isDone = false

    private let follower: LogFollower
    private var waiting = false
    private var checkpointStamp: timespec?
    private var probeIndex = 0
    private var maskSeed: UInt64 = 0
    private var previewWanted = false
    private var activity = TrainerActivity()
    private let localHost = RunLock.hostName
    private var lock: TrainerActivity.Lock = .unknown
    private var lockChecked: Double?

    public init(metricsPath: String, checkpointPath: String?, probeImages: [String], maskRatio: Double = 0.75,
                lockPath: String? = nil) {
        self.metricsPath = metricsPath
        self.checkpointPath = checkpointPath
        self.probeImages = probeImages
        self.maskRatio = maskRatio
        self.lockPath = lockPath
        follower = LogFollower(path: metricsPath)
    }

    public func start(wakeFD: Int32, preview: PreviewWorker) {}

    public func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        var changed = false
        let exists = follower.exists
        if !exists != waiting {
            waiting = !exists
            state.phase = waiting ? "waiting for \(metricsPath)" : nil
            changed = true
        }
        if exists {
            let update = follower.poll()
            if update.restarted {
                state.reset()
                activity.reset()
                changed = true
            }
            for line in update.lines {
                let parsed = RunLogParser.parse(line)
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
        }
        state.localHost = localHost
        let trainer = activity.state(now: Date().timeIntervalSince1970, lock: lockState())
        if trainer != state.trainer {
            state.trainer = trainer
            changed = true
        }
        if let path = checkpointPath, !probeImages.isEmpty {
            var info = stat()
            if stat(path, &info) == 0 {
                let stamp = info.st_mtim
                if checkpointStamp.map({ $0.tv_sec != stamp.tv_sec || $0.tv_nsec != stamp.tv_nsec }) ?? true {
                    checkpointStamp = stamp
                    previewWanted = true
                }
            }
            if previewWanted, checkpointStamp != nil, !preview.isBusy {
                preview.submit(PreviewWorker.Request(model: { try Checkpoint.load(path: path) },
                                                     imagePath: probeImages[probeIndex], maskSeed: maskSeed,
                                                     maskRatio: maskRatio, step: nil))
                previewWanted = false
            }
        }
        return changed
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
        case .nextProbe where checkpointPath == nil, .newMask where checkpointPath == nil:
            state.message = "no checkpoint to draw the probe with (a maex run folder has one)"
        case .nextProbe:
            guard !probeImages.isEmpty else { return }
            probeIndex = (probeIndex + 1) % probeImages.count
            previewWanted = true
        case .newMask:
            maskSeed &+= 1
            previewWanted = true
        case .togglePause, .saveNow:
            state.message = "maex watch only reads the run: pause and save belong to the training process"
        }
    }

    public func requestQuit(_ state: inout LiveViewState) { isDone = true }
}
