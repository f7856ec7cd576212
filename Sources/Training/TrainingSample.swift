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
