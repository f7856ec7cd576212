/// Where the data stream stands: the next sample is file `shuffle(seed, epoch)[index]`.
///
/// Batches are cut from one endless stream of epochs, so a folder smaller than a batch still
/// trains (a batch then spans epochs). Saved with the optimizer state so a resumed run sees
/// exactly the batches it would have seen.
public struct DataPosition: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var epoch: Int
    public var index: Int

    public init(epoch: Int = 0, index: Int = 0) {
        self.epoch = epoch
        self.index = index
    }

    /// The position after `n` more samples of an epoch of `count` files.
    public func advanced(by n: Int, count: Int) -> DataPosition {
        precondition(count > 0)
        let total = index + n
        return DataPosition(epoch: epoch + total / count, index: total % count)
    }

    /// Epochs done, with the current one as a fraction.
    public func fractionalEpoch(count: Int) -> Double {
        Double(epoch) + Double(index) / Double(max(count, 1))
    }

    public var description: String { "epoch \(epoch), image \(index)" }
}

/// Mixes a seed with counters into an unrelated seed (SplitMix64's finaliser after each word),
/// so that (seed, epoch, index) names one augmentation and nearby triples are unrelated.
public enum SeedMixer {
    /// Domains keep the shuffle, the augmentations and the masks apart for the same counters.
    public enum Domain: UInt64, Sendable {
        case shuffle = 0x5348_5546_464C_4531
        case augment = 0x4155_474D_454E_5431
        case mask = 0x4D41_534B_4E4F_4931
    }

    public static func mix(_ seed: UInt64, _ domain: Domain, _ words: Int...) -> UInt64 {
        var h = finalise(seed ^ domain.rawValue)
        for w in words { h = finalise(h ^ UInt64(bitPattern: Int64(w)) &+ 0x9E37_79B9_7F4A_7C15) }
        return h
    }

    @inline(__always) static func finalise(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
