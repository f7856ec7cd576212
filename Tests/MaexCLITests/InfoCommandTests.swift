import Foundation
import Testing

/// `maex info` on every kind of checkpoint a person may have, and the warnings and --strict
/// refusal for a pickle whose entries refer to code.
@Suite struct InfoCommandTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try MaexProcess.run(["info", "--json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func huggingFaceFolderIsDescribedWithItsConfig() throws {
        let o = try Self.json([SourceTree.fixture("hf-v4")])
        #expect(o["family"] as? String == "Hugging Face" && o["format"] as? String == "pytorch")
        #expect(o["kind"] as? String == "model" && o["has_decoder"] as? Bool == true)
        #expect((o["weights"] as? String)?.hasSuffix("hf-v4/pytorch_model.bin") == true)
        #expect(o["layer_norm_eps"] as? Double == 0.01 && o["norm_pix"] as? Bool == true)
        let config = try #require(o["config"] as? [String: Any])
        #expect(config["num_heads"] as? Int == 3 && config["decoder_num_heads"] as? Int == 5)
        #expect(config["layer_norm_eps"] as? Double == 0.01)
        let params = try #require(o["parameters"] as? [String: Int])
        // D 24, 9 patches of 16·16·3: cls 24 + pos 10·24 + patch 24·768 + 24, two blocks of 7,224 (qkv with its zero
        // bias 1,800, proj 600, norms 96, fc1 2,400, fc2 2,328), norm 48.
        #expect(params["encoder"] == 24 + 240 + 18_456 + 2 * 7_224 + 48 && params["decoder"]! > 0)
        #expect((o["config_origin"] as? String)?.hasPrefix("read from ") == true)
    }

    @Test func encoderOnlyFileSaysWhatItIs() throws {
        let o = try Self.json([SourceTree.fixture("mae_pretrain_vit_tiny.pth")])
        #expect(o["kind"] as? String == "encoder-only" && o["has_decoder"] as? Bool == false)
        #expect(o["family"] as? String == "authors")
        #expect((o["norm_pix_origin"] as? String)?.hasPrefix("unknown: shapes cannot tell") == true)
        let text = try MaexProcess.run(["info", SourceTree.fixture("hf-classifier")])
        #expect(text.stdout.contains("ViTForImageClassification fine-tune (5 classes)"), "\(text.stdout)")
        #expect(text.stdout.contains("this checkpoint has no decoder; reconstructions need `mae_visualize_vit_*.pth`"))
    }

    @Test func codeInAPickleIsNamedWarnedAndRefusedWithStrict() throws {
        let path = SourceTree.fixture("tiny-a.extra-call.pth")
        let text = try MaexProcess.run(["info", path, "--heads", "4", "--decoder-heads", "4"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("WARNING       ignored `extra`: a call to posix.system, not run"), "\(text.stdout)")
        #expect(text.stdout.contains("skipped       ignored `epoch`: an int (3)"))
        let o = try Self.json([path])
        let skipped = try #require(o["skipped"] as? [[String: Any]])
        #expect(skipped.map { $0["name"] as? String } == ["epoch", "extra"])
        #expect(skipped.last?["globals"] as? [String] == ["posix.system"])

        let strict = try MaexProcess.run(["info", path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("refused with --strict: ignored `extra`: a call to posix.system, not run"))

        // Commands that load a model warn, and refuse with --strict.
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("fig.png").path
        let args = ["reconstruct", SourceTree.asset("images/astronaut.png"), "-o", png, "--model", path, "--heads", "4",
                    "--decoder-heads", "4"]
        let warned = try MaexProcess.run(args)
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains("maex: warning: \(path): ignored `extra`: a call to posix.system, not run"))
        let refused = try MaexProcess.run(args + ["--strict"])
        #expect(refused.status == 1 && refused.stderr.contains("refused with --strict"))
    }

    @Test func reconstructingWithAnEncoderOnlyFileGivesTheFix() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ["hf-encoder", "mae_pretrain_vit_tiny.pth"] {
            let r = try MaexProcess.run(["reconstruct", SourceTree.asset("images/astronaut.png"), "-o",
                                         dir.appendingPathComponent("f.png").path, "--model", SourceTree.fixture(file)])
            #expect(r.status == 1)
            #expect(r.stderr.contains("this checkpoint has no decoder; reconstructions need `mae_visualize_vit_*.pth` or a "
                                      + "`_full` checkpoint"), "\(r.stderr)")
        }
    }

    @Test func unreadablePathsAreOneLineErrors() throws {
        let r = try MaexProcess.run(["info", "/nonexistent/model.safetensors"])
        #expect(r.status == 1 && r.stderr.hasPrefix("maex: /nonexistent/model.safetensors: cannot open"), "\(r.stderr)")
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try MaexProcess.run(["info", dir.path])
        #expect(empty.status == 1 && empty.stderr.contains("is a folder without model.safetensors or pytorch_model.bin"))
    }
}
