import Foundation
import Testing
@testable import Explorer

/// `maex watch`'s core in process: the follower, the parser and the view state on a log.txt
/// the test writes to as a training process would.
@Suite struct LiveWatchTests {
    final class TempLog {
        let folder: String
        let path: String
        init() {
            folder = NSTemporaryDirectory() + "maex-watch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            path = folder + "/log.txt"
        }
        func append(_ text: String) throws {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let h = try #require(FileHandle(forWritingAtPath: path))
            try h.seekToEnd()
            try h.write(contentsOf: Data(text.utf8))
            try h.close()
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func epoch(_ e: Int, loss: Double) -> String {
        #"{"train_lr": 0.00015, "train_loss": \#(loss), "epoch": \#(e), "n_parameters": 111907840}"# + "\n"
    }

    @Test func followsTheAuthorsLogAndShowsTheNewEpoch() throws {
        let log = TempLog()
        let feed = WatchFeed(metricsPath: log.path, checkpointPath: nil, probeImages: [])
        let preview = PreviewWorker(wakeFD: -1)
        var state = LiveViewState(source: .watching(path: log.path))
        state.xIsEpoch = true

        // Not there yet: the view waits and says so.
        #expect(feed.poll(&state, preview: preview))
        #expect(state.phase?.hasPrefix("waiting for") == true)
        #expect(LiveViewRenderer.render(state, width: 120, height: 30).grid.text(row: 0).contains("waiting for"))
        // Waiting costs nothing more: nothing changed.
        #expect(!feed.poll(&state, preview: preview))

        try log.append(Self.epoch(0, loss: 1.2) + Self.epoch(1, loss: 0.9) + "garbage\n" + #"{"train_loss": 0.8, "ep"#)
        #expect(feed.poll(&state, preview: preview))
        #expect(state.phase == nil)
        #expect(state.steps == [0, 1])
        #expect(state.malformedLines == 1)
        var grid = LiveViewRenderer.render(state, width: 120, height: 30).grid
        #expect(grid.text(row: 0).contains("epoch 1"))
        #expect(grid.text(row: 1).contains("1 malformed line skipped"))

        // The half-written line completes as epoch 2, then epoch 3 arrives.
        try log.append(#"och": 2}"# + "\n" + Self.epoch(3, loss: 0.7))
        #expect(feed.poll(&state, preview: preview))
        #expect(state.steps == [0, 1, 2, 3])
        #expect(state.latest?.loss == 0.7)
        grid = LiveViewRenderer.render(state, width: 120, height: 30).grid
        #expect(grid.text(row: 0).contains("epoch 3"))
        #expect(grid.text(row: 0).contains("loss 0.7000"))

        // Idle: no change reported, so the app presents nothing.
        #expect(!feed.poll(&state, preview: preview))
        #expect(!feed.poll(&state, preview: preview))

        // Replaced by a shorter file (a new run): the curve starts over.
        try FileManager.default.removeItem(atPath: log.path)
        try log.append(Self.epoch(0, loss: 2.0))
        #expect(feed.poll(&state, preview: preview))
        #expect(state.steps == [0])
        #expect(state.restarts >= 1)
    }

    @Test func readsMaexMetricsWithEveryHeaderField() throws {
        let log = TempLog()
        let path = log.folder + "/metrics.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: Data((
            #"{"step": 10, "epoch": 0.5, "loss": 0.9, "loss_mean": 0.95, "lr": 0.0001, "images_per_s": 310.5, "time": 1.0, "elapsed": 2.0}"# + "\n"
            + #"{"event": "checkpoint", "path": "x", "step": 10, "time": 3}"# + "\n"
            + #"{"step": 20, "epoch": 1.0, "loss": 0.8, "loss_mean": 0.85, "lr": 0.0002, "images_per_s": 305, "time": 2.0, "elapsed": 4.0}"# + "\n"
        ).utf8))
        let feed = WatchFeed(metricsPath: path, checkpointPath: nil, probeImages: [])
        var state = LiveViewState(source: .watching(path: path))
        state.totalSteps = 100
        #expect(feed.poll(&state, preview: PreviewWorker(wakeFD: -1)))
        #expect(state.malformedLines == 0)
        let header = LiveViewRenderer.render(state, width: 160, height: 48).grid.text(row: 0)
        for field in ["maex watch", "step 20/100", "epoch 1.00", "loss 0.8000", "EMA ", "lr 0.0002", "305 img/s", "ETA 16s"] {
            #expect(header.contains(field), "\(field) missing from \(header)")
        }
        // Never writes into the run folder.
        let files = try FileManager.default.contentsOfDirectory(atPath: log.folder)
        #expect(files == ["metrics.jsonl"])
    }
}
