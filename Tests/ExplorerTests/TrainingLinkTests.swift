import Foundation
import Imaging
import MAE
import Testing
@testable import Explorer
@testable import Training

/// The explorer's link to a trainer in this process, on a tiny model (16 px, one block), with
/// the reducer between them as the UI loop has it. Serialized: the trainer sets the
/// process-wide BLAS thread count.
@Suite(.serialized) struct TrainingLinkTests {
    static let model = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                                 decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)

    /// A folder with two 24-pixel images in data/ and a run folder to be.
    struct Folder {
        let path = NSTemporaryDirectory() + "maex-link-\(UUID().uuidString)"
        var data: String { path + "/data" }
        var run: RunDirectory { RunDirectory(path: path + "/run") }

        init() throws {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            for (i, fill) in [(Float(0.2), Float(0.4), Float(0.6)), (0.8, 0.3, 0.1)].enumerated() {
                try encodePNG(RGBImage(width: 24, height: 24, fill: fill), toPath: data + "/\(i).png")
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: path) }

        func maker(steps: Int) -> TrainingLink.Maker {
            var options = TrainingOptions()
            options.batchSize = 2
            options.steps = steps
            options.warmupSteps = 1
            options.threads = 1
            let data = self.data, run = self.run
            return { onEvent in
                Trainer(session: try TrainingSession.fresh(data: data, model: TrainingLinkTests.model, options: options, run: run),
                        onEvent: onEvent)
            }
        }
    }

    /// The explorer's state with a run started on `link`, and a poll loop like the UI's.
    struct Screen {
        var state: ExplorerState
        let link: TrainingLink
        let start = Date()

        init(link: TrainingLink) {
            self.link = link
            state = ExplorerState(model: ModelSummary(name: "tiny", imageSide: 16, patchSize: 4, parameterCount: 1), images: [])
            _ = Fixture.reducer.reduce(&state, .trainingStarted(link.view))
        }

        mutating func send(_ event: ExplorerEvent) -> [ExplorerEffect] { Fixture.reducer.reduce(&state, event) }

        /// Carries out the training effects as the shell does.
        mutating func perform(_ effects: [ExplorerEffect]) {
            for case .training(let action) in effects {
                if let event = link.perform(action) { perform(send(event)) }
            }
        }

        /// Polls until `done` holds or 30 s pass.
        mutating func poll(until what: String, _ done: (ExplorerState) -> Bool) throws {
            let deadline = Date().addingTimeInterval(30)
            while !done(state) && Date() < deadline {
                perform(send(.trainingPolled(link.poll(now: Date().timeIntervalSince(start)))))
                Thread.sleep(forTimeInterval: 0.005)
            }
            try #require(done(state), "waited 30 s for \(what); message: \(state.message ?? "none")")
        }
    }

    /// A save asked for while paused fails: the screen says why instead of "saving a
    /// checkpoint…" for ever, and the run stays paused.
    @Test func aFailedSaveWhilePausedIsShown() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let link = try TrainingLink.start(folder.maker(steps: 1000), wakeFD: -1)
        defer { link.trainer.stop() }  // a failed wait must not leave it training
        var screen = Screen(link: link)
        screen.perform(screen.send(.key(.character("T"))))
        try screen.poll(until: "the pause") { $0.training?.live.phase?.hasPrefix("paused at step") == true }
        // The checkpoint is written to <name>.next first: a folder there makes the save fail.
        try FileManager.default.createDirectory(atPath: folder.run.checkpointPath + ".next/in-the-way",
                                                withIntermediateDirectories: true)
        screen.perform(screen.send(.key(.character("w"))))
        #expect(screen.state.message == "saving a checkpoint…")
        try screen.poll(until: "the failed save to be shown") { $0.message != "saving a checkpoint…" }
        #expect(screen.state.message?.contains("not saved") == true, "\(screen.state.message ?? "")")
        #expect(screen.state.message?.contains(folder.run.checkpointPath) == true, "\(screen.state.message ?? "")")
        #expect(screen.state.training?.live.phase?.hasPrefix("paused") == true)
        #expect(screen.state.training?.running == true)

        try? FileManager.default.removeItem(atPath: folder.run.checkpointPath + ".next")
        screen.perform(screen.send(.key(.character("q"))))
        try screen.poll(until: "the trainer to save and end") { $0.quit }
        #expect(FileManager.default.fileExists(atPath: folder.run.checkpointPath))
    }

    /// The weights the worker gets move on with the steps, and `W` writes them as a model file
    /// that opens, also after the run has ended.
    @Test func theKeptWeightsFollowTheRunAndWWritesThem() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let link = try TrainingLink.start(folder.maker(steps: 6), wakeFD: -1)
        defer { link.trainer.stop() }
        var screen = Screen(link: link)
        let first = try #require(link.view.weights.latest(), "no weights kept at the start")
        #expect(first.step == 0)
        try screen.poll(until: "the run to complete") { $0.training?.running == false }
        #expect(screen.state.training?.live.phase == "finished at step 6")
        let last = try #require(link.view.weights.latest())
        #expect(last.step == 6)
        // The kept copy is the trained model, not the start: they differ.
        #expect(last.model.weights() != first.model.weights())

        screen.perform(screen.send(.key(.character("W"))))
        let message = try #require(screen.state.message)
        #expect(message.hasPrefix("wrote the weights to ") && message.hasSuffix("weights-step-6.safetensors"), "\(message)")
        let written = try Checkpoint.load(path: folder.run.path + "/weights-step-6.safetensors")
        #expect(written.config == Self.model)
        let a = last.model.weights(), b = written.weights()
        // F16: within half a unit in the 11th bit.
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= abs($0) / 1024 + 1e-7 })
    }
}
