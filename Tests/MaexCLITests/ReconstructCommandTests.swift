import Foundation
import Testing

@Suite struct ReconstructCommandTests {
    /// Width and height from a PNG's IHDR chunk, after checking the signature.
    static func pngSize(_ path: String) throws -> (Int, Int)? {
        let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard b.count > 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], b[12..<16] == [0x49, 0x48, 0x44, 0x52]
        else { return nil }
        func be(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func writesTheFigureAndJSONScores() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fig = dir.appendingPathComponent("fig.png").path
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/astronaut.png"), "-o", fig,
                                          "--model", SourceTree.fixture("tiny-a.model.safetensors"), "--seed", "3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let object = try Self.json(result.stdout)
        // tiny-a: 32 px, patch 8, so 16 patches; ratio 0.75 hides 12.
        #expect(object["patches"] as? Int == 16)
        #expect(object["masked_patches"] as? Int == 12)
        #expect(object["mask_ratio"] as? Double == 0.75)
        #expect(object["strategy"] as? String == "random")
        #expect(object["norm_pix"] as? Bool == false)
        let mse = try #require(object["masked_mse"] as? Double)
        let psnr = try #require(object["psnr_db"] as? Double)
        #expect(mse > 0 && mse < 1)
        // Only the hidden 3/4 of the image differ, so the whole-image MSE is at most the masked one.
        #expect(psnr >= 10 * log10(1 / mse) - 1e-9)
        let (w, h) = try #require(try Self.pngSize(fig))
        // Four panels of 32 × 7 = 224 px plus margins; titles above.
        #expect(w > 4 * 224 && h > 224)
        #expect(object["figure_width"] as? Int == w)
    }

    @Test func sameSeedSameResultAndTextOutput() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["reconstruct", SourceTree.asset("images/coffee.png"), "--model", SourceTree.fixture("tiny-a.model.safetensors"),
                    "--strategy", "block", "--ratio", "0.5", "--seed", "9", "--verbose"]
        let a = try MaexProcess.run(args + ["-o", dir.appendingPathComponent("a.png").path])
        let b = try MaexProcess.run(args + ["-o", dir.appendingPathComponent("b.png").path])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout.contains("mask: block, 8 of 16 patches hidden"))
        #expect(a.stdout.contains("masked-patch MSE"))
        #expect(a.stdout.contains("PSNR"))
        #expect(a.stdout.contains("reconstruction took"))
        let scores = { (s: String) in s.split(separator: "\n").first { $0.hasPrefix("masked-patch") } }
        #expect(scores(a.stdout) == scores(b.stdout))
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.png")) == Data(contentsOf: dir.appendingPathComponent("b.png")))
    }

    @Test func maskFileChoosesThePatches() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let maskPath = dir.appendingPathComponent("mask.txt").path
        try "#.#.\n....\n#.#.\n....\n".write(toFile: maskPath, atomically: true, encoding: .utf8)
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/camera.png"), "-o",
                                          dir.appendingPathComponent("f.png").path, "--model",
                                          SourceTree.fixture("tiny-a.model.safetensors"), "--mask-file", maskPath, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result.stdout)
        #expect(object["masked_patches"] as? Int == 4)
        #expect(object["strategy"] as? String == "file")

        try "1111 0000 1111 00000".write(toFile: maskPath, atomically: true, encoding: .utf8)
        let bad = try MaexProcess.run(["reconstruct", SourceTree.asset("images/camera.png"), "-o",
                                       dir.appendingPathComponent("g.png").path, "--model",
                                       SourceTree.fixture("tiny-a.model.safetensors"), "--mask-file", maskPath])
        #expect(bad.status == 1)
        #expect(bad.stderr == "maex: \(maskPath): expected one line of 16 patches or 4 lines of 4 (the model's 4 × 4 grid), found one line of 17\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("g.png").path))
    }

    @Test func normPixModelSaysItLeaks() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/chelsea.png"), "-o",
                                          dir.appendingPathComponent("f.png").path,
                                          "--model", SourceTree.fixture("tiny-b.model.safetensors")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("leaks information from the hidden patches"))
    }

    @Test func defaultModelComesFromMAEXAssets() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = dir.appendingPathComponent("assets/models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SourceTree.fixture("tiny-a.model.safetensors"),
                                         toPath: models.appendingPathComponent("maex-tiny.safetensors").path)
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/coins.png"), "-o",
                                          dir.appendingPathComponent("f.png").path, "--json"],
                                         environment: ["MAEX_ASSETS": dir.appendingPathComponent("assets").path])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result.stdout)
        #expect((object["model"] as? String)?.hasSuffix("assets/models/maex-tiny.safetensors") == true)
        #expect(object["image_size"] as? Int == 32)
    }

    /// Only meaningful while the source tree ships no default model (the build lies inside it).
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: SourceTree.asset("models/maex-tiny.safetensors"))))
    func withoutAnyModelItWarnsAndUsesAnUntrainedOne() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/coins.png"), "-o",
                                          dir.appendingPathComponent("f.png").path, "--json"],
                                         environment: ["MAEX_ASSETS": dir.path])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("maex: warning: no model given and none installed"))
        let object = try Self.json(result.stdout)
        #expect(object["model"] as? String == "untrained tiny (seed 0)")
        #expect(object["image_size"] as? Int == 64)
    }

    @Test func badInputsAreOneLineErrors() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notImage = dir.appendingPathComponent("notes.png").path
        try "hello".write(toFile: notImage, atomically: true, encoding: .utf8)
        let model = SourceTree.fixture("tiny-a.model.safetensors")
        let a = try MaexProcess.run(["reconstruct", notImage, "-o", dir.appendingPathComponent("f.png").path, "--model", model])
        #expect(a.status == 1)
        #expect(a.stderr.hasPrefix("maex: \(notImage): "))
        #expect(a.stderr.split(separator: "\n").count == 1)

        let b = try MaexProcess.run(["reconstruct", SourceTree.asset("images/coins.png"), "-o", "/nonexistent/dir/f.png",
                                     "--model", model])
        #expect(b.status == 1)
        #expect(b.stderr.contains("/nonexistent/dir/f.png"))

        let c = try MaexProcess.run(["reconstruct", SourceTree.asset("images/coins.png"), "-o", "f.png", "--ratio", "1.5"])
        #expect(c.status == 64)
        let d = try MaexProcess.run(["reconstruct", SourceTree.asset("images/coins.png"), "-o", "f.png", "--strategy", "diagonal"])
        #expect(d.status == 64)
    }

    @Test func helpDocumentsTheMaskFileFormat() throws {
        let result = try MaexProcess.run(["reconstruct", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("hides a patch"))
        #expect(result.stdout.contains("#.#."))
        #expect(result.stdout.contains("--mask-file"))
    }
}
