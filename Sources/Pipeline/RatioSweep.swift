import MAE

/// How reconstruction quality changes with the share of hidden patches: the model and both
/// baselines scored under random and block masks from 5% to 95% in 5% steps, and the grid mask
/// at its own 75%, each point over the same seeds. `maex eval --sweep` and the explorer's `%`
/// chart both compute their points with `measure`, so their numbers agree exactly.
public enum RatioSweep {
    /// One place on the curve: how the masks are drawn and the ratio asked for (the grid's is
    /// fixed by the grid: 0.75 on an even side).
    public struct Point: Sendable, Hashable {
        public var strategy: MaskStrategy
        public var ratio: Double

        public init(strategy: MaskStrategy, ratio: Double) {
            self.strategy = strategy
            self.ratio = ratio
        }
    }

    /// The scores of one point: each method's PSNR (dB, filling + visible over the whole image)
    /// and masked MSE (pixel values 0...1), summarised over images × seeds.
    public struct PointResult: Sendable, Equatable {
        public var point: Point
        /// The ratio the masks actually have, averaged over the seeds.
        public var maskRatio: Double
        public var psnr: [FillingMethod: ScoreSummary]
        public var maskedMSE: [FillingMethod: ScoreSummary]

        public init(point: Point, maskRatio: Double, psnr: [FillingMethod: ScoreSummary],
                    maskedMSE: [FillingMethod: ScoreSummary]) {
            self.point = point
            self.maskRatio = maskRatio
            self.psnr = psnr
            self.maskedMSE = maskedMSE
        }
    }

    /// 0.05, 0.10, …, 0.95, each k/20 so that every caller gets the same Doubles.
    public static let ratios: [Double] = (1...19).map { Double($0) / 20 }
    /// Seeds 0…7 unless a caller says otherwise.
    public static let defaultSeeds: [UInt64] = Array(0..<8)

    /// Every point in the order they are computed and reported: random by ratio, block by
    /// ratio, then the grid.
    public static let points: [Point] = ratios.map { Point(strategy: .random, ratio: $0) }
        + ratios.map { Point(strategy: .block, ratio: $0) }
        + [Point(strategy: .grid, ratio: 0.75)]

    /// Scores `point` on every image under one mask per seed (the same masks for every image).
    /// images are prepared for `model`'s side. Runs on the caller's thread.
    public static func measure(_ point: Point, images: [PreparedImage], model: MAEModel, seeds: [UInt64],
                               maskDone: () -> Void = {}) -> PointResult {
        let g = model.config.gridSize
        let masks = seeds.map { makeMask(point.strategy, ratio: point.ratio, gridSize: g, seed: $0) }
        var psnr: [FillingMethod: [Double]] = [:], mse: [FillingMethod: [Double]] = [:]
        for image in images {
            for mask in masks {
                let scores = image.scoresOfEveryFilling(by: model, mask: mask)
                for method in FillingMethod.allCases {
                    psnr[method, default: []].append(scores[method].psnr)
                    mse[method, default: []].append(scores[method].maskedMSE)
                }
                maskDone()
            }
        }
        let ratio = masks.isEmpty ? .nan : masks.reduce(0) { $0 + $1.ratio } / Double(masks.count)
        return PointResult(point: point, maskRatio: ratio,
                           psnr: psnr.mapValues(ScoreSummary.init), maskedMSE: mse.mapValues(ScoreSummary.init))
    }

    /// Every point of `points`, in order; `maskDone` after each image and mask.
    public static func run(images: [PreparedImage], model: MAEModel, seeds: [UInt64] = defaultSeeds,
                           points: [Point] = points, maskDone: () -> Void = {}) -> [PointResult] {
        points.map { measure($0, images: images, model: model, seeds: seeds, maskDone: maskDone) }
    }
}
