import Foundation
import MAE
import Testing

/// `maex train` end to end on a temporary folder of two small images, with a model small
/// enough that a debug build trains a step in milliseconds.
@Suite struct TrainCommandTests {
    static let tinyModel = #"{"img_size": 16, "patch_size": 4, "embed_dim": 16, "depth": 1, "num_heads": 2, "#
        + #""decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2}"#

    /// A folder holding two sample images (and whatever `extra` adds), and a run path beside it.
    struct Folders {
        let root: String
        var data: String { root + "/data" }
        var run: String { root + "/run" }

        init(extra: [String: [UInt8]] = [:]) throws {
            root = NSTemporaryDirectory() + "maex-train-cli-\(UUID().uuidString)"
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/data/sub", withIntermediateDirectories: true)
            let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Assets/images").path
            try fm.copyItem(atPath: assets + "/text.png", toPath: root + "/data/text.png")
            try fm.copyItem(atPath: assets + "/coins.png", toPath: root + "/data/sub/coins.PNG")
            for (name, bytes) in extra { try Data(bytes).write(to: URL(fileURLWithPath: root + "/data/" + name)) }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        func metrics() throws -> [[String: Any]] {
            try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        }

        /// The safetensors header's metadata of a file in the run folder.
        func metadata(_ name: String) throws -> [String: String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: run + "/" + name))
            let length = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
            let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
            return header["__metadata__"] as? [String: String] ?? [:]
        }
    }

    static func train(_ f: Folders, _ extra: [String]) throws -> MaexProcess.Result {
        try MaexProcess.run(["train", "--data", f.data, "--run", f.run, "--config", tinyModel, "--batch", "2",
                             "--threads", "1"] + extra)
    }

    /// The Training module's errors speak of folders; the command adds the flags that fix them.
    @Test func errorsNameTheFlagsThatFixThem() throws {
        let f = try Folders()
        defer { f.remove() }
        let notAFolder = try MaexProcess.run(["train", "--data", f.data + "/text.png", "--run", f.run, "--config",
                                              Self.tinyModel, "--steps", "1"])
        #expect(notAFolder.status == 1 && notAFolder.stderr.contains("not a folder")
                && notAFolder.stderr.contains("--data takes a folder of PNG or JPEG images"), "\(notAFolder.stderr)")
        #expect(try Self.train(f, ["--steps", "1"]).status == 0)
        let again = try Self.train(f, ["--steps", "1"])
        #expect(again.status == 1 && again.stderr.contains("already holds a run")
                && again.stderr.contains("--resume continues it"), "\(again.stderr)")
    }

    /// `--init` starts from a model's weights (copied, with a schedule of its own) and records
    /// the file in config.json; it is refused beside a model config or a resume.
    @Test func initStartsFromAModelsWeights() throws {
        let f = try Folders()
        defer { f.remove() }
        // A model whose weights are nothing like a seed-0 start: seed 5.
        #expect(try Self.train(f, ["--steps", "2", "--seed", "5"]).status == 0)
        let start = f.root + "/start.safetensors"
        try FileManager.default.moveItem(atPath: f.run + "/checkpoint.safetensors", toPath: start)
        try FileManager.default.removeItem(atPath: f.run)
        let before = try SafeTensors.read(path: start).floats("decoder_pred.weight")
        let result = try MaexProcess.run(["train", "--data", f.data, "--run", f.run, "--init", start, "--batch", "2",
                                          "--threads", "1", "--steps", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("weights: from \(start)"), "\(result.stdout)")
        let config = try String(contentsOfFile: f.run + "/config.json", encoding: .utf8)
        #expect(config.contains("\"weights\"") && config.contains("start.safetensors"), "\(config)")
        let after = try SafeTensors.read(path: f.run + "/checkpoint.safetensors").floats("decoder_pred.weight")
        let moved = zip(before, after).map { abs($0 - $1) }.max() ?? .infinity
        let scale = before.map { abs($0) }.max() ?? 0
        #expect(moved < 0.05 * scale, "two small steps moved the weights by \(moved) of \(scale)")
        #expect(try SafeTensors.read(path: start).floats("decoder_pred.weight") == before, "the --init file is not written")
        for extra in [["--preset", "tiny"], ["--resume"]] {
            let refused = try MaexProcess.run(["train", "--data", f.data, "--run", f.run, "--init", start] + extra)
            #expect(refused.status == 64 && refused.stderr.contains("--init"), "\(extra): \(refused.stderr)")
        }
    }

    @Test func trainsAndWritesTheRunFolder() throws {
        let f = try Folders()
        defer { f.remove() }
        let result = try Self.train(f, ["--steps", "6", "--log-every", "2", "--save-every", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["config.json", "metrics.jsonl", "checkpoint.safetensors", "optimizer.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: f.run + "/" + name), "\(name)")
        }
        // Plain lines when stdout is not a terminal: one per log interval, no carriage returns.
        let progress = result.stdout.split(separator: "\n").filter { $0.hasPrefix("step ") }
        #expect(progress.count == 3)
        #expect(progress.last?.contains("step 6/6") == true)
        for field in ["epoch ", "loss ", "lr ", "img/s", "ETA "] { #expect(progress[0].contains(field), "\(field)") }
        #expect(!result.stdout.contains("\r"))
        #expect(result.stdout.contains("data wait:"))

        let lines = try f.metrics()
        #expect(lines.filter { $0["event"] == nil }.map { $0["step"] as? Int } == [2, 4, 6])
        let checkpoints = lines.filter { $0["event"] as? String == "checkpoint" }
        #expect(checkpoints.map { $0["step"] as? Int } == [4, 6])
        #expect(checkpoints.map { $0["trigger"] as? String } == ["save_every", "end"])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.run + "/config.json"))) as! [String: Any]
        #expect((config["model"] as? [String: Any])?["embed_dim"] as? Int == 16)
        #expect((config["training"] as? [String: Any])?["batch_size"] as? Int == 2)
        #expect(try f.metadata("checkpoint.safetensors")["mae.config"] != nil)
        #expect(try f.metadata("optimizer.safetensors")["step"] == "6")
    }

    @Test func resumeContinuesToTheLongerLength() throws {
        let f = try Folders()
        defer { f.remove() }
        #expect(try Self.train(f, ["--steps", "3", "--log-every", "1"]).status == 0)
        let refused = try Self.train(f, ["--steps", "5"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--resume"))
        let changed = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", "5", "--batch", "4"])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("--batch"))

        let resumed = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", "5", "--log-every", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming at step 3"))
        let steps = try f.metrics().filter { $0["event"] == nil }.compactMap { $0["step"] as? Int }
        #expect(steps == [1, 2, 3, 4, 5])
        #expect(try f.metadata("optimizer.safetensors")["step"] == "5")
    }

    @Test func corruptFilesAreSkippedWithAWarningAndACount() throws {
        let f = try Folders(extra: ["broken.png": Array("not an image".utf8), "notes.txt": [1, 2]])
        defer { f.remove() }
        let result = try Self.train(f, ["--steps", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("broken.png"))
        #expect(result.stdout.contains("skipped 1 file"))
        #expect(try f.metrics().contains { $0["event"] as? String == "skipped" && ($0["file"] as? String)?.hasSuffix("broken.png") == true })
    }

    @Test(arguments: ["empty", "text"])
    func unusableDataFoldersAreClearErrors(kind: String) throws {
        let root = NSTemporaryDirectory() + "maex-train-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        if kind == "text" { try Data("hello".utf8).write(to: URL(fileURLWithPath: root + "/data/readme.txt")) }
        let result = try MaexProcess.run(["train", "--data", root + "/data", "--run", root + "/run", "--steps", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(root + "/data"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        for args in [["--run", "/tmp/x"], ["--data", "/tmp", "--run", "/tmp/x", "--batch", "0"],
                     ["--data", "/tmp", "--run", "/tmp/x", "--steps", "5", "--epochs", "2"],
                     ["--data", "/tmp", "--run", "/tmp/x", "--strategy", "spiral"],
                     ["--data", "/tmp", "--run", "/tmp/x", "--preset", "enormous"],
                     ["--data", "/tmp", "--run", "/tmp/x", "--config", #"{"embed_dims": 8}"#]] {
            let result = try MaexProcess.run(["train"] + args)
            #expect(result.status == 64, "\(args): \(result.stderr)")
        }
    }

    /// Ctrl-C finishes the current step, saves, says where, and exits 0.
    @Test func interruptSavesAndExitsZero() throws {
        let f = try Folders()
        defer { f.remove() }
        let process = Process()
        process.executableURL = MaexProcess.executable
        process.arguments = ["train", "--data", f.data, "--run", f.run, "--config", Self.tinyModel, "--batch", "2",
                             "--threads", "1", "--steps", "1000000", "--log-every", "1", "--save-every", "1000000"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("step ") && Date() < deadline {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        process.interrupt()
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errText)")
        #expect(text.contains("stopped at step"))
        #expect(text.contains(f.run + "/checkpoint.safetensors"))
        let saved = try #require(Int(try f.metadata("optimizer.safetensors")["step"] ?? ""))
        #expect(text.contains("stopped at step \(saved);"))
    }
}
