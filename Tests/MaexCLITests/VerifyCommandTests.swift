import Foundation
import Testing
@testable import maex

/// Paths in the source tree, found from this file's own location.
enum SourceTree {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/MAETests/Fixtures/" + name).path }
    static func asset(_ relative: String) -> String { root.appendingPathComponent("Assets/" + relative).path }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("maex-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The names, dtypes and shapes in a safetensors header, parsed with Foundation.
    static func header(_ path: String) throws -> [String: Any] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        return try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any] ?? [:]
    }
}

@Suite struct VerifyCommandTests {
    /// `--isa all` runs the case on every kernel table this CPU runs, each to its own file.
    @Test func everyKernelTablePassesTheCase() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.safetensors").path
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture("tiny-b.model.safetensors"),
                                          "--case", SourceTree.fixture("tiny-b.case.safetensors"), "--out", out,
                                          "--isa", "all"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("within tolerance on generic kernels"))
        for table in ["generic", "avx2", "avx512"] {
            let file = dir.appendingPathComponent("out.\(table).safetensors").path
            let ran = result.stdout.contains("within tolerance on \(table) kernels")
            #expect(ran || result.stdout.contains("verify: \(table) kernels skipped"), "\(table): \(result.stdout)")
            #expect(FileManager.default.fileExists(atPath: file) == ran, "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A Hugging Face folder and transformers' own outputs for it (Fixtures/hf-v5.case.safetensors
    /// holds no gradients: the forward tensors alone are compared).
    @Test(arguments: ["hf-v5", "hf-v4"])
    func huggingFaceCasePasses(_ name: String) throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture(name),
                                          "--case", SourceTree.fixture(name + ".case.safetensors"),
                                          "--out", dir.appendingPathComponent("out.safetensors").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("verify: 5 tensors within tolerance"), "\(result.stdout)")
    }

    @Test func fixtureCasePassesAndWritesEveryOutput() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.safetensors").path
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture("tiny-a.model.safetensors"),
                                          "--case", SourceTree.fixture("tiny-a.case.safetensors"), "--out", out])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for name in ["latent", "pred", "mask", "ids_restore", "loss"] {
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            #expect(line?.hasSuffix("ok") == true, "\(name): \(line ?? "missing")")
        }
        #expect(result.stdout.contains("adamw_step1.blocks.0.attn.qkv.weight"))
        #expect(result.stdout.contains("grad.decoder_pred.weight"))
        // 5 forward outputs, then grad.<name> and adamw_step1.<name> for the 48 trainable tensors.
        #expect(result.stdout.contains("verify: 101 tensors within tolerance"))
        #expect(result.stdout.contains("within tolerance"))

        let header = try SourceTree.header(out)
        func entry(_ name: String) -> [String: Any]? { header[name] as? [String: Any] }
        // tiny-a: N 2, L 16, keep 4, D 64, P 192.
        #expect(entry("latent")?["shape"] as? [Int] == [2, 5, 64])
        #expect(entry("pred")?["shape"] as? [Int] == [2, 16, 192])
        #expect(entry("mask")?["shape"] as? [Int] == [2, 16])
        #expect(entry("ids_restore")?["dtype"] as? String == "I64")
        #expect(entry("loss")?["shape"] as? [Int] == [1])
        #expect(entry("adamw_step1.cls_token")?["shape"] as? [Int] == [1, 1, 64])
        #expect(entry("adamw_step1.pos_embed") == nil)
        #expect(entry("grad.patch_embed.proj.weight")?["shape"] as? [Int] == [64, 3, 8, 8])
        #expect(entry("grad.decoder_pos_embed") == nil)
    }

    @Test func normPixCasePasses() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture("tiny-b.model.safetensors"),
                                          "--case", SourceTree.fixture("tiny-b.case.safetensors"),
                                          "--out", dir.appendingPathComponent("b.safetensors").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// A different mask ratio keeps a different number of patches: the outputs must not match.
    @Test func wrongRatioFailsWithExitOne() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture("tiny-a.model.safetensors"),
                                          "--case", SourceTree.fixture("tiny-a.case.safetensors"), "--mask-ratio", "0.5",
                                          "--out", dir.appendingPathComponent("o.safetensors").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("latent"))
        #expect(result.stdout.contains("FAIL"))
    }

    @Test func caseOfAnotherModelIsAOneLineError() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let casePath = SourceTree.fixture("tiny-b.case.safetensors")
        let result = try MaexProcess.run(["verify", "--model", SourceTree.fixture("tiny-a.model.safetensors"),
                                          "--case", casePath, "--out", dir.appendingPathComponent("o.safetensors").path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("maex: \(casePath): tensor 'input.imgs' has shape [3, 3, 48, 48]"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func missingModelFileIsAOneLineError() throws {
        let result = try MaexProcess.run(["verify", "--model", "/nonexistent/m.safetensors",
                                          "--case", SourceTree.fixture("tiny-a.case.safetensors"), "--out", "/tmp/x"])
        #expect(result.status == 1)
        #expect(result.stderr == "maex: /nonexistent/m.safetensors: cannot open: No such file or directory\n")
    }

    @Test func modelIsRequired() throws {
        let result = try MaexProcess.run(["verify", "--case", "c", "--out", "o"])
        #expect(result.status == 64)
    }
}


@Suite struct VerifyComparisonTests {
    @Test func relativeErrorIsScaledByTheLargestExpectedMagnitude() {
        #expect(CaseVerifier.relativeError([1, 2, 4.5], [1, 2, 4]) == 0.125)
        #expect(CaseVerifier.relativeError([0, 0], [0, 0]) == 0)
        #expect(CaseVerifier.relativeError([.nan, 1], [.nan, 1]) == 0)
        #expect(CaseVerifier.relativeError([.nan, 1], [0, 1]).isNaN)
        #expect(CaseVerifier.relativeError([1, 1], [.nan, 1]).isNaN)
    }

    @Test func adamwChangeForgivesOneUlpOfTheStoredWeight() {
        let start: [Float] = [1, -2]
        // A pure weight-decay step of 5e-5 · p, off by one float32 ulp of the weight: agreement.
        let want: [Float] = [1 - 5e-5, -2 + 1e-4]
        let got: [Float] = [want[0].nextUp, want[1]]
        #expect(CaseVerifier.relativeError(got, want, start: start) == 0)
        // Ten ulps off is an optimizer error (here ≈ 1e-2 of the change).
        var far = want[0]
        for _ in 0..<10 { far = far.nextUp }
        #expect(CaseVerifier.relativeError([far, want[1]], want, start: start) > 1e-3)
    }
}
