/// What the trainer reports after each optimizer step.
public struct TrainingSample: Sendable, Equatable {
    /// Optimizer steps done (1 after the first).
    public var step: Int
    /// Epochs done, fractional (the data position after this step).
    public var epoch: Double
    /// The step's loss (the mean over its micro-batches).
    public var loss: Double
    /// The learning rate the step used.
    public var lr: Double
    /// Images per second of this step, data waits included.
    public var imagesPerSecond: Double
    /// Training seconds since the run began, across resumes.
    public var elapsed: Double
    /// Unix time when the step ended.
    public var time: Double

    public init(step: Int, epoch: Double, loss: Double, lr: Double, imagesPerSecond: Double,
                elapsed: Double, time: Double) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
        self.imagesPerSecond = imagesPerSecond
        self.elapsed = elapsed
        self.time = time
    }
}

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
