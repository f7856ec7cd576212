import Foundation
@testable import Explorer
import Imaging
import MAE
import Pipeline
import Testing

/// The explorer's numbers are the reconstruction pipeline's: what `maex reconstruct` and
/// `maex eval` print for an image and mask is what the status bar and heatmap show.
@Suite struct ModelEngineTests {
    @Test func panelsCarryThePipelinesPicturesAndScores() throws {
        let path = TrainingImageMarkerTests.assets + "/chelsea.png"
        let model = try MAEModel(config: .tiny, seed: 0)
        let mask = makeMask(.block, ratio: 0.5, gridSize: model.config.gridSize, seed: 2)
        let outcome = ModelEngine(model: model).run(ReconstructionRequest(id: 1, imageIndex: 0, path: path,
                                                                           masks: [mask.masked]))
        let shown = try outcome.result.get(), panel = try #require(shown.panels.first)
        let image = try PreparedImage(path: path, side: model.config.imgSize)
        let want = image.reconstructed(by: model, mask: mask)
        #expect(shown.original == image.original)
        #expect(panel.reconstruction == want.reconstruction && panel.pasted == want.pasted)
        #expect(panel.maskedMSE == Float(want.scores.maskedMSE) && panel.psnr == want.scores.psnr)
        #expect(panel.patchErrors == want.scores.patchErrors && panel.patchErrors.count == model.config.numPatches)
    }
}
