import Pipeline

/// The `%` chart's part of the reducer. The worker serves the newest request only, so a mask
/// change during the sweep replaces a point's request that has not started: the reducer asks
/// for the next missing point whenever an answer leaves nothing else outstanding, which also
/// resumes the sweep after such a replacement, and after an image change (which starts again).
extension ExplorerReducer {
    /// `%`: opens the chart (computing what is missing) or closes it (the results stay).
    func toggleSweep(_ s: inout ExplorerState) -> [ExplorerEffect] {
        if var sweep = s.sweep, sweep.imageIndex == s.imageIndex {
            sweep.visible.toggle()
            s.sweep = sweep
        } else {
            s.sweep = SweepView(imageIndex: s.imageIndex)
        }
        s.stroke = nil
        return nextSweepPoint(&s)
    }

    /// `m` on the chart: PSNR ↔ masked MSE.
    func switchSweepMetric(_ s: inout ExplorerState) {
        guard let metric = s.sweep?.metric else { return }
        s.sweep?.metric = metric.other
    }

    /// The request for the next missing point, when the chart is open on the current image and
    /// no other request is outstanding.
    func nextSweepPoint(_ s: inout ExplorerState) -> [ExplorerEffect] {
        guard let sweep = s.sweep, sweep.visible, sweep.imageIndex == s.imageIndex, let point = sweep.next,
              !s.computing, let image = s.currentImage, image.failure == nil else { return [] }
        s.lastRequestID += 1
        return [.reconstruct(ReconstructionRequest(id: s.lastRequestID, imageIndex: s.imageIndex, path: image.path, masks: [],
                                                   sweep: SweepRequest(point: point, seeds: sweep.seeds),
                                                   weights: s.training?.weights))]
    }

    /// A point's scores from the worker: kept if it is the one missing next for this image.
    func receiveSweep(_ result: RatioSweep.PointResult, imageIndex: Int, _ s: inout ExplorerState) -> [ExplorerEffect] {
        if var sweep = s.sweep, sweep.imageIndex == imageIndex, sweep.next == result.point {
            sweep.results.append(result)
            s.sweep = sweep
        }
        return nextSweepPoint(&s)
    }

    /// A new image: the sweep starts again on it (only computed while the chart is open).
    func restartSweep(_ s: inout ExplorerState) {
        guard let old = s.sweep else { return }
        var sweep = SweepView(imageIndex: s.imageIndex)
        sweep.visible = old.visible
        sweep.metric = old.metric
        s.sweep = sweep
    }
}
