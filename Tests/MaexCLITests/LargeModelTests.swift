import Foundation
import MAE
import Testing

/// ViT-L/16 and ViT-H/14 at 224 px, random weights in the authors' names, through the commands a
/// person runs: the file loads, converts F16 to F32 once, keeps its resident memory within 1.5×
/// the weights' F32 size, and reconstructs. Gigabytes of disk and memory, minutes in a debug
/// build: opt-in with MAEX_TEST_LARGE=1 (`make test-large`).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MAEX_TEST_LARGE"] != nil,
                             "set MAEX_TEST_LARGE=1 (make test-large)"))
struct LargeModelTests {
    /// A model of `config` with cheap pseudo-random weights (LayerNorm weights 1), so that a
    /// forward pass runs on values of every sign; the sin-cos tables stay as they are.
    static func randomModel(_ config: MAEConfig) throws -> MAEModel {
        let model = try MAEModel(config: config)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for entry in model.table.entries where entry.trainable {
            let t = model.tensor(entry.name)
            let isNormWeight = entry.shape.count == 1 && entry.name.hasSuffix("weight")
            let scale = 1 / Float(entry.shape.last ?? 1).squareRoot()
            for i in 0..<t.count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = Float(state >> 40) / Float(1 << 24) - 0.5
                t[i] = isNormWeight ? 1 + 0.1 * u : scale * u
            }
        }
        return model
    }

    /// Runs maex under GNU time and returns its status, stderr and peak resident set in bytes.
    /// (The test process's own rusage of its children would count the copy of this large
    /// process that each fork briefly is.)
    static func peakResident(_ arguments: [String]) throws -> (status: Int32, stderr: String, peak: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "maxrss-kb %M", MaexProcess.executable.path] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = text.split(separator: "\n").last { $0.hasPrefix("maxrss-kb ") }
        let kb = line.flatMap { Int($0.dropFirst("maxrss-kb ".count)) } ?? 0
        return (process.terminationStatus, text, kb * 1024)
    }

    /// Writes the model, runs `maex info` and `maex reconstruct` on it, and checks the peak
    /// resident memory of the reconstruction against the weights' F32 size.
    func check(_ config: MAEConfig, name: String, storage: TensorDType, withConfig: Bool) throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        let f32Bytes: Int
        do {
            let model = try Self.randomModel(config)
            f32Bytes = model.table.count * 4
            if withConfig {
                try Checkpoint.save(model, to: path, storage: storage)
            } else {
                // The authors' names and nothing else, as safetensors.torch.save_file writes a state dict.
                try SafeTensors.write(model.table.entries.map { e in
                    SafeTensors.Tensor(name: e.name, shape: e.shape, floats: Array(model.tensor(e.name)), storage: storage)
                }, to: path)
            }
        }
        let info = try MaexProcess.run(["info", "--json", path])
        #expect(info.status == 0, "\(info.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        #expect(o?["kind"] as? String == "model")
        #expect((o?["config"] as? [String: Any])?["embed_dim"] as? Int == config.embedDim)

        let fig = dir.appendingPathComponent("fig.png").path
        let start = Date()
        let (status, stderr, peak) = try Self.peakResident(["reconstruct", SourceTree.asset("images/astronaut.png"), "-o", fig,
                                                            "--model", path])
        let seconds = Date().timeIntervalSince(start)
        #expect(status == 0, "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: fig))
        // The model alone is the F32 size: a peak below it means the measurement failed.
        #expect(peak > f32Bytes, "\(stderr)")
        let ratio = Double(peak) / Double(f32Bytes)
        print("\(name): \(storage.rawValue) file, weights \(f32Bytes / 1_000_000) MB as F32, reconstruct peak resident "
              + "\(peak / 1_000_000) MB = \(String(format: "%.2f", ratio))× in \(String(format: "%.1f", seconds)) s")
        #expect(ratio <= 1.5, "peak resident \(peak) bytes for \(f32Bytes) bytes of F32 weights")
    }

    @Test func vitLargeFromAnF32StateDict() throws {
        try check(.large, name: "mae_vit_large_patch16.safetensors", storage: .f32, withConfig: false)
    }

    @Test func vitHugeFromAnF16MaexFile() throws {
        try check(.huge, name: "mae_vit_huge_patch14.f16.safetensors", storage: .f16, withConfig: true)
    }
}
