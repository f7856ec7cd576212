/// A key as the explorer understands it, whatever the terminal sent.
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right
    case tab, backTab
    case enter, escape, backspace
    case pageUp, pageDown
    case redraw  // Ctrl-L
    case unknown
}

/// What a terminal backend reads: the person's input and the ends of the session that arrive
/// the same way (the terminal going away, a quit signal waking the UI thread).
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    case mouse(MouseReport)
    /// The terminal's new size in cells (also after a Ctrl-Z pause, which may have resized it).
    case resize(width: Int, height: Int)
    /// Standard input hung up or failed: nobody sees the screen any more.
    case hangUp
    /// SIGINT, SIGTERM or SIGHUP asked the program to end.
    case quitSignal(Int32)
}
