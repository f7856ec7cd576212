import Foundation
import Imaging
import MAE
import Testing
@testable import Pipeline

@Suite struct ScoreSummaryTests {
    @Test func meanSampleSpreadAndRange() {
        let s = ScoreSummary([1, 2, 6])
        #expect(abs(s.mean - 3) < 1e-12)
        #expect(abs(s.std - (7.0).squareRoot()) < 1e-12)   // ((4 + 1 + 9) / 2)^½
        #expect(s.min == 1 && s.max == 6 && s.values == [1, 2, 6])
        let one = ScoreSummary([5])
        #expect(one.std == 0 && one.min == 5 && one.max == 5)
        // A NaN (an empty mask's MSE) spoils the mean, not the range of the other values.
        let holey = ScoreSummary([.nan, 3, 1])
        #expect(holey.mean.isNaN && holey.min == 1 && holey.max == 3)
        #expect(ScoreSummary([]).mean.isNaN && ScoreSummary([]).max.isNaN)
    }
}

@Suite struct RatioSweepTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func asset(_ relative: String) -> String { root.appendingPathComponent("Assets/" + relative).path }

    @Test func pointsAreEveryFivePercentForRandomAndBlockThenTheGrid() {
        let points = RatioSweep.points
        #expect(points.count == 39)
        #expect(points.prefix(19).allSatisfy { $0.strategy == .random } && points.dropFirst(19).prefix(19).allSatisfy { $0.strategy == .block })
        #expect(points.last == RatioSweep.Point(strategy: .grid, ratio: 0.75))
        for (k, r) in RatioSweep.ratios.enumerated() { #expect(abs(r - Double(k + 1) * 0.05) < 1e-12) }
        #expect(RatioSweep.defaultSeeds == Array(0..<8))
    }

    /// A point's numbers are the summaries of the per-seed scores of the three fillings, each
    /// seed's mask being makeMask's for that seed.
    @Test func aPointSummarisesEverySeedsScores() throws {
        let model = try MAEModel(config: ReconstructionPipelineTests.config, seed: 3)
        let image = PreparedImage(ReconstructionPipelineTests.picture(width: 40, height: 32), side: 32)
        let point = RatioSweep.Point(strategy: .block, ratio: 0.5)
        let r = RatioSweep.measure(point, images: [image], model: model, seeds: [4, 5, 6])
        let perSeed = [4, 5, 6].map { image.scoresOfEveryFilling(by: model, mask: makeMask(.block, ratio: 0.5, gridSize: 4, seed: $0)) }
        for method in FillingMethod.allCases {
            #expect(r.psnr[method] == ScoreSummary(perSeed.map { $0[method].psnr }))
            #expect(r.maskedMSE[method] == ScoreSummary(perSeed.map { $0[method].maskedMSE }))
        }
        #expect(abs(r.maskRatio - 0.5) < 1e-12)   // 8 of 16 patches for every seed
        #expect(r.point == point)
    }

    /// The paper's finding on the bundled model and a held-out photo: the more is hidden, the
    /// worse the picture; and at 75% block masks are harder than random ones.
    @Test func randomPSNRFallsWithTheRatioAndBlockIsBelowRandomAt75() throws {
        let model = try Checkpoint.load(path: Self.asset("models/maex-tiny.safetensors"))
        let image = try PreparedImage(path: Self.asset("images/chelsea.png"), side: model.config.imgSize)
        let ratios = [0.25, 0.5, 0.75, 0.9]
        let random = RatioSweep.run(images: [image], model: model,
                                    points: ratios.map { RatioSweep.Point(strategy: .random, ratio: $0) })
        let psnr = random.map { $0.psnr[.model]?.mean ?? .nan }
        for (a, b) in zip(psnr, psnr.dropFirst()) { #expect(b < a - 0.3, "random PSNR by ratio \(ratios): \(psnr)") }
        let block = RatioSweep.measure(RatioSweep.Point(strategy: .block, ratio: 0.75), images: [image], model: model,
                                       seeds: RatioSweep.defaultSeeds)
        let blockPSNR = try #require(block.psnr[.model]).mean
        #expect(blockPSNR < psnr[2] - 0.5, "block \(blockPSNR) dB, random \(psnr[2]) dB at 75%")
        // The model is no worse than mean fill where the paper uses it.
        let meanFill = try #require(random[2].psnr[.meanFill]).mean
        #expect(psnr[2] > meanFill)
    }

    @Test func thePlotHasTheModelsCurvesBandsGridMarkAndDashedReferences() throws {
        let model = try MAEModel(config: ReconstructionPipelineTests.config, seed: 3)
        let image = PreparedImage(ReconstructionPipelineTests.picture(width: 32, height: 32), side: 32)
        let points = [RatioSweep.Point(strategy: .random, ratio: 0.25), RatioSweep.Point(strategy: .random, ratio: 0.75),
                      RatioSweep.Point(strategy: .grid, ratio: 0.75)]
        let results = RatioSweep.run(images: [image], model: model, seeds: [0, 1], points: points)
        let plot = RatioSweep.plot(results, metric: .psnr, subject: "test", seeds: 2)
        let byLabel = Dictionary(plot.series.filter { !$0.label.isEmpty }.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        let random = try #require(byLabel["model, random"])
        #expect(random.xs == [0.25, 0.75] && random.ys == results.prefix(2).map { $0.psnr[.model]!.mean })
        #expect(byLabel["mean fill"]?.style == .dashed && byLabel["interpolation"]?.style == .dashed)
        #expect(byLabel["model, block"]?.xs.isEmpty == true)
        let grid = try #require(byLabel["model, grid"])
        guard case .marker(let low, let high) = grid.style else { Issue.record("grid is not a mark"); return }
        #expect(low == [results[2].psnr[.model]!.min] && high == [results[2].psnr[.model]!.max])
        let range = try #require(plot.yRange)
        #expect(results.allSatisfy { range.contains($0.psnr[.model]!.min) && range.contains($0.psnr[.model]!.max) })
        // Drawn in pixels: the page is white where nothing is and has ink where the lines are.
        let figure = plotFigure(plot, width: 480, height: 300)
        #expect(figure.width == 480 && figure.height == 300)
        #expect(figure.pixels.contains { $0 < 0.5 } && figure[479, 299, 0] == 1)
    }
}
