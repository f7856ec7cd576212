/// Where a run stands, beyond its weights and the optimizer's moments: saved in
/// optimizer.safetensors so that a resumed run continues with the same step, learning rate,
/// data order, augmentations and masks.
public struct TrainingState: Equatable, Sendable {
    /// Optimizer steps done.
    public var step: Int
    /// The data stream's position after the last batch used.
    public var position: DataPosition
    /// Micro-batches used (the index of the next one's masks).
    public var micro: Int
    /// The run's seed: every random draw derives from it and a counter, so it is the RNG state.
    public var seed: UInt64
    /// Training seconds so far.
    public var elapsed: Double

    public init(step: Int = 0, position: DataPosition = DataPosition(), micro: Int = 0, seed: UInt64,
                elapsed: Double = 0) {
        self.step = step
        self.position = position
        self.micro = micro
        self.seed = seed
        self.elapsed = elapsed
    }
}
