/// A file the data set could not use, and why (the decoder's words).
public struct SkippedFile: Equatable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
