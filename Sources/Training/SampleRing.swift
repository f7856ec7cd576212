/// The newest `capacity` samples, numbered from 1 in arrival order, so a reader that remembers
/// the last number it saw gets exactly the ones it missed (and can tell if some fell off).
public struct SampleRing: Sendable {
    public let capacity: Int
    private var storage: [TrainingSample] = []
    private var head = 0
    /// Number of the newest sample (0 when empty); the oldest kept is `latest - count + 1`.
    public private(set) var latest = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }

    public mutating func append(_ s: TrainingSample) {
        if storage.count < capacity {
            storage.append(s)
        } else {
            storage[head] = s
            head = (head + 1) % capacity
        }
        latest += 1
    }

    /// Samples numbered after `number`, oldest first (as many as are still kept).
    public func samples(after number: Int) -> [TrainingSample] {
        let available = min(max(latest - number, 0), storage.count)
        let start = storage.count - available
        return (start..<storage.count).map { storage[(head + $0) % storage.count] }
    }

    public var last: TrainingSample? { storage.isEmpty ? nil : storage[(head + storage.count - 1) % storage.count] }
}
