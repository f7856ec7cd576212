import Imaging
import MAE

/// The authors' training transform: RandomResizedCrop(S, scale 0.2–1.0, ratio 3/4–4/3,
/// bicubic), a horizontal flip with probability ½, ImageNet normalisation → [3, S, S]; then
/// the optional quarter turns and colour augmentations (`ColorAugmentation`), off by default.
///
/// Its randomness comes from a generator seeded by (seed, epoch, index) of the sample's place
/// in the data stream, so the same place always gives the same crop, resumed or not.
public struct Augmentation: Sendable {
    public var side: Int
    public var scale: ClosedRange<Double>
    public var flipProbability: Float
    /// Also turn each crop by a random number of quarter turns (0–3).
    public var quarterTurns: Bool
    public var color: ColorAugmentation

    public init(side: Int, scale: ClosedRange<Double> = 0.2...1.0, flipProbability: Float = 0.5,
                quarterTurns: Bool = false, color: ColorAugmentation = ColorAugmentation()) {
        self.side = side
        self.scale = scale
        self.flipProbability = flipProbability
        self.quarterTurns = quarterTurns
        self.color = color
    }

    /// The augmentation a run's options ask for.
    public init(side: Int, options o: TrainingOptions) {
        self.init(side: side, scale: o.cropScaleMin...1.0, quarterTurns: o.quarterTurns,
                  color: ColorAugmentation(channelShuffle: o.channelShuffle, saturation: o.saturation,
                                           greyProbability: o.greyProbability))
    }

    /// Seed of the sample at `position` of a run seeded `seed`.
    public static func seed(_ seed: UInt64, at position: DataPosition) -> UInt64 {
        SeedMixer.mix(seed, .augment, position.epoch, position.index)
    }

    /// The augmented, normalised image [3, side, side] written to `out` (3·side² values).
    public func apply(_ image: RGBImage, seed: UInt64, into out: UnsafeMutablePointer<Float>) {
        var rng = SeededGenerator(seed: seed)
        var crop = randomResizedCrop(image, side: side, scale: scale, using: &rng)
        if rng.nextUniform() < flipProbability { crop = flippedHorizontally(crop) }
        // Drawn only when on, so runs without it see the same random stream as before.
        if quarterTurns { crop = turnedQuarter(crop, turns: Int(rng.next() % 4)) }
        if !color.isIdentity { crop = color.apply(crop, using: &rng) }
        let chw = normalizedCHW(crop)
        precondition(chw.count == 3 * side * side, "normalizedCHW gave \(chw.count) values")
        chw.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: chw.count) }
    }
}
