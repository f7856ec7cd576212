import MAE

/// A mask and how it came about: what undo restores.
public struct MaskSnapshot: Equatable, Sendable {
    public var mask: [Bool]
    /// nil when painted by hand (or inverted, cleared).
    public var pattern: MaskStrategy?
    public var ratio: Double
    public var seed: UInt64
}

/// Bounded undo stack: the oldest steps fall off past `capacity`.
public struct MaskHistory: Sendable {
    public let capacity: Int
    private(set) var steps: [MaskSnapshot] = []

    public init(capacity: Int = 200) { self.capacity = max(1, capacity) }

    public var count: Int { steps.count }

    public mutating func push(_ s: MaskSnapshot) {
        steps.append(s)
        if steps.count > capacity { steps.removeFirst(steps.count - capacity) }
    }

    public mutating func pop() -> MaskSnapshot? { steps.popLast() }
}
