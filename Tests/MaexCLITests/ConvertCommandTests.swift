import Foundation
import Testing

/// `maex convert`: the authors' names, mae.config with the eps, the chosen dtype, and a file that
/// maex loads back to the same model.
@Suite struct ConvertCommandTests {
    @Test func huggingFaceFolderBecomesTheAuthorsNamesWithItsEps() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("v4.safetensors").path
        let r = try MaexProcess.run(["convert", SourceTree.fixture("hf-v4"), out])
        #expect(r.status == 0, "\(r.stderr)")
        let header = try SourceTree.header(out)
        let names = Set(header.keys).subtracting(["__metadata__"])
        #expect(names.contains("blocks.1.attn.qkv.weight") && names.contains("decoder_blocks.0.mlp.fc2.bias"))
        #expect(!names.contains { $0.hasPrefix("vit.") || $0.hasPrefix("decoder.") })
        #expect((header["blocks.1.attn.qkv.weight"] as? [String: Any])?["shape"] as? [Int] == [72, 24])
        let meta = try #require(header["__metadata__"] as? [String: String])
        #expect(meta["format"] == "mae-explorer/1")
        let config = try JSONSerialization.jsonObject(with: Data(try #require(meta["mae.config"]).utf8)) as? [String: Any]
        #expect(config?["layer_norm_eps"] as? Double == 0.01 && config?["norm_pix_loss"] as? Bool == true)

        // The file is itself a checkpoint maex reads: verify passes transformers' case with it.
        let verify = try MaexProcess.run(["verify", "--model", out, "--case", SourceTree.fixture("hf-v4.case.safetensors"),
                                          "--out", dir.appendingPathComponent("o.safetensors").path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func halfPrecisionIsStoredAndRefusalsAreClear() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("v5.safetensors").path
        let r = try MaexProcess.run(["convert", SourceTree.fixture("hf-v5"), out, "--dtype", "bf16"])
        #expect(r.status == 0, "\(r.stderr)")
        // 62 tensors: 6 embeddings and tokens, 2 + 2 blocks of 12, norm, decoder_embed, decoder_norm, decoder_pred.
        let entry = try SourceTree.header(out)["cls_token"] as? [String: Any]
        #expect(entry?["dtype"] as? String == "BF16")
        let info = try MaexProcess.run(["info", "--json", out])
        let o = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        #expect(o?["family"] as? String == "maex" && (o?["dtypes"] as? [String: Int])?["BF16"] == 62)
        let encoderOnly = try MaexProcess.run(["convert", SourceTree.fixture("hf-encoder"), out])
        #expect(encoderOnly.status == 1 && encoderOnly.stderr.contains("this checkpoint has no decoder"))
        let notSafetensors = try MaexProcess.run(["convert", SourceTree.fixture("hf-v5"), dir.appendingPathComponent("x.pth").path])
        #expect(notSafetensors.status == 64)
    }
}
