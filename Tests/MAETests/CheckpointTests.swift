import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport

@Suite struct CheckpointTests {
    static let tinyA = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                                 decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 4)
    /// Small enough for debug builds, with every kind of tensor.
    static let small = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 2, numHeads: 2,
                                 decoderEmbedDim: 8, decoderDepth: 1, decoderNumHeads: 2, normPixLoss: true)

    private static func values(_ model: MAEModel) -> [Float] { model.weights() }

    /// The tensors of a model as safetensors entries, optionally renamed or dropped, no metadata.
    private static func rawTensors(_ model: MAEModel, edit: (String, [Int]) -> (String, [Int])? = { ($0, $1) }) -> [SafeTensors.Tensor] {
        model.table.entries.compactMap { e in
            guard let (name, shape) = edit(e.name, e.shape) else { return nil }
            let values = Array(model.tensor(e.name))
            let n = shape.reduce(1, *)
            let padded = n <= values.count ? Array(values.prefix(n)) : values + [Float](repeating: 0, count: n - values.count)
            return SafeTensors.Tensor(name: name, shape: shape, floats: padded)
        }
    }

    @Test func fixturesLoadWithTheirConfigAndExactWeights() throws {
        for name in ["tiny-a", "tiny-b"] {
            let path = try #require(S.fixture("\(name).model.safetensors"))
            let model = try Checkpoint.load(path: path)
            let st = try SafeTensors.read(path: path)
            let meta = try JSONSerialization.jsonObject(with: Data(st.metadata["mae.config"]!.utf8)) as! [String: Any]
            #expect(model.config.embedDim == meta["embed_dim"] as? Int)
            #expect(model.config.decoderNumHeads == meta["decoder_num_heads"] as? Int)
            #expect(model.config.normPixLoss == meta["norm_pix_loss"] as? Bool)
            for e in model.table.entries {
                #expect(Array(model.tensor(e.name)) == (try st.floats(e.name)), "\(name) \(e.name)")
            }
        }
    }

    @Test func pthFixturesLoadToTheSameModel() throws {
        let reference = try Checkpoint.load(path: try #require(S.fixture("tiny-a.model.safetensors")))
        for file in ["tiny-a.model.pth", "tiny-a.checkpoint-3.pth"] {
            // No mae.config in a .pth, and tiny-a matches no preset: the heads must be given.
            let path = try #require(S.fixture(file))
            let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
            #expect(error?.description.contains("pass --heads and --decoder-heads") == true)
            let model = try Checkpoint.load(path: path, heads: 4, decoderHeads: 4)
            #expect(model.config == Self.tinyA)
            #expect(Self.values(model) == Self.values(reference))
        }
    }

    @Test func saveThenLoadIsExactInF32AndCloseInF16() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let model = try MAEModel(config: Self.small, seed: 9)
        try Checkpoint.save(model, to: dir + "/m32.safetensors", metadata: ["note": "hello"])
        let back = try Checkpoint.load(path: dir + "/m32.safetensors")
        #expect(back.config == Self.small)
        #expect(Self.values(back) == Self.values(model))

        try Checkpoint.save(model, to: dir + "/m16.safetensors", storage: .f16)
        let half = try Checkpoint.load(path: dir + "/m16.safetensors")
        #expect(half.config == Self.small)
        for (a, b) in zip(Self.values(model), Self.values(half)) {
            #expect(abs(a - b) <= max(abs(a) * 0x1p-11, 0x1p-24))
        }
        try Checkpoint.save(model, to: dir + "/mbf.safetensors", storage: .bf16)
        for (a, b) in zip(Self.values(model), Self.values(try Checkpoint.load(path: dir + "/mbf.safetensors"))) {
            #expect(abs(a - b) <= abs(a) * 0x1p-8)
        }
        #expect(throws: CheckpointError.self) { try Checkpoint.save(model, to: dir + "/x.safetensors", storage: .i64) }
        #expect(S.listing(dir) == ["m16.safetensors", "m32.safetensors", "mbf.safetensors"])
    }

    /// What PyTorch's `load_state_dict` needs: the authors' names and shapes in the header, and the
    /// config under the authors' constructor keys. Parsed with Foundation, independently of maex.
    @Test func savedHeaderHasTheAuthorsNamesShapesAndConfig() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/m.safetensors"
        let model = try MAEModel(config: Self.small, seed: 1)
        try Checkpoint.save(model, to: path, metadata: ["format": "overridden?"])
        let bytes = try S.read(path)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        let D = 16, Dd = 8, L = 16
        let expected: [String: [Int]] = [
            "cls_token": [1, 1, D], "pos_embed": [1, L + 1, D], "mask_token": [1, 1, Dd],
            "decoder_pos_embed": [1, L + 1, Dd], "patch_embed.proj.weight": [D, 3, 4, 4], "patch_embed.proj.bias": [D],
            "blocks.1.norm1.weight": [D], "blocks.1.attn.qkv.weight": [3 * D, D], "blocks.1.attn.qkv.bias": [3 * D],
            "blocks.0.attn.proj.weight": [D, D], "blocks.0.mlp.fc1.weight": [4 * D, D], "blocks.0.mlp.fc2.weight": [D, 4 * D],
            "norm.weight": [D], "decoder_embed.weight": [Dd, D], "decoder_blocks.0.mlp.fc1.bias": [4 * Dd],
            "decoder_norm.bias": [Dd], "decoder_pred.weight": [48, Dd], "decoder_pred.bias": [48],
        ]
        for (name, shape) in expected {
            let entry = header[name] as? [String: Any]
            #expect(entry?["shape"] as? [Int] == shape, "\(name)")
            #expect(entry?["dtype"] as? String == "F32")
        }
        // 4 own + 2 patch embed + 12 per block × 3 + 2 norm + 2 decoder_embed + 2 decoder_norm + 2 pred, + metadata.
        let entries = 4 + 2 + 36 + 2 + 2 + 2 + 2 + 1
        #expect(header.count == entries)
        let meta = try #require(header["__metadata__"] as? [String: String])
        #expect(meta["format"] == "mae-explorer/1")
        let config = try JSONSerialization.jsonObject(with: Data(meta["mae.config"]!.utf8)) as! [String: Any]
        let keys: Set<String> = ["img_size", "patch_size", "in_chans", "embed_dim", "depth", "num_heads",
                                 "decoder_embed_dim", "decoder_depth", "decoder_num_heads", "mlp_ratio", "norm_pix_loss"]
        #expect(Set(config.keys) == keys)
        #expect(config["img_size"] as? Int == 16 && config["norm_pix_loss"] as? Bool == true)
        #expect((8 + n) % 8 == 0)
    }

    @Test func configIsInferredFromShapesWithPresetHeads() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/tiny.safetensors"
        let model = try MAEModel(config: .tiny, seed: 2)
        try SafeTensors.write(Self.rawTensors(model), to: path)     // no mae.config
        let back = try Checkpoint.load(path: path)
        #expect(back.config == .tiny)
        #expect(Self.values(back) == Self.values(model))
        // Explicit heads win over the preset's.
        #expect(try Checkpoint.load(path: path, heads: 6, decoderHeads: 2).config.numHeads == 6)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path, heads: 5) }
        #expect(error?.description.contains("num_heads") == true)
    }

    @Test func inferredConfigWithoutAPresetNeedsHeads() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/small.safetensors"
        let model = try MAEModel(config: Self.small, seed: 3)
        try SafeTensors.write(Self.rawTensors(model), to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path, heads: 2) }
        #expect(error?.description.contains("pass --decoder-heads") == true)
        var expected = Self.small
        expected.normPixLoss = false                 // shapes cannot tell; the caller can
        #expect(try Checkpoint.load(path: path, heads: 2, decoderHeads: 2).config == expected)
        #expect(try Checkpoint.load(path: path, heads: 2, decoderHeads: 2, normPixLoss: true).config == Self.small)
    }

    @Test func encoderOnlyCheckpointSaysItNeedsADecoder() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/mae_pretrain_vit_small.safetensors"
        let model = try MAEModel(config: Self.small, seed: 4)
        try SafeTensors.write(Self.rawTensors(model) { name, shape in
            name.hasPrefix("decoder") || name == "mask_token" ? nil : (name, shape)
        }, to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path, heads: 2, decoderHeads: 2) }
        #expect(error?.description.contains("this checkpoint has no decoder; reconstructions need "
                                            + "`mae_visualize_vit_*.pth` or a `_full` checkpoint") == true)
        #expect(error?.description.hasPrefix(path + ": ") == true)
    }

    @Test func missingExtraAndMisShapedTensorsAreNamed() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let model = try MAEModel(config: Self.small, seed: 5)
        let meta = ["mae.config": Checkpoint.configJSON(Self.small)]

        let missing = dir + "/missing.safetensors"
        try SafeTensors.write(Self.rawTensors(model) { $0 == "blocks.1.mlp.fc2.bias" ? nil : ($0, $1) }, metadata: meta, to: missing)
        #expect(throws: CheckpointError.missingTensor(path: missing, tensor: "blocks.1.mlp.fc2.bias", expected: [16])) {
            _ = try Checkpoint.load(path: missing)
        }

        let extra = dir + "/extra.safetensors"
        try SafeTensors.write(Self.rawTensors(model) + [.init(name: "head.weight", shape: [10, 16], floats: .init(repeating: 0, count: 160))],
                              metadata: meta, to: extra)
        let e = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: extra) }
        #expect(e == .unexpectedTensor(path: extra, tensor: "head.weight", shape: [10, 16]))
        #expect(e?.description.contains("'head.weight' of shape [10, 16]") == true)

        let shaped = dir + "/shaped.safetensors"
        try SafeTensors.write(Self.rawTensors(model) { $0 == "decoder_embed.weight" ? ($0, [16, 8]) : ($0, $1) }, metadata: meta, to: shaped)
        let s = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: shaped) }
        #expect(s == .shapeMismatch(path: shaped, tensor: "decoder_embed.weight", expected: [8, 16], found: [16, 8]))
        #expect(s?.description.contains("has shape [16, 8], the model needs [8, 16]") == true)
    }

    @Test func badConfigMetadataIsAnError() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let model = try MAEModel(config: Self.small, seed: 6)
        let path = dir + "/bad.safetensors"
        try SafeTensors.write(Self.rawTensors(model), metadata: ["mae.config": "{\"img_size\": \"big\"}"], to: path)
        let e = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
        #expect(e?.description.contains("mae.config") == true, "\(e?.description ?? "")")
        try SafeTensors.write(Self.rawTensors(model), metadata: ["mae.config": "{\"img_size\": 16, \"patch_size\": 5}"], to: path)
        let v = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
        #expect(v?.description.contains("img_size (16) must be divisible by patch_size (5)") == true)
    }

    @Test func hfNamesWithoutConfigAndNonCheckpointsAreExplained() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/hf.safetensors"
        try SafeTensors.write([.init(name: "vit.embeddings.cls_token", shape: [1], floats: [0])], to: path)
        let e = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
        #expect(e?.description.contains("uses Hugging Face ViTMAE names (vit.embeddings.…) but has no config.json") == true,
                "\(e?.description ?? "")")
        let text = dir + "/notes.txt"
        try S.write(Array("hello, this is not a model".utf8), to: text)
        let t = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: text) }
        #expect(t?.description.hasPrefix(text + ": not a valid safetensors file") == true)
    }
}
