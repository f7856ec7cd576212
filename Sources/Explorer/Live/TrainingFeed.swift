import Foundation
import MAE
import Training

/// The live view of a trainer in this process. The trainer thread only appends to a locked
/// mailbox (and writes a byte to the wake pipe for the rare events); the UI thread reads
/// samples from the trainer's ring on its own schedule, so the view never slows a step.
public final class TrainingFeed: LiveFeed {
    /// Trainer events, handed from the trainer thread to the UI thread.
    public final class Mailbox: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [TrainerEvent] = []
        private var wakeFD: Int32 = -1
        private var forward: (@Sendable (TrainerEvent) -> Void)?

        public init() {}

        /// The trainer's `onEvent`: per-step events are dropped (the ring has them).
        public func receive(_ event: TrainerEvent) {
            if let forward = lock.withLock({ forward }) { return forward(event) }
            if case .step = event { return }
            if case .log = event { return }
            let fd = lock.withLock { events.append(event); return wakeFD }
            if fd >= 0 {
                var byte: UInt8 = 1
                _ = write(fd, &byte, 1)
            }
        }

        func setWake(_ fd: Int32) { lock.withLock { wakeFD = fd } }

        /// After the view has closed with the trainer still running (detached): every event,
        /// per-step ones too, goes to `handler` instead, and the closed wake pipe is forgotten.
        public func forward(to handler: @escaping @Sendable (TrainerEvent) -> Void) {
            let waiting = lock.withLock {
                forward = handler
                wakeFD = -1
                defer { events.removeAll() }
                return events
            }
            for event in waiting { handler(event) }
        }
        func take() -> [TrainerEvent] { lock.withLock { defer { events.removeAll() }; return events } }
    }

    public let trainer: Trainer
    public let mailbox: Mailbox
    /// Images the probe cycles through with `p` (the --probe image first, then the data).
    public let probeImages: [String]
    public let previewEvery: Int
    public let pollInterval: Int32 = 200

    private var probeIndex = 0
    private var maskSeed: UInt64 = 0
    private var lastSample = 0
    private var lastPreviewStep: Int?
    private var lastPreviewTime = ContinuousClock.now - .seconds(10)
    private var previewWanted = true
    private var pauseRequested = false
    private var stopRequested = false
    public private(set) var isDone = false

    public init(trainer: Trainer, mailbox: Mailbox, probeImages: [String], previewEvery: Int) {
        self.trainer = trainer
        self.mailbox = mailbox
        self.probeImages = probeImages
        self.previewEvery = max(1, previewEvery)
    }

    /// The view's starting state for this trainer's session.
    public static func initialState(_ session: TrainingSession) -> LiveViewState {
        var s = LiveViewState(source: .training(run: session.run?.path ?? "(in memory)"))
        s.totalSteps = session.plan.totalSteps
        return s
    }

    public func start(wakeFD: Int32, preview: PreviewWorker) {
        mailbox.setWake(wakeFD)
        trainer.start()
    }

    public func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        var changed = false
        let (samples, latest) = trainer.samples(after: lastSample)
        lastSample = latest
        for s in samples {
            state.append(MetricPoint(step: s.step, epoch: s.epoch, loss: s.loss, lr: s.lr,
                                     imagesPerSecond: s.imagesPerSecond, wallTime: s.elapsed))
            changed = true
        }
        for event in mailbox.take() {
            changed = true
            switch event {
            case .checkpoint(let path, let step): state.message = "saved \((path as NSString).lastPathComponent) at step \(step)"
            case .saveFailed(let step, let failure): state.message = "step \(step) not saved: \(failure) (tried again on resume)"
            case .paused(let step): state.phase = "paused at step \(step)"
            case .resumed: state.phase = stopRequested ? state.phase : nil
            case .skipped(let file): state.message = "skipped \(file.path): \(file.reason)"
            case .finished(let outcome):
                isDone = true
                if case .failed(_, let failure) = outcome { state.message = failure.description }
            case .step, .log: break
            }
        }
        // A new preview every `previewEvery` steps, at most once a second, one at a time.
        let step = state.latest?.step ?? 0
        let due = previewWanted || lastPreviewStep.map { step >= $0 + previewEvery } ?? true
        if due, !probeImages.isEmpty, !preview.isBusy, ContinuousClock.now - lastPreviewTime >= .milliseconds(1000) {
            let trainer = self.trainer
            preview.submit(PreviewWorker.Request(model: { trainer.snapshot() }, imagePath: probeImages[probeIndex],
                                                 maskSeed: maskSeed, maskRatio: trainer.session.options.maskRatio,
                                                 step: step))
            lastPreviewStep = step
            lastPreviewTime = .now
            previewWanted = false
        }
        return changed
    }

    public func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState, preview: PreviewWorker) {
        switch action {
        case .togglePause:
            guard !stopRequested else { return }
            pauseRequested.toggle()
            if pauseRequested {
                trainer.pause()
                state.phase = "pausing…"
            } else {
                trainer.resume()
                state.phase = nil
            }
        case .saveNow:
            trainer.saveNow()
            state.message = "saving a checkpoint…"
        case .nextProbe:
            guard !probeImages.isEmpty else { return }
            probeIndex = (probeIndex + 1) % probeImages.count
            previewWanted = true
            lastPreviewTime = ContinuousClock.now - .seconds(10)
        case .newMask:
            maskSeed &+= 1
            previewWanted = true
            lastPreviewTime = ContinuousClock.now - .seconds(10)
        case .quit:
            requestQuit(&state)
        }
    }

    public func requestQuit(_ state: inout LiveViewState) {
        guard !stopRequested else { return }
        stopRequested = true
        trainer.stop()
        state.phase = "stopping: saving a checkpoint…"
    }
}
