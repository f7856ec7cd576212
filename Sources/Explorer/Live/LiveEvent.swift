/// Everything that can change the live view's state.
public enum LiveEvent: Sendable {
    /// What the backend read: keys, resizes, the end of the terminal or a quit signal.
    case input(InputEvent)
    /// The preview worker finished a probe reconstruction (or could not).
    case preview(Result<LiveViewState.Probe, ExplorerError>)
    /// The feed brought new numbers or words (its poll changed the view).
    case fed
    /// The clock now reads this: pays off the byte budget and may let a held probe through.
    case tick(ContinuousClock.Instant)
}

/// What the live reducer asks the shell to do.
public enum LiveEffect: Equatable, Sendable {
    /// A key asked the feed for this (pause, save, next probe, new mask, quit).
    case perform(LiveViewState.Action)
    /// A quit signal or a vanished terminal: end the feed the way `q` does.
    case requestQuit
    /// Resend every cell (Ctrl-L).
    case redrawAll
}
