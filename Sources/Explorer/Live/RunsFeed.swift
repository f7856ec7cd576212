/// Several watched runs in one view (`maex watch RUN1 RUN2 …`): each run keeps a feed and a
/// state of its own; the view shows the selected run's numbers, panels and keys, and the chart
/// overlays every run's curve (RunsChart). Tab selects the next run; only the selected run
/// draws its probe, so one preview worker serves them all.
public final class RunsFeed: LiveFeed {
    public let names: [String]
    private let feeds: [WatchFeed]
    private var states: [LiveViewState]
    private var selected = 0
    public let pollInterval: Int32 = 250
    public private(set) var isDone = false

    /// `runs`: each run's name (its folder's), feed and starting state.
    public init(_ runs: [(name: String, feed: WatchFeed, state: LiveViewState)]) {
        names = runs.map(\.name)
        feeds = runs.map(\.feed)
        states = runs.map(\.state)
        for (i, feed) in feeds.enumerated() { feed.drawsProbe = i == 0 }
    }

    public func start(wakeFD: Int32, preview: PreviewWorker) {
        for feed in feeds { feed.start(wakeFD: wakeFD, preview: preview) }
    }

    public func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool {
        var changed = false
        for i in feeds.indices {
            changed = feeds[i].poll(&states[i], preview: preview) || changed
        }
        let curves = states.indices.map { states[$0].curve(name: names[$0]) }
        if curves != state.runs || state.selectedRun != selected {
            state.runs = curves
            state.selectedRun = selected
            changed = true
        }
        if changed { state.show(states[selected]) }
        return changed
    }

    public func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState, preview: PreviewWorker) {
        switch action {
        case .quit:
            isDone = true
        case .nextRun:
            feeds[selected].drawsProbe = false
            selected = (selected + 1) % feeds.count
            feeds[selected].drawsProbe = true
            state.probe = nil
            state.selectedRun = selected
            state.show(states[selected])
            state.message = "run \(selected + 1) of \(feeds.count): \(names[selected])"
        default:
            feeds[selected].perform(action, &state, preview: preview)
        }
    }

    public func requestQuit(_ state: inout LiveViewState) { isDone = true }
}
