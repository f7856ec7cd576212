import Foundation
import MAE

/// Decides when `maex watch` redraws the probe and with which weights: maex's
/// checkpoint.safetensors whenever its modification time changes, or the newest of the authors'
/// `checkpoint-N.pth` (CheckpointTimeline; `,` and `.` step through them). For the authors'
/// checkpoints the architecture comes from the checkpoint's `args` (one of their three model
/// names gives the head counts, `norm_pix_loss` the targets, `mask_ratio` the probe's mask),
/// else from the model options (`--heads`, `--decoder-heads`, `--norm-pix`), else from the shapes
/// (a preset with the same shapes). The loading runs on the preview worker; this runs on the UI
/// thread and only looks at file names, sizes and times, and the pickle of a finished file.
public final class WatchProbe {
    public enum Weights: Sendable {
        case none
        /// maex's run folder: RUN/checkpoint.safetensors, rewritten atomically.
        case maexCheckpoint(String)
        /// The authors' output_dir and its checkpoint-N.pth files.
        case authorsCheckpoints(folder: String)
    }

    /// What the options say of the model, for checkpoints whose args and shapes leave it open.
    public struct ModelOptions: Sendable, Equatable {
        public var heads: Int?
        public var decoderHeads: Int?
        public var normPixLoss: Bool?

        public init(heads: Int? = nil, decoderHeads: Int? = nil, normPixLoss: Bool? = nil) {
            self.heads = heads
            self.decoderHeads = decoderHeads
            self.normPixLoss = normPixLoss
        }
    }

    public let weights: Weights
    public let probeImages: [String]
    /// `--mask-ratio`; else the checkpoint's args, else 0.75.
    public let maskRatioOption: Double?
    public let options: ModelOptions

    private var stamp: [Int64]?
    private var timeline: CheckpointTimeline?
    private var lastScan: Double?
    /// The entry (path and stamp) the probe was last drawn from, to draw a changed one again.
    private var drawn: CheckpointTimeline.Entry?
    private var args: (path: String, stamp: [Int64], value: TrainingArgs?)?
    private var probeIndex = 0
    private var maskSeed: UInt64 = 0
    private var wanted = false

    public init(weights: Weights, probeImages: [String], maskRatio: Double? = nil, options: ModelOptions = ModelOptions()) {
        self.weights = weights
        self.probeImages = probeImages
        self.maskRatioOption = maskRatio
        self.options = options
        if case .authorsCheckpoints(let folder) = weights { timeline = CheckpointTimeline(folder: folder) }
    }

    /// Draw again at the next poll (a newly selected run).
    public func wantNew() { wanted = true }

    /// Submits a probe when the weights changed or a key asked; returns whether the view changed.
    func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        switch weights {
        case .none:
            return false
        case .maexCheckpoint(let path):
            guard !probeImages.isEmpty else { return false }
            var info = stat()
            if stat(path, &info) == 0 {
                let now = [Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)]
                if now != stamp {
                    stamp = now
                    wanted = true
                }
            }
            if wanted, stamp != nil, !preview.isBusy {
                preview.submit(PreviewWorker.Request(model: { try Checkpoint.load(path: path) }, imagePath: probeImages[probeIndex],
                                                     maskSeed: maskSeed, maskRatio: maskRatioOption ?? 0.75, step: nil))
                wanted = false
            }
            return false
        case .authorsCheckpoints:
            return pollTimeline(&state, preview: preview)
        }
    }

    private func pollTimeline(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        guard var t = timeline else { return false }
        var changed = false
        let now = Date().timeIntervalSince1970
        // A directory listing a second is plenty for a file written every 20 epochs.
        if lastScan.map({ now - $0 >= 1 }) ?? true {
            lastScan = now
            _ = t.scan()
        }
        var writing: String?
        if let entry = t.current {
            let name = (entry.path as NSString).lastPathComponent
            if !CheckpointTimeline.isComplete(entry.path) {
                writing = name
            } else {
                if args?.path != entry.path || args?.stamp != entry.stamp {
                    args = (entry.path, entry.stamp, try? TrainingArgs.read(path: entry.path))
                    // log.txt counts epochs: the args say how many the run plans.
                    if state.xIsEpoch, let epochs = args?.value?.epochs, state.totalSteps != epochs {
                        state.totalSteps = epochs
                        changed = true
                    }
                }
                if drawn != entry { wanted = true }
                if wanted, !probeImages.isEmpty, !preview.isBusy {
                    submit(entry, preview: preview)
                    drawn = entry
                    wanted = false
                }
            }
        }
        let marks = LiveViewState.Timeline(epochs: t.entries.map(\.epoch), selected: t.selected, writing: writing)
        if marks != state.timeline {
            state.timeline = marks
            changed = true
        }
        timeline = t
        return changed
    }

    private func submit(_ entry: CheckpointTimeline.Entry, preview: PreviewWorker) {
        let a = args?.value
        let preset = a?.preset?.config
        let heads = preset?.numHeads ?? options.heads, decoderHeads = preset?.decoderNumHeads ?? options.decoderHeads
        let normPix = a?.normPixLoss ?? options.normPixLoss
        let path = entry.path
        let epoch = a?.epoch ?? entry.epoch
        preview.submit(PreviewWorker.Request(
            model: { try Checkpoint.load(path: path, heads: heads, decoderHeads: decoderHeads, normPixLoss: normPix) },
            imagePath: probeImages[probeIndex], maskSeed: maskSeed, maskRatio: maskRatioOption ?? a?.maskRatio ?? 0.75,
            step: nil, label: "epoch \(epoch)"))
    }

    func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState) {
        switch (action, weights) {
        case (_, .none):
            state.message = "no weights to draw the probe with (a maex run folder or the authors' output_dir has them)"
        case (.nextProbe, _):
            guard !probeImages.isEmpty else { return }
            probeIndex = (probeIndex + 1) % probeImages.count
            wanted = true
        case (.newMask, _):
            maskSeed &+= 1
            wanted = true
        case (.olderCheckpoint, .authorsCheckpoints), (.newerCheckpoint, .authorsCheckpoints):
            guard var t = timeline else { return }
            let moved = action == .olderCheckpoint ? t.older() : t.newer()
            timeline = t
            if moved {
                wanted = true
                if let e = t.current { state.message = "checkpoint-\(e.epoch).pth (\((t.selected ?? 0) + 1) of \(t.entries.count))" }
                state.timeline?.selected = t.selected
            } else {
                state.message = action == .olderCheckpoint ? "this is the first checkpoint" : "this is the newest checkpoint"
            }
        case (.olderCheckpoint, _), (.newerCheckpoint, _):
            state.message = ", and . step through the authors' checkpoint-N.pth files; this run has one checkpoint"
        default:
            break
        }
    }
}
