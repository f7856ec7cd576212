import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport

/// Hugging Face ViTMAE folders in both naming styles (Fixtures/hf-v5: transformers 5's
/// save_pretrained, safetensors; Fixtures/hf-v4: transformers 4's decoder names in a
/// pytorch_model.bin, layer_norm_eps 1e-2, no qkv bias, norm-pix), checked against the outputs of
/// transformers itself (`Tools/hf_fixtures.py make`), read here with the tests' own reader.
@Suite struct HuggingFaceCheckpointTests {
    static func folder(_ name: String) throws -> String {
        let any = try #require(S.fixture("tiny-a.model.safetensors"))
        return (any as NSString).deletingLastPathComponent + "/" + name
    }

    /// max|a − b| / max|b|.
    static func relative(_ a: [Float], _ b: [Float]) -> Double {
        var worst = 0.0, scale = 0.0
        for i in b.indices {
            worst = max(worst, abs(Double(a[i]) - Double(b[i])))
            scale = max(scale, abs(Double(b[i])))
        }
        return worst / max(scale, 1e-12)
    }

    @Test(arguments: ["hf-v5", "hf-v4"])
    func bothNamingStylesReproduceTransformers(_ name: String) throws {
        let model = try Checkpoint.load(path: try Self.folder(name))
        let file = try FixtureFile.bundled(name + ".case")
        let images = try #require(file["input.imgs"]).floats, noise = try #require(file["input.noise"]).floats
        let ratio = try #require(Double(file.metadata["mask_ratio"] ?? ""))
        let n = try #require(file["input.imgs"]?.shape.first)
        let out = model.forward(images: images, noise: noise, batch: n, maskRatio: ratio)
        #expect(Self.relative(out.latent, try #require(file["expected.latent"]).floats) < 1e-4, "\(name) latent")
        #expect(Self.relative(out.pred, try #require(file["expected.pred"]).floats) < 1e-4, "\(name) logits")
        #expect(out.mask == (try #require(file["expected.mask"]).floats), "\(name) mask")
        #expect(out.idsRestore.map(Float.init) == (try #require(file["expected.ids_restore"]).floats), "\(name) ids_restore")
        #expect(Self.relative([out.loss], try #require(file["expected.loss"]).floats) < 1e-4, "\(name) loss")
    }

    @Test func everyConfigFieldIsHonoured() throws {
        let v5 = try Checkpoint.load(path: try Self.folder("hf-v5")).config
        #expect(v5 == MAEConfig(imgSize: 32, patchSize: 8, embedDim: 32, depth: 2, numHeads: 4, decoderEmbedDim: 24,
                                decoderDepth: 2, decoderNumHeads: 3, mlpRatio: 4, normPixLoss: false, layerNormEps: 1e-12))
        let v4 = try Checkpoint.load(path: try Self.folder("hf-v4"))
        #expect(v4.config == MAEConfig(imgSize: 48, patchSize: 16, embedDim: 24, depth: 2, numHeads: 3, decoderEmbedDim: 20,
                                       decoderDepth: 1, decoderNumHeads: 5, mlpRatio: 4, normPixLoss: true, layerNormEps: 1e-2))
        // qkv_bias false: the fused bias is zero, every other bias is read.
        #expect(v4.tensor("blocks.1.attn.qkv.bias").allSatisfy { $0 == 0 })
        #expect(v4.tensor("decoder_blocks.0.attn.qkv.bias").allSatisfy { $0 == 0 })
        #expect(v4.tensor("blocks.1.attn.proj.bias").contains { $0 != 0 })
    }

    /// qkv's rows are [query | key | value] and decoder blocks come from either naming style.
    @Test func namesMapOneToOne() throws {
        let model = try Checkpoint.load(path: try Self.folder("hf-v5"))
        let file = try FixtureFile(url: URL(fileURLWithPath: try Self.folder("hf-v5") + "/model.safetensors"))
        let D = 32, qkv = Array(model.tensor("blocks.1.attn.qkv.weight"))
        for (k, part) in ["query", "key", "value"].enumerated() {
            let want = try #require(file["vit.encoder.layer.1.attention.attention.\(part).weight"]).floats
            #expect(Array(qkv[(k * D * D)..<((k + 1) * D * D)]) == want, "\(part)")
        }
        #expect(Array(model.tensor("decoder_blocks.1.mlp.fc2.weight"))
                == (try #require(file["decoder.decoder_encoder.layer.1.output.dense.weight"]).floats))
        #expect(Array(model.tensor("norm.weight")) == (try #require(file["vit.layernorm.weight"]).floats))
        #expect(Array(model.tensor("pos_embed")) == (try #require(file["vit.embeddings.position_embeddings"]).floats))
    }

    /// models--org--name/refs/main names the snapshot; the snapshot's files are links into blobs/.
    @Test func cacheFolderLoadsTheSnapshotThatRefsMainNames() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let source = try Self.folder("hf-v5"), other = try Self.folder("hf-v4")
        let cache = dir + "/models--facebook--vit-mae-tiny"
        let fm = FileManager.default
        for sub in ["refs", "blobs", "snapshots/0123abcd", "snapshots/old"] {
            try fm.createDirectory(atPath: cache + "/" + sub, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: source + "/model.safetensors", toPath: cache + "/blobs/aaaa")
        try fm.copyItem(atPath: source + "/config.json", toPath: cache + "/blobs/bbbb")
        try fm.createSymbolicLink(atPath: cache + "/snapshots/0123abcd/model.safetensors", withDestinationPath: "../../blobs/aaaa")
        try fm.createSymbolicLink(atPath: cache + "/snapshots/0123abcd/config.json", withDestinationPath: "../../blobs/bbbb")
        // Another snapshot that is not refs/main's must not be read.
        try fm.copyItem(atPath: other + "/config.json", toPath: cache + "/snapshots/old/config.json")
        try fm.copyItem(atPath: other + "/pytorch_model.bin", toPath: cache + "/snapshots/old/pytorch_model.bin")
        try Data("0123abcd\n".utf8).write(to: URL(fileURLWithPath: cache + "/refs/main"))

        let fromCache = try Checkpoint.load(path: cache)
        let fromFolder = try Checkpoint.load(path: source)
        #expect(fromCache.config == fromFolder.config)
        #expect(fromCache.weights() == fromFolder.weights())
        let location = try CheckpointLocation.resolve(cache)
        #expect(location.weights.hasSuffix("snapshots/0123abcd/model.safetensors"))
        #expect(location.found == "Hugging Face cache, snapshot 0123abcd (refs/main)")
        // The weights file named directly finds the config.json beside it.
        #expect(try Checkpoint.load(path: source + "/model.safetensors").config == fromFolder.config)

        try Data("ffff\n".utf8).write(to: URL(fileURLWithPath: cache + "/refs/main"))
        let gone = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: cache) }
        #expect(gone?.description.contains("refs/main names snapshot ffff, which is not in snapshots/") == true)
    }

    /// A copy of hf-v5 with its config.json edited by `edit`.
    static func editedCopy(_ dir: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let source = try folder("hf-v5"), copy = dir + "/edited-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: copy + "/model.safetensors")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: copy + "/config.json"))
        return copy
    }

    @Test func configsMaexCannotRunAreRefusedWithTheReason() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("has hidden_act 'gelu_new': maex runs the exact (erf) GELU", { $0["hidden_act"] = "gelu_new" }),
            ("has MLP ratio 128/32 in the encoder and 48/24 in the decoder", { $0["decoder_intermediate_size"] = 48 }),
            ("does not match its config.json as a ViTMAE: it has tensors the model does not, 'decoder.decoder_encoder.layer.0.",
             { $0["qkv_bias"] = false }),
            ("its config.json says qkv_bias: false", { $0["qkv_bias"] = false }),
            ("tensor 'vit.embeddings.position_embeddings' has shape [1, 17, 32], the model needs [1, 37, 32]",
             { $0["image_size"] = 48 }),
            ("'layer_norm_eps' is not a positive number", { $0["layer_norm_eps"] = 0 }),
        ]
        for (expected, edit) in cases {
            let copy = try Self.editedCopy(dir, edit)
            let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: copy) }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.hasPrefix(copy) == true)
        }
    }

    /// config.json is a file format maex reads: damaged copies are errors naming the file, never
    /// crashes, whatever the bytes (sizes of 2⁶² included).
    @Test func damagedConfigsNeverCrash() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let copy = try Self.editedCopy(dir) { _ in }
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: copy + "/config.json")))
        var rng = SeededGenerator(seed: 17)
        var refused = 0
        for trial in 0..<150 {
            var bytes = original
            if trial % 5 == 0 {
                bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            } else {
                for _ in 0..<(1 + trial % 3) { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: copy + "/config.json"))
            do { _ = try Checkpoint.load(path: copy) } catch { refused += 1; #expect(error.description.hasPrefix(copy)) }
        }
        #expect(refused > 30, "most damage is refused")
        for (key, limit) in [("image_size", 4096), ("hidden_size", 16384), ("patch_size", 4096)] {
            let huge = try Self.editedCopy(dir) { $0[key] = 1 << 62 }
            let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: huge) }
            #expect(error?.description.contains("'\(key)' is not a positive integer up to \(limit)") == true)
        }
    }

    /// Sizes within MAEConfig's limits (a million layers would make a plan of twelve million
    /// names before any shape is compared), and a mask ratio from 0 to 1.
    @Test func configValuesBeyondTheModelLimitsAreRefused() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let cases: [(String, Any, String)] = [
            ("num_hidden_layers", 1 << 20, "'num_hidden_layers' is not a positive integer up to 256"),
            ("decoder_num_hidden_layers", 257, "'decoder_num_hidden_layers' is not a positive integer up to 256"),
            ("intermediate_size", 1 << 21, "'intermediate_size' is not a positive integer up to 1048576"),
            ("num_channels", 65, "'num_channels' is not a positive integer up to 64"),
            ("mask_ratio", 5.0, "'mask_ratio' is not a number from 0 to 1"),
        ]
        for (key, value, expected) in cases {
            let copy = try Self.editedCopy(dir) { $0[key] = value }
            let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: copy) }
            #expect(error?.description.hasPrefix(copy + "/config.json: " + expected) == true, "\(error?.description ?? "")")
        }
    }

    /// The sizes of config.json and refs/main are checked before either is read (a sparse file
    /// stands in for a large one).
    @Test func oversizedConfigAndRefsAreRefusedUnread() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let copy = try Self.editedCopy(dir) { _ in }
        let config = try FileHandle(forWritingTo: URL(fileURLWithPath: copy + "/config.json"))
        try config.truncate(atOffset: UInt64(HuggingFaceConfig.maxFileBytes + 1))
        try config.close()
        let big = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: copy) }
        #expect(big?.description == copy + "/config.json: has 16777217 bytes, more than the limit of 16 MiB for a config.json")

        let cache = dir + "/models--org--name"
        try FileManager.default.createDirectory(atPath: cache + "/refs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: cache + "/snapshots", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: cache + "/refs/main", contents: nil)
        let ref = try FileHandle(forWritingTo: URL(fileURLWithPath: cache + "/refs/main"))
        try ref.truncate(atOffset: 1 << 20)
        try ref.close()
        let refs = #expect(throws: CheckpointError.self) { _ = try CheckpointLocation.resolve(cache) }
        #expect(refs?.description == cache + "/refs/main: has 1048576 bytes, more than the 256 of a commit name")
    }

    @Test(arguments: [("hf-encoder", CheckpointKind.huggingFaceEncoder, 2),
                      ("hf-classifier", CheckpointKind.classifier(classes: 5), 2),
                      ("mae_pretrain_vit_tiny.pth", CheckpointKind.encoderOnly, 2)])
    func encoderOnlyFilesAreDescribedAndRefused(_ name: String, _ kind: CheckpointKind, _ depth: Int) throws {
        let path = name.hasSuffix(".pth") ? try #require(S.fixture(name)) : try Self.folder(name)
        let contents = try CheckpointContents.read(path: path)
        #expect(contents.kind == kind)
        #expect(!contents.kind.hasDecoder && contents.decoderParameters == 0 && contents.config == nil)
        #expect(contents.encoder.depth == depth && contents.encoder.patchSize == 8)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
        #expect(error?.description == path + ": this checkpoint has no decoder; reconstructions need "
                + "`mae_visualize_vit_*.pth` or a `_full` checkpoint (`maex info` tells what it holds)")
        if case .classifier = kind {
            #expect(contents.ignoredTensors.sorted() == ["classifier.bias", "classifier.weight"])
            #expect(contents.otherParameters == 5 * 32 + 5)
        }
    }

    /// Fixtures/tiny-a.extra-call.pth: tiny-a's weights and an entry whose pickle calls
    /// posix.system. Nothing runs; the entry is named, warned about, and refused with strict.
    @Test func aPickleThatCallsCodeIsNamedWarnedAndRefusedWhenStrict() throws {
        let path = try #require(S.fixture("tiny-a.extra-call.pth"))
        let contents = try CheckpointContents.read(path: path, heads: 4, decoderHeads: 4)
        let extra = try #require(contents.skipped.first { $0.name == "extra" })
        #expect(extra.globals == ["posix.system"] && extra.refersToCode)
        #expect(extra.message == "ignored `extra`: a call to posix.system, not run")
        #expect(contents.skipped.first { $0.name == "epoch" }?.refersToCode == false)
        var warnings: [String] = []
        let model = try Checkpoint.load(path: path, heads: 4, decoderHeads: 4) { warnings.append($0) }
        #expect(warnings == [path + ": ignored `extra`: a call to posix.system, not run"])
        #expect(model.weights() == (try Checkpoint.load(path: try #require(S.fixture("tiny-a.model.safetensors")))).weights())
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path, heads: 4, decoderHeads: 4, strict: true) }
        #expect(error?.description == path + ": refused with --strict: ignored `extra`: a call to posix.system, not run")
    }

    /// The authors' checkpoint-N.pth says norm_pix_loss in its args; the shapes cannot.
    @Test func authorsArgsTellNormPix() throws {
        let path = try #require(S.fixture("tiny-a.checkpoint-3.pth"))
        let contents = try CheckpointContents.read(path: path, heads: 4, decoderHeads: 4)
        #expect(contents.normPix == false && contents.normPixOrigin == "read from its args (norm_pix_loss)")
        #expect(contents.arguments["model"] == "mae_vit_tiny")
        #expect(contents.skipped.map(\.name) == ["optimizer", "epoch", "scaler", "args"])
        #expect(contents.skipped.allSatisfy { !$0.refersToCode })
        #expect(contents.family == .authors && contents.format == "pytorch")
        let hf = try CheckpointContents.read(path: try Self.folder("hf-v4"))
        #expect(hf.family == .huggingFace && hf.normPix == true && hf.layerNormEps == 1e-2 && hf.dtypes == ["F32": 53])
    }

    /// The converted file (Fixtures/hf-v4.converted.safetensors, which Tools/hf_fixtures.py
    /// check-convert loaded strictly into the reference MAE and found equal to transformers'
    /// outputs) is what saving the loaded folder writes again: same names, shapes, values and
    /// config, the eps included.
    @Test func convertedFileIsTheOneThePyTorchReferenceLoaded() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let model = try Checkpoint.load(path: try Self.folder("hf-v4"))
        try Checkpoint.save(model, to: dir + "/out.safetensors")
        let written = try FixtureFile(url: URL(fileURLWithPath: dir + "/out.safetensors"))
        let committed = try FixtureFile.bundled("hf-v4.converted")
        #expect(Set(written.tensors.keys) == Set(model.table.entries.map(\.name)))
        #expect(Set(written.tensors.keys) == Set(committed.tensors.keys))
        for (name, t) in committed.tensors {
            #expect(written[name]?.shape == t.shape && written[name]?.floats == t.floats, "\(name)")
        }
        let config = try #require(written.metadata["mae.config"])
        #expect(config == committed.metadata["mae.config"])
        #expect(config.contains("\"layer_norm_eps\":0.01"))
        // The authors' eps is left out, so their constructor reads the config as it is.
        #expect(!Checkpoint.configJSON(.base).contains("layer_norm_eps"))
        #expect(try JSONDecoder().decode(MAEConfig.self, from: Data(config.utf8)) == model.config)
    }
}
