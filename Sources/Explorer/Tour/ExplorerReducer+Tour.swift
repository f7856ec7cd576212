/// `maex tour`'s part of the reducer: PgDn and Enter go forward, PgUp and Backspace back; each
/// screen sets the mask and the views it talks about, and every other key is the explorer's.
extension ExplorerReducer {
    /// Whether `key` moves through the tour (then it is handled here).
    func tourKey(_ key: Key, _ s: inout ExplorerState) -> [ExplorerEffect]? {
        guard let tour = s.tour else { return nil }
        let step: Int
        switch key {
        case .pageDown, .enter: step = 1
        case .pageUp, .backspace: step = -1
        default: return nil
        }
        guard let screen = TourScreen(rawValue: tour.screen.rawValue + step) else {
            s.message = step > 0 ? "that was the last screen: PgUp goes back, q quits" : "this is the first screen"
            return []
        }
        return showTourScreen(screen, &s)
    }

    /// Sets up the explorer for `screen`: its mask (seed 0), grid, heatmap and ratio chart.
    func showTourScreen(_ screen: TourScreen, _ s: inout ExplorerState) -> [ExplorerEffect] {
        s.tour?.screen = screen
        s.compare = false
        s.zoom = .four
        s.showGrid = screen.showsGrid
        s.showHeatmap = screen.showsHeatmap
        s.stroke = nil
        var effects = changeMask(&s) { s in
            s.pattern = screen.mask.strategy
            s.ratio = screen.mask.ratio
            s.seed = 0
            regenerate(&s)
        }
        if screen.showsSweep {
            if !s.showsSweep { effects += toggleSweep(&s) }
        } else {
            s.sweep?.visible = false
        }
        return effects
    }

    /// The first screen's mask and views, before the first request.
    func startTour(_ s: inout ExplorerState) {
        let screen = s.tour?.screen ?? .patches
        s.pattern = screen.mask.strategy
        s.ratio = screen.mask.ratio
        s.seed = 0
        s.showGrid = screen.showsGrid
        s.showHeatmap = screen.showsHeatmap
    }
}
