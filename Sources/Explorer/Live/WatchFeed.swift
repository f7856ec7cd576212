import Foundation
import MAE

/// The live view of a run another process writes: it follows the metrics file (LogFollower,
/// RunLogParser) and, for a maex run folder, reloads checkpoint.safetensors when its
/// modification time changes. It only ever reads.
public final class WatchFeed: LiveFeed {
    public let metricsPath: String
    public let checkpointPath: String?
    public let probeImages: [String]
    public let maskRatio: Double
    public let pollInterval: Int32 = 250
    public private(set) var isDone = false

    private let follower: LogFollower
    private var waiting = false
    private var checkpointStamp: timespec?
    private var probeIndex = 0
    private var maskSeed: UInt64 = 0
    private var previewWanted = false

    public init(metricsPath: String, checkpointPath: String?, probeImages: [String], maskRatio: Double = 0.75) {
        self.metricsPath = metricsPath
        self.checkpointPath = checkpointPath
        self.probeImages = probeImages
        self.maskRatio = maskRatio
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
                changed = true
            }
            for line in update.lines {
                switch RunLogParser.parse(line) {
                case .point(let p):
                    state.append(p)
                    changed = true
                case .malformed:
                    state.malformedLines += 1
                    changed = true
                case .event, .blank:
                    break
                }
            }
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
