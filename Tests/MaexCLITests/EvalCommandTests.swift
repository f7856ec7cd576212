import Foundation
import Testing

@Suite struct EvalCommandTests {
    static let model = SourceTree.fixture("tiny-a.model.safetensors")

    /// Two small images of other formats (the Imaging tests' data, found from this file's path),
    /// one in a subfolder, plus a text file (ignored) and a broken PNG (skipped with a warning).
    static func dataFolder() throws -> URL {
        let dir = try SourceTree.temporaryDirectory()
        let fm = FileManager.default
        let formats = SourceTree.root.appendingPathComponent("Tests/ImagingTests/Data/formats")
        try fm.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.copyItem(at: formats.appendingPathComponent("baseline444.jpg"), to: dir.appendingPathComponent("a.jpg"))
        try fm.copyItem(at: formats.appendingPathComponent("rgb8.png"), to: dir.appendingPathComponent("sub/b.png"))
        try Data("not an image\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        try Data("junk".utf8).write(to: dir.appendingPathComponent("broken.png"))
        return dir
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// (mean, std, values) of `object[method][metric]`.
    static func summary(_ object: [String: Any], _ method: String, _ metric: String) throws -> (Double, Double, [Double]) {
        let m = try #require(object[method] as? [String: Any], "\(method)")
        let s = try #require(m[metric] as? [String: Any], "\(method).\(metric)")
        return (try #require(s["mean"] as? Double), try #require(s["std"] as? Double), try #require(s["values"] as? [Double]))
    }

    @Test func jsonShapeFiniteNumbersAndReproducible() throws {
        let dir = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["eval", "--model", Self.model, "--data", dir.path, "--seeds", "3", "--json"]
        let first = try MaexProcess.run(args)
        let second = try MaexProcess.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("warning: skipped") && first.stderr.contains("broken.png"), "\(first.stderr)")
        #expect(first.stdout == second.stdout, "two runs with the same seeds differ")

        let object = try Self.json(first.stdout)
        #expect(object["strategy"] as? String == "random")
        #expect(object["seeds"] as? Int == 3)
        #expect(object["first_seed"] as? Int == 0)
        #expect(object["requested_ratio"] as? Double == 0.75)
        #expect(object["mask_ratio"] as? Double == 0.75)
        #expect(object["masked_patches"] as? [Int] == [12, 12, 12])   // tiny-a: 32 px, patch 8, 16 patches
        #expect((object["config"] as? [String: Any])?["img_size"] as? Int == 32)
        #expect(object["leaks_masked_statistics"] as? Bool == false)
        let skipped = try #require(object["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1 && (skipped.first?["image"] as? String)?.hasSuffix("broken.png") == true)

        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.map { $0["label"] as? String } == ["a.jpg", "sub/b.png"])
        #expect(images.first?["width"] as? Int == 40 && images.first?["height"] as? Int == 24)
        var imageMeans: [String: [Double]] = [:]
        for image in images {
            for method in ["model", "mean_fill", "interpolation"] {
                let (psnrMean, psnrStd, psnr) = try Self.summary(image, method, "psnr_db")
                let (mseMean, _, mse) = try Self.summary(image, method, "masked_mse")
                #expect(psnr.count == 3 && mse.count == 3)
                #expect(psnr.allSatisfy { $0.isFinite && $0 > 0 } && mse.allSatisfy { $0 > 0 && $0 < 1 })
                #expect(abs(psnrMean - psnr.reduce(0, +) / 3) < 1e-9 && abs(mseMean - mse.reduce(0, +) / 3) < 1e-12)
                let sampleStd = (psnr.map { ($0 - psnrMean) * ($0 - psnrMean) }.reduce(0, +) / 2).squareRoot()
                #expect(abs(psnrStd - sampleStd) < 1e-9)
                for (p, m) in zip(psnr, mse) {
                    if method == "model" {
                        // Visible pixels pass through normalisation and back: equal to float rounding.
                        #expect(p >= 10 * log10(1 / (0.75 * m)) - 1e-3)
                    } else {
                        // A baseline keeps the visible quarter exact: whole MSE = 0.75 · hidden MSE.
                        #expect(abs(p - 10 * log10(1 / (0.75 * m))) < 1e-6)
                    }
                }
                imageMeans[method, default: []].append(psnrMean)
            }
        }
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(overall["images"] as? Int == 2)
        for method in ["model", "mean_fill", "interpolation"] {
            let (mean, std, perSeed) = try Self.summary(overall, method, "psnr_db")
            #expect(abs(mean - (imageMeans[method] ?? []).reduce(0, +) / 2) < 1e-9)
            #expect(perSeed.count == 3 && std.isFinite && std >= 0)
        }
    }

    @Test func sameMaskAndScoresAsReconstruct() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = SourceTree.asset("images/coffee.png")
        let eval = try MaexProcess.run(["eval", "--model", Self.model, "--data", image, "--seeds", "1", "--first-seed", "4",
                                        "--strategy", "block", "--ratio", "0.5", "--json"])
        let reconstruct = try MaexProcess.run(["reconstruct", image, "-o", dir.appendingPathComponent("fig.png").path,
                                               "--model", Self.model, "--seed", "4", "--strategy", "block", "--ratio", "0.5", "--json"])
        #expect(eval.status == 0 && reconstruct.status == 0, "\(eval.stderr)\(reconstruct.stderr)")
        let e = try Self.json(eval.stdout), r = try Self.json(reconstruct.stdout)
        let image0 = try #require((e["images"] as? [[String: Any]])?.first)
        #expect(image0["label"] as? String == "coffee.png")
        let (psnr, _, _) = try Self.summary(image0, "model", "psnr_db")
        let (mse, std, _) = try Self.summary(image0, "model", "masked_mse")
        #expect(abs(psnr - (try #require(r["psnr_db"] as? Double))) < 1e-9)
        #expect(abs(mse - (try #require(r["masked_mse"] as? Double))) < 1e-12)
        #expect(std == 0)
        #expect(e["masked_patches"] as? [Int] == [r["masked_patches"] as? Int ?? -1])
    }

    @Test func textTableAndSeedsThatMove() throws {
        let image = SourceTree.asset("images/chelsea.png")
        let base = ["eval", "--model", Self.model, "--data", image, "--seeds", "2"]
        let text = try MaexProcess.run(base + ["--strategy", "grid"])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("model: ") == true)
        #expect(text.stdout.contains("mask: grid, 12 of 16 patches hidden"))
        let header = try #require(lines.first { $0.hasPrefix("image ") })
        for column in ["model PSNR", "mean fill PSNR", "interpolation PSNR", "model MSE", "mean fill MSE", "interpolation MSE"] {
            #expect(header.contains(column), "\(column)")
        }
        let row = try #require(lines.first { $0.hasPrefix("chelsea.png ") })
        let overall = try #require(lines.first { $0.hasPrefix("overall (1) ") })
        // Columns line up: every row of the table has the header's length.
        #expect(row.count == header.count && overall.count == header.count, "\n\(header)\n\(row)\n\(overall)")
        #expect(row.contains(" ± "))
        // Grid masks do not depend on the seed: no spread.
        #expect(row.contains("± 0.00"))
        #expect(text.stdout.contains("model − mean fill:"))

        let a = try Self.json(try MaexProcess.run(base + ["--json"]).stdout)
        let b = try Self.json(try MaexProcess.run(base + ["--json", "--first-seed", "2"]).stdout)
        let valuesA = try Self.summary(try #require((a["images"] as? [[String: Any]])?.first), "interpolation", "masked_mse").2
        let valuesB = try Self.summary(try #require((b["images"] as? [[String: Any]])?.first), "interpolation", "masked_mse").2
        #expect(valuesA != valuesB)
        #expect(b["first_seed"] as? Int == 2)
    }

    @Test func clearErrors() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try MaexProcess.run(["eval", "--model", Self.model, "--data", dir.path + "/nothing"])
        #expect(missing.status == 1 && missing.stderr.contains("nothing: no such file or folder"), "\(missing.stderr)")

        let empty = try MaexProcess.run(["eval", "--model", Self.model, "--data", dir.path])
        #expect(empty.status == 1 && empty.stderr.contains("empty"), "\(empty.stderr)")

        try Data("junk".utf8).write(to: dir.appendingPathComponent("x.jpg"))
        let broken = try MaexProcess.run(["eval", "--model", Self.model, "--data", dir.path])
        #expect(broken.status == 1, "\(broken.stderr)")
        #expect(broken.stderr.contains("none of the 1 image file could be decoded"), "\(broken.stderr)")
        #expect(broken.stdout.isEmpty)

        let badSeeds = try MaexProcess.run(["eval", "--model", Self.model, "--data", dir.path, "--seeds", "0"])
        #expect(badSeeds.status == 64 && badSeeds.stderr.contains("--seeds"))
        let badRatio = try MaexProcess.run(["eval", "--data", dir.path, "--ratio", "1.5"])
        #expect(badRatio.status == 64 && badRatio.stderr.contains("--mask-ratio"))
        let badModel = try MaexProcess.run(["eval", "--model", dir.path + "/x.jpg", "--data", dir.path])
        #expect(badModel.status == 1 && badModel.stderr.contains("x.jpg"))
    }
}
