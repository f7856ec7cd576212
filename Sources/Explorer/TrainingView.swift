import Training

/// The explorer's training, once `T` started it (or `maex train --tui` opened with it): the curve
/// and the header's numbers (a LiveViewState, as `maex watch` shows them), where the trainer
/// stands, and when the panels are drawn again with newer weights. Pure data in ExplorerState.
public struct TrainingView: Sendable {
    /// What the screen shows while training (`z` steps through those that fit).
    public enum Screen: Sendable, Equatable { case both, panels, charts }

    public var live: LiveViewState
    /// The trainer's newest weights, for the worker's requests.
    public var weights: WeightFeed
    public var screen: Screen = .both
    public var paused = false
    /// `q` or a quit signal asked the trainer to save and stop; the explorer ends once it has.
    public var stopping = false
    /// How the trainer ended; nil while it runs.
    public var outcome: TrainerOutcome?
    /// The step of the newest weights the trainer keeps, and of the last ones a redraw asked for.
    public var newestWeights: Int?
    public var requestedWeights: Int?

    /// Seconds (the UI's clock) of the last redraw with newer weights.
    var lastRedraw = -Double.infinity
    /// What the frames sent, paid off over time: a redraw with newer weights waits for it (mask
    /// changes never do).
    var budget = ByteBudget<Double>()

    public init(live: LiveViewState, weights: WeightFeed) {
        self.live = live
        self.weights = weights
    }

    public var running: Bool { outcome == nil }
}

/// What the shell reports of a trainer since the last poll.
public struct TrainingPoll: Sendable {
    public var points: [MetricPoint]
    public var events: [TrainerEvent]
    /// The step of the newest weights `WeightFeed` would hand out.
    public var newestWeights: Int?
    /// Seconds on the UI's clock.
    public var now: Double

    public init(points: [MetricPoint], events: [TrainerEvent], newestWeights: Int?, now: Double) {
        self.points = points
        self.events = events
        self.newestWeights = newestWeights
        self.now = now
    }
}

/// What a key asks of the trainer.
public enum TrainingAction: Sendable, Equatable {
    case start, pause, resume, save, writeWeights, stop
}
