import Foundation
import Testing
@testable import MAE

/// The args and epoch of the authors' checkpoint-N.pth, read without loading weights.
@Suite struct TrainingArgsTests {
    typealias S = CheckpointTestSupport

    @Test func readsTheNamespaceOfAnAuthorsCheckpoint() throws {
        let path = try #require(S.fixture("tiny-a.checkpoint-3.pth"))
        let args = try #require(try TrainingArgs.read(path: path))
        #expect(args.epoch == 3)
        #expect(args.model == "mae_vit_tiny")
        #expect(args.inputSize == 32)
        #expect(args.maskRatio == 0.75)
        #expect(args.normPixLoss == false)
        #expect(args.epochs == 800)
        #expect(args.batchSize == 64)
        #expect(args.fields["warmup_epochs"] == "40")
        // Not one of the authors' three models: no preset, so heads come from elsewhere.
        #expect(args.preset == nil)
    }

    @Test func theAuthorsModelNamesGiveTheirPresets() {
        #expect(TrainingArgs(model: "mae_vit_large_patch16").preset?.config.numHeads == 16)
        #expect(TrainingArgs(model: "mae_vit_base_patch16").preset?.config.numHeads == 12)
        #expect(TrainingArgs(model: "mae_vit_huge_patch14").preset?.config.patchSize == 14)
        #expect(TrainingArgs(model: "mae_vit_base").preset == nil)
    }

    @Test func aBareStateDictOrSafetensorsHasNoArgs() throws {
        let safetensors = try #require(S.fixture("tiny-a.model.safetensors")), pth = try #require(S.fixture("tiny-a.model.pth"))
        #expect(try TrainingArgs.read(path: safetensors) == nil)
        #expect(try TrainingArgs.read(path: pth) == nil)
    }
}
