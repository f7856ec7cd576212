import Foundation
import Testing

/// `maex bench` on a shrunk model: one JSON object on stdout with the reference's keys and
/// plausible numbers, progress on stderr, and usage errors for bad arguments.
@Suite struct BenchCommandTests {
    static let small = #"{"img_size": 16, "patch_size": 8, "embed_dim": 32, "depth": 1, "num_heads": 2, "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2}"#

    @Test func jsonHasTheReferenceKeysAndPlausibleNumbers() throws {
        let result = try MaexProcess.run(["bench", "--config", Self.small, "--batch", "2", "--steps", "2",
                                          "--runs", "3", "--threads", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let json = try #require(object)
        for key in ["train_images_per_s", "forward_ms", "forward_median_ms", "train_gflops", "sgemm_gflops"] {
            let value = json[key] as? Double ?? 0
            #expect(value > 0 && value.isFinite, "\(key) = \(String(describing: json[key]))")
        }
        #expect(json["threads"] as? Int == 1)
        #expect(json["batch"] as? Int == 2)
        #expect((json["forward_runs"] as? Int ?? 0) >= 3)
        #expect(["generic", "avx2", "avx512"].contains(json["isa"] as? String ?? ""), "\(json["isa"] ?? "no isa")")
        #expect(result.stderr.contains("maex bench:"))
    }

    /// MAEX_ISA forces the kernel table, and a table the CPU lacks is refused aloud.
    @Test func theKernelTableCanBeForced() throws {
        func isa(_ value: String) throws -> (String?, String) {
            let r = try MaexProcess.run(["bench", "--config", Self.small, "--only", "latency", "--runs", "1",
                                         "--threads", "1", "--json"], environment: ["MAEX_ISA": value])
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (json?["isa"] as? String, r.stderr)
        }
        #expect(try isa("generic").0 == "generic")
        let (best, note) = try isa("sse9")
        #expect(best != "sse9" && note.contains("MAEX_ISA=sse9 names no kernel table"), "\(note)")
    }

    @Test func textReportNamesEachMeasurement() throws {
        let result = try MaexProcess.run(["bench", "--config", Self.small, "--batch", "1", "--steps", "1",
                                          "--runs", "1", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        for word in ["training", "latency", "matmuls", "memory", "images/s", "GFLOP/s"] {
            #expect(result.stdout.contains(word), "\(word) missing from:\n\(result.stdout)")
        }
    }

    @Test(arguments: [["--batch", "0"], ["--steps", "0"], ["--threads", "0"], ["--runs", "0"],
                      ["--preset", "enormous"], ["--config", #"{"no_such_key": 1}"#], ["--only", "nothing"]])
    func badArgumentsAreUsageErrors(arguments: [String]) throws {
        let result = try MaexProcess.run(["bench"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }
}
