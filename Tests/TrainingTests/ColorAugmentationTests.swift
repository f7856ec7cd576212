import Foundation
import Imaging
import MAE
import Testing
@testable import Training

@Suite struct ColorAugmentationTests {
    /// A w × h image of seeded random colours in 0...1, every channel of a pixel different.
    static func noise(width: Int = 12, height: Int = 10, seed: UInt64 = 7) -> RGBImage {
        var rng = SeededGenerator(seed: seed)
        return RGBImage(width: width, height: height, pixels: (0..<(3 * width * height)).map { _ in rng.nextUniform() })
    }

    static func triples(_ image: RGBImage) -> [[Float]] {
        (0..<(image.width * image.height)).map { Array(image.pixels[(3 * $0)..<(3 * $0 + 3)]) }
    }

    @Test func channelShuffleKeepsEachPixelsValuesAndVisitsEveryPermutation() {
        let image = Self.noise()
        let shuffle = ColorAugmentation(channelShuffle: true)
        var seen = Set<[Int]>()
        for seed in 0..<200 as Range<UInt64> {
            var rng = SeededGenerator(seed: seed)
            let out = shuffle.apply(image, using: &rng)
            #expect(out.width == image.width && out.height == image.height)
            let a = Self.triples(image), b = Self.triples(out)
            // The multiset of channel values per pixel is kept…
            #expect(zip(a, b).allSatisfy { $0.sorted() == $1.sorted() }, "seed \(seed)")
            // …and one permutation serves every pixel: find it from the first pixel, check the rest.
            let p = b[0].map { v in a[0].firstIndex(of: v)! }
            #expect(zip(a, b).allSatisfy { x, y in p.enumerated().allSatisfy { y[$0.offset] == x[$0.element] } })
            seen.insert(p)
        }
        #expect(seen.count == 6, "only \(seen.sorted { $0.lexicographicallyPrecedes($1) }) in 200 draws")
    }

    @Test func permutedMovesChannelsAsNamed() {
        let image = RGBImage(width: 1, height: 2, pixels: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        #expect(ColorAugmentation.permuted(image, (2, 0, 1)).pixels == [0.3, 0.1, 0.2, 0.6, 0.4, 0.5])
        #expect(ColorAugmentation.permuted(image, (0, 1, 2)) == image)
    }

    @Test func zeroSaturationJitterIsTheIdentityAndDrawsNothing() {
        let image = Self.noise()
        let off = ColorAugmentation(saturation: 0)
        #expect(off.isIdentity)
        var rng = SeededGenerator(seed: 3)
        let before = rng
        #expect(off.apply(image, using: &rng) == image)
        #expect(rng == before, "a disabled augmentation consumed random numbers")
        #expect(ColorAugmentation.saturated(image, factor: 1) == image)
    }

    @Test func saturationScalesTheDistanceFromLumaWithinTheJitter() {
        // Mid-range colours so that no factor in 0.5...1.5 clamps.
        let image = RGBImage(width: 2, height: 1, pixels: [0.6, 0.45, 0.4, 0.3, 0.5, 0.55])
        let jitter = ColorAugmentation(saturation: 0.5)
        var factors: [Double] = []
        for seed in 0..<50 as Range<UInt64> {
            var rng = SeededGenerator(seed: seed)
            let out = jitter.apply(image, using: &rng)
            var pixelFactors: [Double] = []
            for i in 0..<2 {
                let src = image.pixels[(3 * i)..<(3 * i + 3)].map(Double.init)
                let dst = out.pixels[(3 * i)..<(3 * i + 3)].map(Double.init)
                let grey = 0.299 * src[0] + 0.587 * src[1] + 0.114 * src[2]
                let f = (dst[0] - grey) / (src[0] - grey)
                for c in 0..<3 { #expect(abs(dst[c] - (grey + f * (src[c] - grey))) < 1e-5, "seed \(seed) pixel \(i)") }
                pixelFactors.append(f)
            }
            #expect(abs(pixelFactors[0] - pixelFactors[1]) < 1e-4, "one factor per image")
            factors.append(pixelFactors[0])
        }
        #expect(factors.allSatisfy { $0 >= 0.5 - 1e-4 && $0 <= 1.5 + 1e-4 })
        #expect(factors.min()! < 0.7 && factors.max()! > 1.3, "the factors do not spread: \(factors)")
    }

    @Test func greyProbabilityOneGivesLumaInEveryChannel() {
        let image = Self.noise(width: 3, height: 2)
        var rng = SeededGenerator(seed: 1)
        let out = ColorAugmentation(greyProbability: 1).apply(image, using: &rng)
        for (src, dst) in zip(Self.triples(image), Self.triples(out)) {
            let grey = 0.299 * src[0] + 0.587 * src[1] + 0.114 * src[2]
            #expect(dst.allSatisfy { abs($0 - grey) < 1e-6 })
        }
    }

    @Test func augmentationIsDeterministicFromTheSeedAndDefaultsChangeNothing() {
        let image = Self.noise(width: 30, height: 20)
        var o = TrainingOptions()
        o.channelShuffle = true
        o.saturation = 0.8
        o.cropScaleMin = 0.05
        let coloured = Augmentation(side: 8, options: o)
        func run(_ a: Augmentation, _ seed: UInt64) -> [Float] {
            var out = [Float](repeating: 0, count: 3 * 64)
            out.withUnsafeMutableBufferPointer { a.apply(image, seed: seed, into: $0.baseAddress!) }
            return out
        }
        let seed = Augmentation.seed(11, at: DataPosition(epoch: 2, index: 5))
        #expect(run(coloured, seed) == run(coloured, seed))
        #expect(run(coloured, seed) != run(coloured, seed &+ 1))
        // Default options are the authors' transform, sample for sample.
        let plain = Augmentation(side: 8)
        let fromDefaults = Augmentation(side: 8, options: TrainingOptions())
        #expect(fromDefaults.scale == 0.2...1.0 && fromDefaults.color.isIdentity)
        for s in 0..<5 as Range<UInt64> { #expect(run(plain, s) == run(fromDefaults, s)) }
    }

    @Test func colourDrawsComeAfterTheCropAndFlip() {
        // On a grey image shuffling and saturation change nothing, so the colour-augmented
        // transform must give the plain one's crops exactly: same draws for the crop and flip.
        let noise = Self.noise(width: 30, height: 20)
        let grey = ColorAugmentation.saturated(noise, factor: 0)
        let coloured = Augmentation(side: 8, color: ColorAugmentation(channelShuffle: true, saturation: 0.9))
        let plain = Augmentation(side: 8)
        for seed in 0..<8 as Range<UInt64> {
            var a = [Float](repeating: 0, count: 3 * 64), b = a
            a.withUnsafeMutableBufferPointer { coloured.apply(grey, seed: seed, into: $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer { plain.apply(grey, seed: seed, into: $0.baseAddress!) }
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "seed \(seed)")
        }
    }

    @Test func quarterTurnsTurnTheCropsOfThePlainTransform() {
        // Same seed: the turned transform's output is the plain one's crop (same crop and flip
        // draws), turned by some number of quarter turns; over seeds every turn appears.
        let noise = Self.noise(width: 30, height: 20)
        let turning = Augmentation(side: 8, quarterTurns: true), plain = Augmentation(side: 8)
        var turnsSeen = Set<Int>()
        for seed in 0..<24 as Range<UInt64> {
            var a = [Float](repeating: 0, count: 3 * 64), b = a
            a.withUnsafeMutableBufferPointer { turning.apply(noise, seed: seed, into: $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer { plain.apply(noise, seed: seed, into: $0.baseAddress!) }
            let hwc = { (chw: [Float]) in RGBImage(width: 8, height: 8, pixels: (0..<64).flatMap { p in (0..<3).map { chw[$0 * 64 + p] } }) }
            let turns = (0..<4).filter { turnedQuarter(hwc(b), turns: $0) == hwc(a) }
            #expect(!turns.isEmpty, "seed \(seed)")
            turnsSeen.formUnion(turns)
        }
        #expect(turnsSeen == [0, 1, 2, 3])
    }

    @Test func optionsDecodeOldConfigsAndRejectBadValues() throws {
        let old = #"{"batch_size": 8, "seed": 3}"#
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: Data(old.utf8))
        #expect(decoded.cropScaleMin == 0.2 && !decoded.channelShuffle && decoded.saturation == 0 && decoded.greyProbability == 0)
        #expect(!decoded.quarterTurns)

        var o = TrainingOptions()
        o.cropScaleMin = 0.05
        o.channelShuffle = true
        o.saturation = 0.5
        o.greyProbability = 0.1
        o.quarterTurns = true
        let back = try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(o))
        #expect(back == o)
        let keys = try JSONSerialization.jsonObject(with: JSONEncoder().encode(o)) as! [String: Any]
        #expect(keys["crop_scale_min"] as? Double == 0.05 && keys["channel_shuffle"] as? Bool == true)
        #expect(keys["saturation"] as? Double == 0.5 && keys["grey_prob"] as? Double == 0.1)

        for (change, key) in [({ (o: inout TrainingOptions) in o.cropScaleMin = 0 }, "crop_scale_min"),
                              ({ $0.cropScaleMin = 1.5 }, "crop_scale_min"),
                              ({ $0.saturation = -0.1 }, "saturation"),
                              ({ $0.greyProbability = 2 }, "grey_prob")] {
            var bad = TrainingOptions()
            change(&bad)
            let error = #expect(throws: TrainingOptionsError.self) { try bad.validate() }
            #expect(error?.fields.map(\.key) == [key])
        }
    }
}
