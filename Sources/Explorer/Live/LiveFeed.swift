/// Where the live view's numbers and pictures come from: a run another process writes
/// (`WatchFeed`; a trainer in this process has the explorer's screen). Every method is called on
/// the UI thread.
public protocol LiveFeed: AnyObject {
    /// How often the UI wakes to poll when nothing else wakes it, in milliseconds.
    var pollInterval: Int32 { get }
    /// Starts the feed's threads (called with the window-size and quit signals blocked, so its
    /// threads inherit the block); `wakeFD` is the write end of the UI's wake pipe.
    func start(wakeFD: Int32, preview: PreviewWorker)
    /// Brings `state` up to date; returns whether anything on screen may have changed.
    func poll(_ state: inout LiveViewState, preview: PreviewWorker) -> Bool
    /// Carries out what a key asked.
    func perform(_ action: LiveViewState.Action, _ state: inout LiveViewState, preview: PreviewWorker)
    /// True once the view should close (the trainer has stopped and saved, or `q` in a watch).
    var isDone: Bool { get }
    /// Asks the feed to end (a quit signal): like `q`.
    func requestQuit(_ state: inout LiveViewState)
}
