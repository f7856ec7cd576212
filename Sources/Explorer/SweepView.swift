import Pipeline

/// The `%` chart: the ratio sweep of one image, computed on the reconstruction worker one point
/// at a time (RatioSweep.points, in order) while the chart is open.
public struct SweepView: Sendable {
    /// The image the results belong to; changing the image starts again.
    public var imageIndex: Int
    public var visible = true
    public var metric: RatioSweep.Metric = .psnr
    public var seeds: [UInt64] = RatioSweep.defaultSeeds
    /// The points done so far, in RatioSweep.points' order.
    public var results: [RatioSweep.PointResult] = []

    public init(imageIndex: Int) { self.imageIndex = imageIndex }

    /// The point to compute next, nil when every point is done.
    public var next: RatioSweep.Point? {
        results.count < RatioSweep.points.count ? RatioSweep.points[results.count] : nil
    }

    public var done: Bool { next == nil }

    /// "12/39 points, random 60%" while computing; "39 points" when done.
    public var progress: String {
        let total = RatioSweep.points.count
        guard let next else { return "\(total) points × \(seeds.count) seeds" }
        let name = next.strategy == .grid ? "grid" : "\(next.strategy.rawValue) \(Int((next.ratio * 100).rounded()))%"
        return "\(results.count)/\(total) points, computing \(name)…"
    }
}

/// What the worker is asked for one point of the sweep.
public struct SweepRequest: Sendable {
    public var point: RatioSweep.Point
    public var seeds: [UInt64]

    public init(point: RatioSweep.Point, seeds: [UInt64]) {
        self.point = point
        self.seeds = seeds
    }
}
