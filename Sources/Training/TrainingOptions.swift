import Foundation
import MAE

/// Every argument of a training run, as written to the run's config.json (snake_case keys).
/// Lengths may be given in steps or in epochs; `TrainingPlan` turns them into steps once the
/// number of images is known.
public struct TrainingOptions: Codable, Equatable, Sendable {
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
    /// OpenBLAS threads; nil: every core.
    public var threads: Int?
    /// Save the checkpoint and optimizer state every this many steps (and always at the end).
    public var saveEvery: Int = 500
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

    enum CodingKeys: String, CodingKey {
        case batchSize = "batch_size", accum = "accum_iter", steps, epochs, blr, lr
        case warmupSteps = "warmup_steps", warmupEpochs = "warmup_epochs", minLR = "min_lr"
        case weightDecay = "weight_decay", maskRatio = "mask_ratio", strategy, seed, threads
        case saveEvery = "save_every", logEvery = "log_every", cacheBytes = "cache_bytes"
        case cropScaleMin = "crop_scale_min", channelShuffle = "channel_shuffle", saturation
        case greyProbability = "grey_prob", quarterTurns = "quarter_turns"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingOptions()
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        accum = try c.decodeIfPresent(Int.self, forKey: .accum) ?? d.accum
        steps = try c.decodeIfPresent(Int.self, forKey: .steps)
        epochs = try c.decodeIfPresent(Double.self, forKey: .epochs)
        blr = try c.decodeIfPresent(Double.self, forKey: .blr) ?? d.blr
        lr = try c.decodeIfPresent(Double.self, forKey: .lr)
        warmupSteps = try c.decodeIfPresent(Double.self, forKey: .warmupSteps)
        warmupEpochs = try c.decodeIfPresent(Double.self, forKey: .warmupEpochs)
        minLR = try c.decodeIfPresent(Double.self, forKey: .minLR) ?? d.minLR
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? d.weightDecay
        maskRatio = try c.decodeIfPresent(Double.self, forKey: .maskRatio) ?? d.maskRatio
        strategy = try c.decodeIfPresent(MaskStrategy.self, forKey: .strategy) ?? d.strategy
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        saveEvery = try c.decodeIfPresent(Int.self, forKey: .saveEvery) ?? d.saveEvery
        logEvery = try c.decodeIfPresent(Int.self, forKey: .logEvery) ?? d.logEvery
        cacheBytes = try c.decodeIfPresent(Int.self, forKey: .cacheBytes) ?? d.cacheBytes
        // Absent in runs made before these options: their defaults are what those runs did.
        cropScaleMin = try c.decodeIfPresent(Double.self, forKey: .cropScaleMin) ?? d.cropScaleMin
        channelShuffle = try c.decodeIfPresent(Bool.self, forKey: .channelShuffle) ?? d.channelShuffle
        saturation = try c.decodeIfPresent(Double.self, forKey: .saturation) ?? d.saturation
        greyProbability = try c.decodeIfPresent(Double.self, forKey: .greyProbability) ?? d.greyProbability
        quarterTurns = try c.decodeIfPresent(Bool.self, forKey: .quarterTurns) ?? d.quarterTurns
    }

    /// Images per optimizer step.
    public var effectiveBatch: Int { batchSize * accum }

    /// The first argument that cannot make a run, in the user's words (option names).
    public func problem() -> String? {
        if batchSize < 1 { return "--batch must be at least 1, got \(batchSize)" }
        if accum < 1 { return "--accum must be at least 1, got \(accum)" }
        if let steps, steps < 1 { return "--steps must be at least 1, got \(steps)" }
        if let epochs, !(epochs > 0 && epochs.isFinite) { return "--epochs must be positive, got \(epochs)" }
        if steps != nil && epochs != nil { return "give --steps or --epochs, not both" }
        if warmupSteps != nil && warmupEpochs != nil { return "give --warmup-steps or --warmup-epochs, not both" }
        if let w = warmupSteps ?? warmupEpochs, !(w >= 0 && w.isFinite) { return "the warmup must be 0 or more, got \(w)" }
        if !(blr > 0 && blr.isFinite) { return "--blr must be positive, got \(blr)" }
        if let lr, !(lr > 0 && lr.isFinite) { return "--lr must be positive, got \(lr)" }
        if !(minLR >= 0 && minLR.isFinite) { return "--min-lr must be 0 or more, got \(minLR)" }
        if !(weightDecay >= 0 && weightDecay.isFinite) { return "--weight-decay must be 0 or more, got \(weightDecay)" }
        if !(maskRatio > 0 && maskRatio < 1) { return "--mask-ratio must be between 0 and 1 (exclusive), got \(maskRatio)" }
        if let threads, threads < 1 { return "--threads must be at least 1, got \(threads)" }
        if saveEvery < 1 { return "--save-every must be at least 1, got \(saveEvery)" }
        if logEvery < 1 { return "--log-every must be at least 1, got \(logEvery)" }
        if !(cropScaleMin > 0 && cropScaleMin <= 1) { return "--crop-scale-min must be in (0, 1], got \(cropScaleMin)" }
        if !(saturation >= 0 && saturation.isFinite) { return "--saturation must be 0 or more, got \(saturation)" }
        if !(greyProbability >= 0 && greyProbability <= 1) { return "--grey-prob must be between 0 and 1, got \(greyProbability)" }
        return nil
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
