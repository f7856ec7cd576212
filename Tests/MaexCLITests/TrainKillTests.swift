import Foundation
import MAE
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `maex train --save-every 1` killed with SIGKILL at random moments: every `--resume` starts,
/// and metrics.jsonl ends with each step once.
@Suite struct TrainKillTests {
    /// A `maex` child whose stdout is collected as it comes.
    final class Child: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var out = "", err = ""
        private let done = DispatchGroup()

        init(_ arguments: [String]) throws {
            process.executableURL = MaexProcess.executable
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            let outPipe = Pipe(), errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            try process.run()
            for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
                done.enter()
                DispatchQueue.global().async { [self] in
                    let handle = pipe.fileHandleForReading
                    while case let data = handle.availableData, !data.isEmpty {
                        let text = String(decoding: data, as: UTF8.self)
                        lock.withLock { if isOut { out += text } else { err += text } }
                    }
                    done.leave()
                }
            }
        }

        var stdout: String { lock.withLock { out } }
        var stderr: String { lock.withLock { err } }

        /// Polls until `condition` holds or the child exits; false past the deadline.
        func wait(seconds: Double = 60, until condition: (Child) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(self) { return true }
                if !process.isRunning { return condition(self) }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return false
        }

        func kill() {
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            done.wait()
        }
    }

    static func stepLines(_ f: TrainCommandTests.Folders) throws -> [Int] {
        try f.metrics().filter { $0["event"] == nil }.compactMap { $0["step"] as? Int }
    }

    @Test func killedRunsResumeWithNoStepTwice() throws {
        let f = try TrainCommandTests.Folders()
        defer { f.remove() }
        var random = SeededGenerator(seed: 14)
        let common = ["--steps", "1000000", "--log-every", "1", "--save-every", "1"]
        var resumedAt: [Int] = []
        for trial in 0..<9 {
            let child = try Child(trial == 0
                ? ["train", "--data", f.data, "--run", f.run, "--config", TrainCommandTests.tinyModel, "--batch", "2",
                   "--threads", "1"] + common
                : ["train", "--run", f.run, "--resume"] + common)
            defer { child.kill() }
            if trial == 0 {
                // Kill a new run only once it has a checkpoint: before, there is nothing to resume.
                let saved = child.wait { _ in (try? f.metrics().contains { $0["event"] as? String == "checkpoint" }) == true }
                try #require(saved, "no checkpoint within a minute: \(child.stderr)")
            } else {
                let started = child.wait { $0.stdout.contains("resuming at step") }
                try #require(started, "trial \(trial): the resume did not start: \(child.stderr)")
                let header = child.stdout.split(separator: "\n").first { $0.contains("resuming at step") } ?? ""
                resumedAt.append(Int(header.split(separator: "resuming at step ").last?.prefix { $0.isNumber } ?? "") ?? -1)
            }
            // A random moment within the next few steps (each writes a metrics line and saves).
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.15, using: &random))
            child.kill()
        }
        #expect(resumedAt.count == 8 && resumedAt.allSatisfy { $0 >= 1 }, "\(resumedAt)")
        #expect(resumedAt == resumedAt.sorted(), "a resume went back before an earlier one: \(resumedAt)")

        let reached = try #require(try Self.stepLines(f).max())
        let last = try MaexProcess.run(["train", "--run", f.run, "--resume", "--steps", String(reached + 3), "--log-every", "1"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(last.stdout.contains("resuming at step"))
        #expect(try Self.stepLines(f) == Array(1...(reached + 3)))
        let files = try FileManager.default.contentsOfDirectory(atPath: f.run)
        #expect(!files.contains { $0.hasSuffix(".next") }, "\(files)")
    }
}
