import Foundation
import MAE

/// Trains a session on its own thread. The owner (the `maex train` command or the explorer's
/// live view) controls it with start, pause, resume, stop and saveNow, reads samples from a
/// bounded ring, and gets weight copies with `snapshot()` or, without waiting, the copy
/// `latestWeights()` keeps; none of these wait on a training step except `snapshot()`, which
/// waits for the step in progress and then the copy.
///
/// The training thread alone touches the model, the optimizer, the gradients and the loader;
/// the rest of the state sits behind `control`, the only lock.
public final class Trainer: @unchecked Sendable {
    public let session: TrainingSession
    public var plan: TrainingPlan { session.plan }
    private let onEvent: @Sendable (TrainerEvent) -> Void

    private let control = NSCondition()
    // Guarded by `control`.
    private var phase: TrainerStatus.Phase = .ready
    private var pauseRequested = false
    private var stopRequested = false
    private var stopReason = "stop requested"
    private var stopAtStep: Int?
    private var saveRequested = false
    private var snapshotsWanted = 0
    private var snapshotsServed = 0
    private var snapshots: [Int: MAEModel] = [:]
    /// The copy `latestWeights()` hands out, refreshed every `publishInterval` seconds.
    private var published: (model: MAEModel, step: Int)?
    private var publishInterval: Double?
    private var ring: SampleRing
    private var outcome: TrainerOutcome?
    private var currentStep: Int
    private var thread: Thread?

    // Training thread only.
    private var lastPublish = 0.0
    private var state: TrainingState
    private let step: TrainingStep
    private let loader: BatchLoader
    private var metrics: MetricsLog?
    private var lastSavedStep: Int
    /// Training seconds (`state.elapsed`) at the last save; nil: none yet in this session.
    private var lastSavedElapsed: Double?
    private var intervalStart: (time: Double, step: Int, lossSum: Double) = (0, 0, 0)

    /// `sampleCapacity` bounds the ring of per-step samples.
    public init(session: TrainingSession, sampleCapacity: Int = 100_000,
                onEvent: @escaping @Sendable (TrainerEvent) -> Void = { _ in }) {
        self.session = session
        self.onEvent = onEvent
        ring = SampleRing(capacity: sampleCapacity)
        state = session.state
        currentStep = session.state.step
        lastSavedStep = session.resumed ? session.state.step : -1
        step = TrainingStep(model: session.model, optimizer: session.optimizer)
        let o = session.options, c = session.config.model
        loader = BatchLoader(dataset: session.dataset, augmentation: Augmentation(side: c.imgSize, options: o),
                             maskNoise: MaskNoise(strategy: o.strategy,
                                                  ratio: o.maskRatio, gridSize: c.gridSize),
                             batchSize: o.batchSize, seed: session.state.seed, start: session.state.position,
                             micro: session.state.micro)
    }

    // MARK: control (any thread)

    /// Starts the training thread (once).
    public func start() {
        control.lock()
        defer { control.unlock() }
        guard phase == .ready, thread == nil else { return }
        phase = .running
        let t = Thread { [self] in main() }
        t.name = "maex trainer"
        t.stackSize = 64 << 20
        thread = t
        t.start()
    }

    /// Pauses between steps (the step in progress finishes).
    public func pause() { request { $0.pauseRequested = true } }
    public func resume() { request { $0.pauseRequested = false } }
    /// Finishes the step in progress, saves, and ends the thread. Also ends a paused run.
    /// `reason` goes into the run's "stopped" event (a signal's name, say); the first one counts.
    public func stop(reason: String = "stop requested") {
        request {
            if !$0.stopRequested { $0.stopReason = reason }
            $0.stopRequested = true
        }
    }
    /// Stops (and saves) once `step` steps are done, as if `stop()` came right then.
    public func stop(afterStep step: Int) { request { $0.stopAtStep = step } }
    /// Saves after the step in progress (also while paused); a `.checkpoint` event follows.
    public func saveNow() { request { $0.saveRequested = true } }

    private func request(_ change: (Trainer) -> Void) {
        control.lock()
        change(self)
        control.broadcast()
        control.unlock()
    }

    /// Blocks until the training thread has ended, and returns how (nil if never started).
    @discardableResult
    public func wait() -> TrainerOutcome? {
        control.lock()
        defer { control.unlock() }
        while thread != nil && phase != .finished { control.wait() }
        return outcome
    }

    public var status: TrainerStatus {
        control.withLock {
            TrainerStatus(phase: phase, step: currentStep, totalSteps: plan.totalSteps, latest: ring.last,
                          dataWaitSeconds: loader.waitSeconds, outcome: outcome)
        }
    }

    /// Seconds the training thread spent waiting for batches, and the number of such waits.
    public var dataWait: (seconds: Double, count: Int) { (loader.waitSeconds, loader.waitCount) }

    /// Samples numbered after `number` (see `SampleRing`), and the newest number.
    public func samples(after number: Int) -> (samples: [TrainingSample], latest: Int) {
        control.withLock { (ring.samples(after: number), ring.latest) }
    }

    /// Keeps a copy of the weights for `latestWeights()`, taken between steps at most `seconds`
    /// apart while training, and at a pause and the end. Call before `start()`. A copy of the
    /// tiny model costs the trainer about a millisecond.
    public func publishWeights(every seconds: Double) {
        control.withLock {
            publishInterval = seconds
            if published == nil { published = (session.model.copy(), state.step) }
        }
    }

    /// The newest kept copy and its step, without waiting (nil unless `publishWeights`). The
    /// copy is shared: read its parameters from any thread, run it from one.
    public func latestWeights() -> (model: MAEModel, step: Int)? { control.withLock { published } }

    /// A copy of the weights between two steps; the training loop is held only for the copy.
    /// The caller owns the copy (use it from one thread).
    public func snapshot() -> MAEModel {
        control.lock()
        if phase == .ready || phase == .finished {
            control.unlock()
            return session.model.copy()
        }
        snapshotsWanted += 1
        let ticket = snapshotsWanted
        control.broadcast()
        while snapshots[ticket] == nil && phase != .finished { control.wait() }
        let copy = snapshots.removeValue(forKey: ticket)
        control.unlock()
        // The thread ended before serving: nothing writes the weights any more.
        return copy ?? session.model.copy()
    }

    // MARK: the training thread

    private func main() {
        // The training thread's own count: the explorer's passes beside it keep the process's.
        let threads = session.options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let result = ModelThreads.withCount(threads) { run() }
        control.withLock { publish(force: true) }  // the final weights, for a last look and `W`
        loader.stop()
        logEnd(result)
        session.lock?.release()  // the run is over: another trainer may take the folder
        control.lock()
        outcome = result
        phase = .finished
        control.broadcast()
        control.unlock()
        onEvent(.finished(result))
    }

    private func run() -> TrainerOutcome {
        if let run = session.run {
            do {
                metrics = try MetricsLog(path: run.metricsPath)
            } catch {
                return .failed(step: state.step, .save(error))
            }
            if let failure = logStart() { return failure }
        }
        for skipped in session.dataset.skippedAtOpen {
            if let failure = report(skipped) { return failure }
        }
        loader.start()
        intervalStart = (Date().timeIntervalSince1970, state.step, 0)
        while true {
            let (stop, save) = betweenSteps()
            if save, let failure = saveState(.request) { return failure }
            if stop {
                // The last steps before a stop are logged even off the interval.
                if let last = control.withLock({ ring.last }), last.step == state.step, intervalStart.step < state.step,
                   let failure = log(last, now: Date().timeIntervalSince1970) {
                    return failure
                }
                return saveState(.stop) ?? .stopped(step: state.step)
            }
            if state.step >= plan.totalSteps { return saveState(.end) ?? .completed(step: state.step) }
            if let failure = trainStep() { return failure }
        }
    }

    /// Serves snapshots and honours pause; returns (stop, save now).
    private func betweenSteps() -> (stop: Bool, save: Bool) {
        control.lock()
        defer { control.unlock() }
        serveSnapshots()
        publish(force: pauseRequested || stopRequested)
        var save = saveRequested
        saveRequested = false
        if pauseRequested && !stopRequested {
            phase = .paused
            control.unlock()
            onEvent(.paused(step: state.step))
            if save { save = saveWhilePaused() }
            control.lock()
            while pauseRequested && !stopRequested {
                serveSnapshots()
                if saveRequested {
                    saveRequested = false
                    control.unlock()
                    save = saveWhilePaused()
                    control.lock()
                    continue
                }
                control.wait()
            }
            phase = .running
            control.unlock()
            onEvent(.resumed(step: state.step))
            control.lock()
        }
        if let at = stopAtStep, state.step >= at { stopRequested = true }
        return (stopRequested, save)
    }

    /// Saves while paused, called without `control` held; returns whether the save is still to
    /// do. A failure cannot end the run here (the owner is waiting to resume it), so it is
    /// reported as an event and the save is tried again when the pause ends.
    private func saveWhilePaused() -> Bool {
        guard case .failed(let step, let failure)? = saveState(.request) else { return false }
        onEvent(.saveFailed(step: step, failure))
        return true
    }

    /// Refreshes the published copy when its interval has passed (or `force`, and the weights
    /// moved on). Called with `control` held; copies without holding it.
    private func publish(force: Bool) {
        guard let interval = publishInterval, published?.step != state.step else { return }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard force || now - lastPublish >= interval else { return }
        lastPublish = now
        control.unlock()
        let copy = session.model.copy()
        control.lock()
        published = (copy, state.step)
    }

    /// Called with `control` held; copies without holding it.
    private func serveSnapshots() {
        while snapshotsServed < snapshotsWanted {
            let ticket = snapshotsServed + 1
            control.unlock()
            let copy = session.model.copy()
            control.lock()
            snapshots[ticket] = copy
            snapshotsServed = ticket
            control.broadcast()
        }
    }

    /// One optimizer step over `accum` micro-batches; a failure ends the run.
    private func trainStep() -> TrainerOutcome? {
        let o = session.options
        let lr = plan.schedule.lr(at: Double(state.step))
        let t0 = DispatchTime.now().uptimeNanoseconds
        step.begin()
        var lossSum = 0.0
        var end = state.position
        for _ in 0..<o.accum {
            let batch: Batch
            do {
                batch = try loader.next()
            } catch {
                return .failed(step: state.step, .data(error))
            }
            for skipped in batch.skipped {
                if let failure = report(skipped) { return failure }
            }
            let loss = batch.images.withUnsafeBufferPointer { images in
                batch.noise.withUnsafeBufferPointer { noise in
                    step.accumulate(images: images.baseAddress!, noise: noise.baseAddress!, batch: batch.count,
                                    maskRatio: batch.maskRatio)
                }
            }
            guard loss.isFinite else {
                return .failed(step: state.step, .nonFiniteLoss(step: state.step + 1, loss: loss))
            }
            lossSum += Double(loss)
            end = batch.end
        }
        step.finish(microBatches: o.accum, lr: lr)
        state.step += 1
        state.position = end
        state.micro += o.accum
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        state.elapsed += seconds
        let loss = lossSum / Double(o.accum)
        let now = Date().timeIntervalSince1970
        let sample = TrainingSample(step: state.step, epoch: state.position.fractionalEpoch(count: session.dataset.count),
                                    loss: loss, lr: lr, imagesPerSecond: Double(o.effectiveBatch) / max(seconds, 1e-9),
                                    elapsed: state.elapsed, time: now)
        control.withLock {
            ring.append(sample)
            currentStep = state.step
        }
        intervalStart.lossSum += loss
        onEvent(.step(sample))
        if state.step % o.logEvery == 0 || state.step == plan.totalSteps {
            if let failure = log(sample, now: now) { return failure }
        }
        if state.step % o.saveEvery == 0 { return saveState(.saveEvery) }
        if state.elapsed - (lastSavedElapsed ?? session.state.elapsed) >= o.saveEveryMinutes * 60 {
            return saveState(.saveEveryMinutes)
        }
        return nil
    }

    private func log(_ sample: TrainingSample, now: Double) -> TrainerOutcome? {
        let steps = sample.step - intervalStart.step
        let meanLoss = intervalStart.lossSum / Double(max(steps, 1))
        let rate = Double(steps * session.options.effectiveBatch) / max(now - intervalStart.time, 1e-9)
        intervalStart = (now, sample.step, 0)
        onEvent(.log(sample, meanLoss: meanLoss, imagesPerSecond: rate))
        do {
            try metrics?.append(["step": .int(sample.step), "epoch": .double(sample.epoch), "loss": .double(sample.loss),
                                 "loss_mean": .double(meanLoss), "lr": .double(sample.lr), "images_per_s": .double(rate),
                                 "time": .double(sample.time), "elapsed": .double(sample.elapsed)])
        } catch {
            return .failed(step: state.step, .save(error))
        }
        return nil
    }

    /// The "started" event: who trains (pid and host, as in RUN/lock), from which step, to which.
    private func logStart() -> TrainerOutcome? {
        do {
            try metrics?.append(["event": .string("started"), "pid": .int(Int(getpid())), "host": .string(RunLock.hostName),
                                 "step": .int(state.step), "total_steps": .int(plan.totalSteps),
                                 "time": .double(Date().timeIntervalSince1970)])
        } catch {
            return .failed(step: state.step, .save(error))
        }
        return nil
    }

    /// The last event: "finished", "stopped" (with what asked) or "failed" (with the error). A
    /// failure to write it changes nothing more: the run has ended either way.
    private func logEnd(_ outcome: TrainerOutcome) {
        let now = JSONScalar.double(Date().timeIntervalSince1970), step = JSONScalar.int(outcome.step)
        switch outcome {
        case .completed:
            try? metrics?.append(["event": .string("finished"), "step": step, "time": now])
        case .stopped:
            let reason = control.withLock { stopReason }
            try? metrics?.append(["event": .string("stopped"), "step": step, "reason": .string(reason), "time": now])
        case .failed(_, let failure):
            try? metrics?.append(["event": .string("failed"), "step": step, "reason": .string(failure.description), "time": now])
        }
    }

    private func report(_ skipped: SkippedFile) -> TrainerOutcome? {
        onEvent(.skipped(skipped))
        do {
            try metrics?.append(["event": .string("skipped"), "file": .string(skipped.path),
                                 "reason": .string(skipped.reason), "step": .int(state.step)])
        } catch {
            return .failed(step: state.step, .save(error))
        }
        return nil
    }

    /// Why a save happens, as the checkpoint event's "trigger" says: the option's key in
    /// config.json for the two intervals.
    private enum SaveTrigger: String {
        case saveEvery = "save_every", saveEveryMinutes = "save_every_minutes", end, stop, request
    }

    /// Saves the model, the optimizer state and a checkpoint event, unless this step is saved.
    private func saveState(_ trigger: SaveTrigger) -> TrainerOutcome? {
        guard let run = session.run, lastSavedStep != state.step else { return nil }
        do {
            try run.save(model: session.model, optimizer: session.optimizer, state: state)
            lastSavedStep = state.step
            lastSavedElapsed = state.elapsed
            try metrics?.append(["event": .string("checkpoint"), "path": .string(run.checkpointPath),
                                 "step": .int(state.step), "trigger": .string(trigger.rawValue),
                                 "time": .double(Date().timeIntervalSince1970)])
        } catch {
            return .failed(step: state.step, .save(error))
        }
        onEvent(.checkpoint(path: run.checkpointPath, step: state.step))
        return nil
    }
}
