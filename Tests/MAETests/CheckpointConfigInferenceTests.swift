import Testing
@testable import MAE

/// Config inference on the shapes of the authors' released checkpoints (their state-dict names
/// from a ParameterTable; no weights needed, so ViT-Huge costs nothing here).
@Suite struct CheckpointConfigInferenceTests {
    static func shapes(_ config: MAEConfig, dropping drop: (String) -> Bool = { _ in false }) -> TensorSource {
        TensorSource(path: "released.pth",
                     shapes: ParameterTable(config: config).entries.filter { !drop($0.name) }.map { ($0.name, $0.shape) })
    }

    @Test(arguments: [("base", MAEConfig.base), ("large", MAEConfig.large), ("huge", MAEConfig.huge), ("tiny", MAEConfig.tiny)])
    func releasedShapesGiveThePresetWithItsHeads(_ name: String, _ preset: MAEConfig) throws {
        let inferred = try ConfigInference.infer(Self.shapes(preset), heads: nil, decoderHeads: nil)
        #expect(inferred == preset, "\(name)")
        #expect(inferred.matchingPreset?.rawValue == name)
    }

    @Test func countsBlocksAndReadsTheMLPRatio() throws {
        let config = MAEConfig(imgSize: 40, patchSize: 10, inChans: 1, embedDim: 24, depth: 3, numHeads: 2,
                               decoderEmbedDim: 12, decoderDepth: 4, decoderNumHeads: 3, mlpRatio: 2.5)
        #expect(try ConfigInference.infer(Self.shapes(config), heads: 2, decoderHeads: 3) == config)
        #expect(ConfigInference.blockCount(["blocks.0.x", "blocks.11.y", "decoder_blocks.3.z", "blocksX.9.w"], prefix: "blocks.") == 12)
    }

    @Test func encoderOnlyReleaseIsRecognised() {
        let encoderOnly = Self.shapes(.large) { $0.hasPrefix("decoder") || $0 == "mask_token" }
        #expect(!ConfigInference.hasDecoder(encoderOnly))
        #expect(ConfigInference.hasDecoder(Self.shapes(.large)))
        // The encoder alone still tells its shape, and the preset's heads.
        let e = try? ConfigInference.encoder(encoderOnly)
        #expect(e == EncoderShape(imgSize: 224, patchSize: 16, inChans: 3, embedDim: 1024, depth: 24, mlpRatio: 4, numHeads: 16))
    }

    @Test func oddShapesAreNamed() {
        // A non-square number of patches.
        var list = ParameterTable(config: .tiny).entries.map { ($0.name, $0.shape) }
        list = list.map { $0.0 == "pos_embed" ? ($0.0, [1, 51, 192]) : $0 }
        let e = #expect(throws: CheckpointError.self) {
            _ = try ConfigInference.infer(TensorSource(path: "p", shapes: list), heads: 3, decoderHeads: 4)
        }
        #expect(e?.tensor == "pos_embed")
        #expect(e?.description.contains("[1, 51, 192]") == true)
    }
}
