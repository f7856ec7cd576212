@testable import Explorer
import Imaging

/// Shared builders for the explorer's tests: no model, no terminal.
enum Fixture {
    static let tiny = ModelSummary(name: "test-tiny", imageSide: 64, patchSize: 8, parameterCount: 5_500_000)
    static let base = ModelSummary(name: "test-base", imageSide: 224, patchSize: 16, parameterCount: 111_000_000)

    /// A deterministic mask maker: hides the first round(ratio·L) patches of a seed-dependent
    /// permutation (block and grid variants differ so tests can tell them apart).
    static let makeMask: ExplorerReducer.MaskMaker = { pattern, ratio, g, seed in
        let L = g * g
        let hidden = Int((ratio * Double(L)).rounded())
        var mask = [Bool](repeating: false, count: L)
        let stride = pattern == .random ? 7 : (pattern == .block ? 1 : 3)
        for k in 0..<hidden { mask[(k * stride + Int(seed % UInt64(L))) % L] = true }
        return mask
    }

    static let reducer = ExplorerReducer(makeMask: makeMask)

    /// Values j/1024 (exact in Float, so box means are exact too) in a pattern with detail.
    static func image(side: Int, seed: Int = 1) -> RGBImage {
        var px = [Float](repeating: 0, count: side * side * 3)
        var state = UInt32(truncatingIfNeeded: seed &* 2_654_435_761 &+ 12345)
        for i in px.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            px[i] = Float(state >> 22) / 1024
        }
        return RGBImage(width: side, height: side, pixels: px)
    }

    static func state(width: Int = 160, height: Int = 48, model: ModelSummary = tiny, images: Int = 3,
                      colors: ColorMode = .truecolor, glyphs: GlyphMode = .halfBlock) -> ExplorerState {
        let entries = (0..<images).map { ImageEntry(path: "/images/img\($0).png") }
        var s = ExplorerState(model: model, images: entries, ratio: 0.75, seed: 0, width: width, height: height,
                              glyphs: glyphs, colors: colors)
        _ = reducer.start(&s)
        return s
    }

    /// A finished reconstruction for the state's last request, as the worker would send it.
    static func answer(_ s: ExplorerState, psnr: Double = 18.26) -> ReconstructionOutcome {
        let side = s.model.imageSide
        let original = image(side: side, seed: s.imageIndex + 1)
        let panels = (s.compare ? ExplorerState.compareRatios.map { _ in s.mask } : [s.mask]).map { mask in
            ReconstructedPanels(mask: mask, reconstruction: image(side: side, seed: 99), pasted: original,
                                maskedMSE: 0.5, psnr: psnr, patchErrors: Array(repeating: 0.01, count: s.model.patchCount),
                                seconds: 0.012)
        }
        return ReconstructionOutcome(id: s.lastRequestID, imageIndex: s.imageIndex,
                                     result: .success(ReconstructedImage(original: original, panels: panels,
                                                                         compareRatios: s.compare ? ExplorerState.compareRatios : [])))
    }

    /// A state with its first reconstruction received.
    static func shownState(width: Int = 160, height: Int = 48, model: ModelSummary = tiny,
                           colors: ColorMode = .truecolor, glyphs: GlyphMode = .halfBlock) -> ExplorerState {
        var s = state(width: width, height: height, model: model, colors: colors, glyphs: glyphs)
        _ = reducer.reduce(&s, .reconstructed(answer(s)))
        return s
    }
}

extension RGB8 {
    init(pixel image: RGBImage, x: Int, y: Int) {
        self.init(unit: image[x, y, 0], image[x, y, 1], image[x, y, 2])
    }
}

/// A reconstruction engine that answers at once with Fixture's pictures (what `Fixture.answer`
/// builds for the same request), so an app run on a TestBackend shows the same cells as the
/// pure renderer given `Fixture.shownState`.
final class FixtureEngine: ReconstructionEngine {
    let side: Int
    init(side: Int = Fixture.tiny.imageSide) { self.side = side }

    func run(_ request: ReconstructionRequest) -> ReconstructionOutcome {
        let original = Fixture.image(side: side, seed: request.imageIndex + 1)
        let panels = request.masks.map { mask in
            ReconstructedPanels(mask: mask, reconstruction: Fixture.image(side: side, seed: 99), pasted: original,
                                maskedMSE: 0.5, psnr: 18.26, patchErrors: Array(repeating: 0.01, count: mask.count),
                                seconds: 0.012)
        }
        return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                     result: .success(ReconstructedImage(original: original, panels: panels,
                                                                         compareRatios: request.compareRatios)))
    }
}

extension Fixture {
    /// What `maex explore` would be given for Fixture.state's three images.
    static func setup(engine: ReconstructionEngine = FixtureEngine()) -> ExplorerSetup {
        ExplorerSetup(model: tiny, images: (0..<3).map { ImageEntry(path: "/images/img\($0).png") }, ratio: 0.75,
                      pattern: .random, seed: 0, glyphs: nil, colors: nil, engine: engine, makeMask: makeMask)
    }
}
