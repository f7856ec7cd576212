import Foundation
import MAE

/// Every argument of a training run, as written to the run's config.json (snake_case keys, see
/// `fields`). Lengths may be given in steps or in epochs; `TrainingPlan` turns them into steps
/// once the number of images is known.
public struct TrainingOptions: Equatable, Sendable {
    /// Images per micro-batch.
    public var batchSize: Int = 64
    /// Micro-batches per optimizer step (gradient accumulation).
    public var accum: Int = 1
    /// Length of the run in optimizer steps, counted from its start (also after a resume).
    public var steps: Int?
    /// Length of the run in epochs (passes over the images), if `steps` is nil.
    public var epochs: Double?
    /// Base learning rate; the peak rate is blr · effective batch / 256.
    public var blr: Double = 1.5e-4
    /// Absolute peak learning rate; overrides `blr`.
    public var lr: Double?
    public var warmupSteps: Double?
    public var warmupEpochs: Double?
    public var minLR: Double = 0
    public var weightDecay: Double = 0.05
    public var maskRatio: Double = 0.75
    public var strategy: MaskStrategy = .random
    public var seed: UInt64 = 0
    /// Threads of the training thread's passes (ModelThreads.withCount); nil: every core.
    public var threads: Int?
    /// Save the checkpoint and optimizer state every this many steps (and always at the end).
    public var saveEvery: Int = 500
    /// Also save once this many minutes of training (pauses do not count) have passed since the
    /// last save, so a slow run never risks much work; fractions are allowed (0.5 is 30 s).
    public var saveEveryMinutes: Double = 10
    /// Write a metrics line every this many steps.
    public var logEvery: Int = 10
    /// Decoded images kept in memory, in bytes.
    public var cacheBytes: Int = 1 << 30
    /// Smallest crop area, as a fraction of the image (RandomResizedCrop's scale lower bound).
    public var cropScaleMin: Double = 0.2
    /// Random quarter turns of each crop (with the flip, the 8 symmetries of the square).
    public var quarterTurns: Bool = false
    /// Random permutation of the RGB channels per image.
    public var channelShuffle: Bool = false
    /// Saturation jitter: factor uniform in max(0, 1 − s)...1 + s; 0 is off.
    public var saturation: Double = 0
    /// Probability of turning an image grey.
    public var greyProbability: Double = 0

    /// Steps when neither `steps` nor `epochs` is given.
    public static let defaultSteps = 1000
    /// Warmup when none is given: 5% of the run, as the authors' 40 of 800 epochs.
    public static let defaultWarmupFraction = 0.05

    public init() {}

    /// Every option with its key in config.json (the authors' names where they have one). Reading
    /// and writing the file and comparing two sets of options go through this list, so a new
    /// option is its property above and one entry here.
    public static let fields: [Field] = [
        Field("batch_size", \.batchSize), Field("accum_iter", \.accum), Field("steps", \.steps),
        Field("epochs", \.epochs), Field("blr", \.blr), Field("lr", \.lr), Field("warmup_steps", \.warmupSteps),
        Field("warmup_epochs", \.warmupEpochs), Field("min_lr", \.minLR), Field("weight_decay", \.weightDecay),
        Field("mask_ratio", \.maskRatio), Field("strategy", \.strategy), Field("seed", \.seed),
        Field("threads", \.threads), Field("save_every", \.saveEvery),
        Field("save_every_minutes", \.saveEveryMinutes), Field("log_every", \.logEvery),
        Field("cache_bytes", \.cacheBytes), Field("crop_scale_min", \.cropScaleMin),
        Field("quarter_turns", \.quarterTurns), Field("channel_shuffle", \.channelShuffle),
        Field("saturation", \.saturation), Field("grey_prob", \.greyProbability),
    ]

    /// The field of a property.
    public static func field(_ path: PartialKeyPath<TrainingOptions>) -> Field {
        guard let field = fields.first(where: { $0.path == path }) else { preconditionFailure("\(path) is not in TrainingOptions.fields") }
        return field
    }

    /// The fields whose values differ from `other`'s, in `fields` order.
    public func differences(from other: TrainingOptions) -> [Field] {
        Self.fields.filter { !$0.same(self, other) }
    }

    /// Images per optimizer step.
    public var effectiveBatch: Int { batchSize * accum }

    /// Throws for the first option that cannot make a run.
    public func validate() throws(TrainingOptionsError) {
        func require(_ ok: Bool, _ path: PartialKeyPath<TrainingOptions>, _ requirement: String,
                     _ value: some CustomStringConvertible) throws(TrainingOptionsError) {
            if !ok { throw .invalid(Self.field(path), requirement: requirement, value: value.description) }
        }
        try require(batchSize >= 1, \.batchSize, "at least 1", batchSize)
        try require(accum >= 1, \.accum, "at least 1", accum)
        if let steps { try require(steps >= 1, \.steps, "at least 1", steps) }
        if let epochs { try require(epochs > 0 && epochs.isFinite, \.epochs, "positive", epochs) }
        if steps != nil && epochs != nil { throw .bothGiven(Self.field(\.steps), Self.field(\.epochs)) }
        if warmupSteps != nil && warmupEpochs != nil { throw .bothGiven(Self.field(\.warmupSteps), Self.field(\.warmupEpochs)) }
        if let warmupSteps { try require(warmupSteps >= 0 && warmupSteps.isFinite, \.warmupSteps, "0 or more", warmupSteps) }
        if let warmupEpochs { try require(warmupEpochs >= 0 && warmupEpochs.isFinite, \.warmupEpochs, "0 or more", warmupEpochs) }
        try require(blr > 0 && blr.isFinite, \.blr, "positive", blr)
        if let lr { try require(lr > 0 && lr.isFinite, \.lr, "positive", lr) }
        try require(minLR >= 0 && minLR.isFinite, \.minLR, "0 or more", minLR)
        try require(weightDecay >= 0 && weightDecay.isFinite, \.weightDecay, "0 or more", weightDecay)
        try require(maskRatio > 0 && maskRatio < 1, \.maskRatio, "between 0 and 1 (exclusive)", maskRatio)
        if let threads { try require(threads >= 1, \.threads, "at least 1", threads) }
        try require(saveEvery >= 1, \.saveEvery, "at least 1", saveEvery)
        try require(saveEveryMinutes > 0 && saveEveryMinutes.isFinite, \.saveEveryMinutes, "positive", saveEveryMinutes)
        try require(logEvery >= 1, \.logEvery, "at least 1", logEvery)
        try require(cropScaleMin > 0 && cropScaleMin <= 1, \.cropScaleMin, "in (0, 1]", cropScaleMin)
        try require(saturation >= 0 && saturation.isFinite, \.saturation, "0 or more", saturation)
        try require(greyProbability >= 0 && greyProbability <= 1, \.greyProbability, "between 0 and 1", greyProbability)
    }
}

/// A run's lengths in optimizer steps, fixed once the number of images is known.
public struct TrainingPlan: Codable, Equatable, Sendable {
    public var totalSteps: Int
    public var warmupSteps: Double
    public var peakLR: Double
    public var minLR: Double
    public var effectiveBatch: Int
    public var images: Int

    enum CodingKeys: String, CodingKey {
        case totalSteps = "total_steps", warmupSteps = "warmup_steps", peakLR = "lr", minLR = "min_lr"
        case effectiveBatch = "effective_batch", images
    }

    public init(options o: TrainingOptions, images: Int) {
        let stepsPerEpoch = Double(images) / Double(o.effectiveBatch)
        effectiveBatch = o.effectiveBatch
        self.images = images
        if let steps = o.steps {
            totalSteps = steps
        } else if let epochs = o.epochs {
            totalSteps = max(1, Int((epochs * stepsPerEpoch).rounded(.up)))
        } else {
            totalSteps = TrainingOptions.defaultSteps
        }
        if let w = o.warmupSteps {
            warmupSteps = w
        } else if let w = o.warmupEpochs {
            warmupSteps = w * stepsPerEpoch
        } else {
            warmupSteps = (Double(totalSteps) * TrainingOptions.defaultWarmupFraction).rounded()
        }
        peakLR = o.lr ?? LearningRateSchedule.absoluteLR(blr: o.blr, effectiveBatch: o.effectiveBatch)
        minLR = o.minLR
    }

    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: peakLR, minLR: minLR, warmup: warmupSteps, total: Double(totalSteps))
    }
}
