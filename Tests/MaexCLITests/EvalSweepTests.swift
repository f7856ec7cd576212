import Explorer
import Foundation
import Imaging
import MAE
import Pipeline
import Testing

/// `maex eval --sweep`: the ratio curve headless, as JSON, CSV and a PNG, and the same numbers
/// as the explorer's `%` chart.
@Suite struct EvalSweepTests {
    static let model = SourceTree.fixture("tiny-a.model.safetensors")
    static let image = SourceTree.asset("images/coffee.png")

    /// CSV rows by "strategy ratio method": the eight numbers after the method column.
    static func csvRows(_ text: String) throws -> [String: [Double?]] {
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "strategy,ratio,mask_ratio,method,psnr_db_mean,psnr_db_std,psnr_db_min,psnr_db_max,"
                + "masked_mse_mean,masked_mse_std,masked_mse_min,masked_mse_max")
        var rows: [String: [Double?]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try #require(cells.count == 12, "\(line)")
            rows["\(cells[0]) \(cells[1]) \(cells[3])"] = cells[4...].map { Double($0) }
        }
        return rows
    }

    @Test func jsonCSVAndPlotDescribeTheSameSweep() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plot = dir.appendingPathComponent("sweep.png").path
        let base = ["eval", "--sweep", "--model", Self.model, "--data", Self.image, "--seeds", "2"]
        let json = try MaexProcess.run(base + ["--json", "--plot", plot])
        let csv = try MaexProcess.run(base + ["--csv"])
        #expect(json.status == 0 && csv.status == 0, "\(json.stderr)\(csv.stderr)")
        let object = try EvalCommandTests.json(json.stdout)
        #expect(object["seeds"] as? Int == 2 && object["first_seed"] as? Int == 0)
        let sweep = try #require(object["sweep"] as? [[String: Any]])
        #expect(sweep.count == 39)
        #expect(sweep.map { $0["strategy"] as? String } == Array(repeating: "random", count: 19)
                + Array(repeating: "block", count: 19) + ["grid"])
        let rows = try Self.csvRows(csv.stdout)
        #expect(rows.count == 39 * 3)
        for entry in sweep {
            let strategy = try #require(entry["strategy"] as? String), ratio = try #require(entry["ratio"] as? Double)
            for method in ["model", "mean_fill", "interpolation"] {
                let m = try #require(entry[method] as? [String: Any], "\(method)")
                var fromJSON: [Double] = []
                for metric in ["psnr_db", "masked_mse"] {
                    let s = try #require(m[metric] as? [String: Any], "\(method).\(metric)")
                    let (mean, min, max) = (try #require(s["mean"] as? Double), try #require(s["min"] as? Double),
                                            try #require(s["max"] as? Double))
                    let std = try #require(s["std"] as? Double)
                    #expect(min <= mean + 1e-12 && mean <= max + 1e-12 && std >= 0, "\(strategy) \(ratio) \(method) \(metric)")
                    // Two seeds: the sample std is |a − b| / √2.
                    #expect(abs(std - (max - min) / 2.0.squareRoot()) < 1e-9)
                    fromJSON += [mean, std, min, max]
                }
                let row = try #require(rows["\(strategy) \(ratio) \(method)"], "\(strategy) \(ratio) \(method)")
                for (a, b) in zip(fromJSON, row) { #expect(abs(a - (b ?? .nan)) <= 1e-12 * max(1, abs(a))) }
            }
        }
        // The grid ignores the seed: one mask, no spread.
        let grid = try #require(rows["grid 0.75 model"])
        #expect(grid[1] == 0 && grid[2] == grid[3])

        let figure = try decodeImage(atPath: plot)
        #expect(figure.width == 960 && figure.height == 600)
        let text = try MaexProcess.run(base)
        #expect(text.stdout.contains("random 75%") && text.stdout.contains("grid 75%") && text.stdout.contains("model PSNR"))
    }

    /// The explorer's `%` chart asks its worker for each point with its default seeds; the numbers
    /// it gets are bit for bit those `maex eval --sweep` prints (CSV numbers read back exactly).
    @Test func theExplorersSweepAgreesExactlyWithEvalSweep() throws {
        let csv = try MaexProcess.run(["eval", "--sweep", "--model", Self.model, "--data", Self.image, "--csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = try Self.csvRows(csv.stdout)
        let engine = ModelEngine(model: try Checkpoint.load(path: Self.model))
        let seeds = SweepView(imageIndex: 0).seeds
        #expect(seeds == Array(0..<8))
        for (i, point) in RatioSweep.points.enumerated() {
            let outcome = engine.run(ReconstructionRequest(id: i, imageIndex: 0, path: Self.image, masks: [],
                                                           sweep: SweepRequest(point: point, seeds: seeds)))
            let result = try #require(try outcome.result.get().sweep)
            #expect(result.point == point)
            for method in FillingMethod.allCases {
                let p = try #require(result.psnr[method]), m = try #require(result.maskedMSE[method])
                let row = try #require(rows["\(point.strategy.rawValue) \(point.ratio) \(method.rawValue)"])
                #expect(row == [p.mean, p.std, p.min, p.max, m.mean, m.std, m.min, m.max].map { $0.isFinite ? $0 : nil },
                        "\(point) \(method)")
            }
        }
    }

    @Test func sweepOptionsThatDoNotGoTogether() throws {
        let base = ["eval", "--model", Self.model, "--data", Self.image]
        for (extra, says) in [(["--sweep", "--mask-ratio", "0.5"], "--sweep"), (["--sweep", "--strategy", "block"], "--sweep"),
                              (["--csv"], "--csv needs --sweep"), (["--plot", "x.png"], "--plot needs --sweep"),
                              (["--sweep", "--json", "--csv"], "choose one"), (["--sweep", "--plot", "x.jpg"], ".png")] {
            let r = try MaexProcess.run(base + extra)
            #expect(r.status == 64 && r.stderr.contains(says), "\(extra): \(r.stderr)")
        }
        let unwritable = try MaexProcess.run(base + ["--sweep", "--seeds", "1", "--plot", "/no/such/folder/x.png"])
        #expect(unwritable.status == 1 && unwritable.stderr.contains("--plot"), "\(unwritable.stderr)")
    }
}
