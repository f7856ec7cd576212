import MAE

/// The masking noise [N, L] of a batch: the model keeps the patches of lowest noise
/// (ids_shuffle = argsort(noise)), so noise is how a mask strategy reaches the training step.
///
/// - random: noise ~ U[0, 1), the authors' per-sample random masking at `ratio`.
/// - block / grid: `makeMask` draws the mask; visible patches get noise in [0, ½), masked ones
///   in [½, 1), and the ratio handed to the model is chosen so it keeps exactly the visible
///   count (the smallest in the batch, should a strategy's counts differ between samples).
///
/// Randomness comes from (seed, micro-batch index): a resumed run draws the same masks.
public struct MaskNoise: Sendable {
    public var strategy: MaskStrategy
    public var ratio: Double
    public var gridSize: Int

    public init(strategy: MaskStrategy, ratio: Double, gridSize: Int) {
        self.strategy = strategy
        self.ratio = ratio
        self.gridSize = gridSize
    }

    public var patches: Int { gridSize * gridSize }

    /// Fills `noise` ([batch, L]) for micro-batch `micro`; returns the mask ratio to train with.
    public func fill(_ noise: UnsafeMutableBufferPointer<Float>, batch: Int, seed: UInt64, micro: Int) -> Double {
        let L = patches
        precondition(noise.count >= batch * L)
        var rng = SeededGenerator(seed: SeedMixer.mix(seed, .mask, micro))
        if strategy == .random {
            for i in 0..<(batch * L) { noise[i] = rng.nextUniform() }
            return ratio
        }
        var keep = L
        for n in 0..<batch {
            let mask = makeMask(strategy, ratio: ratio, gridSize: gridSize, seed: rng.next())
            keep = min(keep, mask.visibleCount)
            for k in 0..<L {
                noise[n * L + k] = (mask.masked[k] ? 0.5 : 0) + 0.5 * rng.nextUniform()
            }
        }
        return Self.ratio(keeping: keep, of: L)
    }

    /// A ratio r with ⌊L·(1 − r)⌋ = keep exactly, away from the floor's rounding edge.
    public static func ratio(keeping keep: Int, of L: Int) -> Double {
        1 - (Double(keep) + 0.5) / Double(L)
    }
}
