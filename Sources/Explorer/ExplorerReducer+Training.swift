import Training

/// The reducer's training part: starting a run, the trainer's polls (and when newer weights
/// redraw the panels), the training keys and `q`'s wait for the save.
extension ExplorerReducer {
    func startTraining(_ view: TrainingView, _ s: inout ExplorerState) -> [ExplorerEffect] {
        var view = view
        view.live.colors = s.colors
        view.live.glyphs = s.glyphs
        s.zoom = .four
        if s.layout(.both).charts == nil { view.screen = .panels }
        s.training = view
        s.message = "training: T pauses, w saves, q saves and stops"
        // At once with the trainer's weights, so the status bar says which step drew the panels.
        return s.images.isEmpty ? [] : [request(&s)]
    }

    func receive(_ poll: TrainingPoll, _ s: inout ExplorerState) -> [ExplorerEffect] {
        guard var t = s.training else { return [] }
        for point in poll.points { t.live.append(point) }
        for event in poll.events {
            switch event {
            case .checkpoint(_, let step): s.message = "saved a checkpoint at step \(step)"
            case .saveFailed(let step, let failure): s.message = "step \(step) not saved: \(failure) (tried again on resume)"
            case .paused(let step): t.live.phase = "paused at step \(step)"
            case .resumed: if !t.stopping { t.live.phase = nil }
            case .skipped(let file): s.message = "skipped \(file.path): \(file.reason)"
            case .finished(let outcome):
                t.outcome = outcome
                t.paused = false
                switch outcome {
                case .completed(let step): t.live.phase = "finished at step \(step)"
                case .stopped(let step): t.live.phase = "stopped at step \(step), saved"
                case .failed(let step, let failure):
                    t.live.phase = "failed at step \(step)"
                    s.message = failure.description
                }
                if t.stopping { s.quit = true }
            case .step, .log: break
            }
        }
        t.newestWeights = poll.newestWeights
        t.budget.pay(at: poll.now)
        // Newer weights redraw the panels at most once a second, one request at a time, and
        // only once what the screen has sent is paid for.
        let newer = poll.newestWeights != nil && poll.newestWeights != t.requestedWeights
        let due = newer && poll.now - t.lastRedraw >= 1 && t.budget.isPaid
        guard due, t.screen != .charts, s.original != nil, !s.computing, !s.images.isEmpty else {
            s.training = t
            return []
        }
        t.requestedWeights = poll.newestWeights
        t.lastRedraw = poll.now
        s.training = t
        return [request(&s)]
    }

    func trainingKey(_ key: Key, _ s: inout ExplorerState) -> [ExplorerEffect] {
        guard var t = s.training else {
            if key == .character("T") {
                guard s.canTrain else { s.message = "training is not available here"; return [] }
                s.message = "starting training…"
                return [.training(.start)]
            }
            s.message = "\(key == .character("W") ? "W writes a training run's weights" : "that key is for training"): T starts it"
            return []
        }
        defer { s.training = t }
        switch key {
        case .character("T"):
            guard t.running, !t.stopping else { s.message = "the run has ended (W writes its weights)"; return [] }
            t.paused.toggle()
            t.live.phase = t.paused ? "pausing…" : nil
            return [.training(t.paused ? .pause : .resume)]
        case .character("w"):
            guard t.running, !t.stopping else { s.message = "the run has ended and was saved"; return [] }
            s.message = "saving a checkpoint…"
            return [.training(.save)]
        case .character("W"):
            return [.training(.writeWeights)]
        default:
            _ = t.live.handle(key)  // s, S, l, x: the charts' own keys
            return []
        }
    }

    /// `q`: ends the explorer, but a training run saves and stops first (the explorer ends when
    /// the trainer reports it has).
    func quit(_ s: inout ExplorerState) -> [ExplorerEffect] {
        guard var t = s.training, t.running else { s.quit = true; return [] }
        guard !t.stopping else { return [] }
        t.stopping = true
        t.paused = false
        t.live.phase = "stopping: saving a checkpoint…"
        s.training = t
        return [.training(.stop)]
    }

    /// `z` while training: both → panels → charts, skipping both when they do not fit together.
    func cycleTrainingScreen(_ s: inout ExplorerState) {
        guard var t = s.training else { return }
        let order: [TrainingView.Screen] = [.both, .panels, .charts]
        var i = order.firstIndex(of: t.screen) ?? 0
        repeat { i = (i + 1) % order.count } while order[i] == .both && s.layout(.both).charts == nil
        t.screen = order[i]
        s.training = t
    }
}
