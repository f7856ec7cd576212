import Foundation
import MAE

/// Makes batches ahead of the trainer on its own thread: decode (or take from the cache),
/// augment, normalise, draw the masking noise; hands them over through a bounded queue.
///
/// The batches depend only on (seed, start position, micro-batch index), never on timing, so a
/// run resumed from a saved position sees exactly the same batches.
public final class BatchLoader: @unchecked Sendable {
    public let dataset: ImageDataset
    public let augmentation: Augmentation
    public let maskNoise: MaskNoise
    public let batchSize: Int
    public let seed: UInt64
    public let capacity: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Batch] = []
    private var stopped = false
    private var failure: DataError?
    private var thread: Thread?
    /// True from `start` until the thread's last write.
    private var running = false
    private var waited = 0.0
    private var waits = 0

    // Owned by the loader thread.
    private var position: DataPosition
    private var micro: Int
    private var orderEpoch = -1
    private var order: [Int] = []

    public init(dataset: ImageDataset, augmentation: Augmentation, maskNoise: MaskNoise, batchSize: Int,
                seed: UInt64, start: DataPosition, micro: Int, capacity: Int = 3) {
        precondition(batchSize > 0 && capacity > 0)
        self.dataset = dataset
        self.augmentation = augmentation
        self.maskNoise = maskNoise
        self.batchSize = batchSize
        self.seed = seed
        self.capacity = capacity
        self.position = start
        self.micro = micro
    }

    deinit { stop() }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard thread == nil else { return }
        let t = Thread { [self] in run() }
        t.name = "maex data loader"
        t.stackSize = 8 << 20
        thread = t
        running = true
        t.start()
    }

    /// Ends the thread after the batch it is making, and waits for it; queued batches are
    /// dropped. Once it returns the thread writes nothing more (such as the dataset's count of
    /// files that failed), so the owner can read the final values.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        queue.removeAll()
        condition.broadcast()
        while running { condition.wait() }
    }

    /// The next batch, waiting for it if the loader is behind; the wait is added to
    /// `waitSeconds`.
    public func next() throws(DataError) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        if queue.isEmpty && failure == nil && !stopped {
            let t0 = DispatchTime.now().uptimeNanoseconds
            while queue.isEmpty && failure == nil && !stopped { condition.wait() }
            waited += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            waits += 1
        }
        if let failure { throw failure }
        guard !queue.isEmpty else { throw .unreadable(folder: dataset.folder, reason: "the loader was stopped") }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Seconds the trainer spent waiting in `next()`, and how many times it had to.
    public var waitSeconds: Double { condition.withLock { waited } }
    public var waitCount: Int { condition.withLock { waits } }

    // MARK: loader thread

    private func run() {
        defer {
            condition.withLock {
                running = false
                condition.broadcast()
            }
        }
        while true {
            let batch: Batch
            do {
                batch = try make()
            } catch {
                condition.withLock {
                    failure = error
                    condition.broadcast()
                }
                return
            }
            condition.lock()
            while queue.count >= capacity && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            queue.append(batch)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The batch at the current position; advances the position and the micro index.
    func make() throws(DataError) -> Batch {
        let side = augmentation.side, L = maskNoise.patches
        let imageSize = 3 * side * side
        var images = [Float](repeating: 0, count: batchSize * imageSize)
        var noise = [Float](repeating: 0, count: batchSize * L)
        let start = position
        var skipped: [SkippedFile] = []
        try images.withUnsafeMutableBufferPointer { (out) throws(DataError) in
            var n = 0
            while n < batchSize {
                if orderEpoch != position.epoch {
                    order = ImageDataset.shuffle(count: dataset.count, seed: seed, epoch: position.epoch)
                    orderEpoch = position.epoch
                }
                let here = position
                let file = order[here.index]
                position = here.advanced(by: 1, count: dataset.count)
                let (image, failure, first) = dataset.image(at: file)
                guard let image else {
                    if let failure, first { skipped.append(failure) }
                    if dataset.failedCount >= dataset.count {
                        throw .noneDecodable(folder: dataset.folder, files: dataset.count,
                                             firstReason: failure?.reason ?? "?")
                    }
                    continue
                }
                augmentation.apply(image, seed: Augmentation.seed(seed, at: here),
                                   into: out.baseAddress! + n * imageSize)
                n += 1
            }
        }
        let ratio = noise.withUnsafeMutableBufferPointer {
            maskNoise.fill($0, batch: batchSize, seed: seed, micro: micro)
        }
        let batch = Batch(images: images, noise: noise, count: batchSize, maskRatio: ratio, micro: micro,
                          start: start, end: position, skipped: skipped)
        micro += 1
        return batch
    }
}
