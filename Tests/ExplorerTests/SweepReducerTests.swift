import Testing
import MAE
import Pipeline
@testable import Explorer

/// The `%` chart: one point at a time on the worker, resumed after a mask change replaced its
/// request, restarted on a new image, drawn below the panels.
@Suite struct SweepReducerTests {
    let r = Fixture.reducer

    func requests(_ effects: [ExplorerEffect]) -> [ReconstructionRequest] {
        effects.compactMap { if case .reconstruct(let q) = $0 { q } else { nil } }
    }

    /// What the worker would answer to a sweep request: made-up scores that fall with the ratio.
    func answer(_ q: ReconstructionRequest) -> ReconstructionOutcome {
        let point = q.sweep!.point
        let psnr = 30 - 12 * point.ratio - (point.strategy == .block ? 1 : 0)
        func summary(_ v: Double) -> ScoreSummary { ScoreSummary([v - 0.5, v, v + 0.5]) }
        var byMethod: [FillingMethod: ScoreSummary] = [:], mse: [FillingMethod: ScoreSummary] = [:]
        for (i, m) in FillingMethod.allCases.enumerated() {
            byMethod[m] = summary(psnr - Double(i))
            mse[m] = summary(0.01 * (1 + point.ratio))
        }
        let result = RatioSweep.PointResult(point: point, maskRatio: point.ratio, psnr: byMethod, maskedMSE: mse)
        return ReconstructionOutcome(id: q.id, imageIndex: q.imageIndex,
                                     result: .success(ReconstructedImage(original: Fixture.image(side: 64), panels: [],
                                                                         sweep: result)))
    }

    @Test func percentAsksForOnePointAtATimeInOrder() throws {
        var s = Fixture.shownState()
        var q = requests(r.reduce(&s, .key(.character("%"))))
        #expect(s.showsSweep && q.count == 1 && q[0].masks.isEmpty)
        #expect(q[0].sweep?.point == RatioSweep.points[0] && q[0].sweep?.seeds == Array(0..<8))
        for k in 1..<RatioSweep.points.count {
            q = requests(r.reduce(&s, .reconstructed(answer(q[0]))))
            #expect(q.count == 1 && q.first?.sweep?.point == RatioSweep.points[k])
            guard !q.isEmpty else { return }
        }
        #expect(requests(r.reduce(&s, .reconstructed(answer(q[0])))).isEmpty)
        #expect(s.sweep?.done == true && s.sweep?.results.count == 39 && !s.computing)
        // The panels' reconstruction is still the one shown before the sweep.
        #expect(s.shownPanels != nil)
        // Closing and opening again computes nothing more.
        #expect(requests(r.reduce(&s, .key(.character("%")))).isEmpty && !s.showsSweep)
        #expect(requests(r.reduce(&s, .key(.character("%")))).isEmpty && s.showsSweep)
    }

    @Test func aMaskKeyDuringTheSweepReplacesItsRequestAndTheSweepAsksAgain() throws {
        var s = Fixture.shownState()
        let first = try #require(requests(r.reduce(&s, .key(.character("%")))).first)
        // The worker had not started the point: the mask request replaced it, so only that one answers.
        let mask = try #require(requests(r.reduce(&s, .key(.character("r")))).first)
        #expect(mask.sweep == nil && mask.masks == [s.mask])
        let again = requests(r.reduce(&s, .reconstructed(Fixture.answer(s))))
        #expect(again.count == 1 && again.first?.sweep?.point == RatioSweep.points[0] && again[0].id > first.id)
        // Had it started, its answer counts once; a late duplicate is ignored.
        _ = r.reduce(&s, .reconstructed(answer(again[0])))
        _ = r.reduce(&s, .reconstructed(answer(first)))
        #expect(s.sweep?.results.count == 1)
    }

    @Test func whileAnotherRequestIsOutTheSweepWaits() throws {
        var s = Fixture.state()   // the first image's reconstruction is still out
        #expect(requests(r.reduce(&s, .key(.character("%")))).isEmpty && s.showsSweep)
        let q = requests(r.reduce(&s, .reconstructed(Fixture.answer(s))))
        #expect(q.first?.sweep?.point == RatioSweep.points[0])
    }

    @Test func aNewImageStartsTheSweepAgainAndDropsTheOldImagesPoints() throws {
        var s = Fixture.shownState()
        var q = requests(r.reduce(&s, .key(.character("%"))))
        q = requests(r.reduce(&s, .reconstructed(answer(q[0]))))
        let stale = q[0]
        #expect(s.sweep?.results.count == 1)
        let image = requests(r.reduce(&s, .key(.character("]"))))
        #expect(image.count == 1 && image[0].sweep == nil && image[0].imageIndex == 1)
        #expect(s.sweep?.results.isEmpty == true && s.sweep?.imageIndex == 1 && s.showsSweep)
        _ = r.reduce(&s, .reconstructed(answer(stale)))
        #expect(s.sweep?.results.isEmpty == true)
        q = requests(r.reduce(&s, .reconstructed(Fixture.answer(s))))
        #expect(q.first?.sweep?.point == RatioSweep.points[0] && q.first?.imageIndex == 1)
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func theChartSitsBelowThePanelsWithItsProgressAndMetric(size: (Int, Int)) throws {
        var s = Fixture.shownState(width: size.0, height: size.1)
        var q = requests(r.reduce(&s, .key(.character("%"))))
        for _ in 0..<25 { q = requests(r.reduce(&s, .reconstructed(answer(q[0])))) }
        let layout = s.layout
        let chart = try #require(layout.charts)
        let lowest = try #require(layout.panels.map { $0.imageY + $0.rows }.max())
        #expect(layout.panels.count == 4 && chart.y >= lowest && chart.y + chart.height <= layout.statusY)
        var screen = ScreenRenderer.render(s)
        #expect(screen.text(row: chart.y).contains("ratio sweep · PSNR (dB)"))
        #expect(screen.text.contains("25/39 points"))
        // Braille dots under the title: the curves.
        let dots = (chart.y..<(chart.y + chart.height)).map { screen.text(row: $0) }.joined()
            .unicodeScalars.filter { $0.value > 0x2800 && $0.value <= 0x28FF }.count
        #expect(dots > 20)
        _ = r.reduce(&s, .key(.character("m")))
        screen = ScreenRenderer.render(s)
        #expect(screen.text(row: chart.y).contains("ratio sweep · masked MSE"))
        _ = r.reduce(&s, .key(.escape))
        #expect(!s.showsSweep && s.layout.charts == nil)
    }
}
