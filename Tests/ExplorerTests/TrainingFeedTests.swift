import Foundation
import Imaging
import MAE
import Testing
@testable import Explorer
@testable import Training

/// The live view's feed of a trainer in this process, on a tiny model (16 px, one block).
/// Serialized: the trainer sets the process-wide BLAS thread count.
@Suite(.serialized) struct TrainingFeedTests {
    static let model = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                                 decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)

    /// A save asked for while paused fails: the view says why instead of "saving a
    /// checkpoint…" for ever, and the run stays paused.
    @Test func aFailedSaveWhilePausedIsShown() throws {
        let dir = NSTemporaryDirectory() + "maex-feed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        for (i, fill) in [(Float(0.2), Float(0.4), Float(0.6)), (0.8, 0.3, 0.1)].enumerated() {
            try encodePNG(RGBImage(width: 24, height: 24, fill: fill), toPath: dir + "/data/\(i).png")
        }
        var options = TrainingOptions()
        options.batchSize = 2
        options.steps = 2
        options.warmupSteps = 1
        options.threads = 1
        let run = RunDirectory(path: dir + "/run")
        let session = try TrainingSession.fresh(data: dir + "/data", model: Self.model, options: options, run: run)
        let mailbox = TrainingFeed.Mailbox()
        let trainer = Trainer(session: session) { mailbox.receive($0) }
        defer { trainer.stop() }  // a failed wait must not leave it training
        let feed = TrainingFeed(trainer: trainer, mailbox: mailbox, probeImages: [], previewEvery: 1)
        let preview = PreviewWorker(wakeFD: -1)  // never started: there are no probe images
        var state = TrainingFeed.initialState(session)

        // Polls the feed as the UI loop does, until `done` holds or the deadline passes.
        func poll(until what: String, _ done: (LiveViewState) -> Bool) throws {
            let deadline = Date().addingTimeInterval(30)
            while !done(state) && Date() < deadline {
                _ = feed.poll(&state, preview: preview)
                Thread.sleep(forTimeInterval: 0.005)
            }
            try #require(done(state), "waited 30 s for \(what); message: \(state.message ?? "none")")
        }

        feed.perform(.togglePause, &state, preview: preview)
        feed.start(wakeFD: -1, preview: preview)
        try poll(until: "the pause") { $0.phase?.hasPrefix("paused at step") == true }
        // The checkpoint is written to <name>.next first: a folder there makes the save fail.
        try FileManager.default.createDirectory(atPath: run.checkpointPath + ".next/in-the-way",
                                                withIntermediateDirectories: true)
        feed.perform(.saveNow, &state, preview: preview)
        #expect(state.message == "saving a checkpoint…")
        try poll(until: "the failed save to be shown") { $0.message != "saving a checkpoint…" }
        #expect(state.message?.contains("not saved") == true, "\(state.message ?? "")")
        #expect(state.message?.contains(run.checkpointPath) == true, "\(state.message ?? "")")
        #expect(state.phase?.hasPrefix("paused") == true)
        #expect(!feed.isDone)

        feed.requestQuit(&state)
        try poll(until: "the trainer to end") { _ in feed.isDone }
    }
}
