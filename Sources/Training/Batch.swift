/// One micro-batch, ready for `lossAndGradients`.
public struct Batch: Sendable {
    /// [count, 3, S, S], normalised.
    public var images: [Float]
    /// [count, L], the masking noise.
    public var noise: [Float]
    public var count: Int
    /// The ratio to hand the model with this noise (see `MaskNoise`).
    public var maskRatio: Double
    /// Index of this micro-batch since the start of the run (step · accum + k).
    public var micro: Int
    /// The data stream's position before and after this batch.
    public var start: DataPosition
    public var end: DataPosition
    /// Files that failed for the first time while this batch was made.
    public var skipped: [SkippedFile]
}
