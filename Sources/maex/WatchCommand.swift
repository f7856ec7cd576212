import ArgumentParser
import Explorer
import Foundation
import Training

/// `maex watch PATH`: the live view of a run another process writes, read-only.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a training run in the terminal: its loss curve and, for a maex run, reconstructions.",
        discussion: """
            PATH is a maex run folder (metrics.jsonl is followed and checkpoint.safetensors reloaded \
            whenever it changes, to redraw the probe's reconstruction), a metrics.jsonl file, or the \
            authors' log.txt (one JSON object an epoch: train_loss, train_lr, epoch). The file may not \
            exist yet (the view waits for it), may grow, be truncated or replaced; lines that are not \
            metrics are skipped and counted in the header. The header says where the trainer \
            stands: running (its pid), stalled (no line for three log intervals), finished, stopped \
            (with the reason), failed, or gone (killed: it no longer holds RUN/lock). maex watch \
            never writes into the run folder, never takes its lock, and sends nothing to the \
            terminal while the run is idle. Keys: p next probe image, \
            n new mask, s/S smoothing, l log y, ? help, q quit.
            """)

    @Argument(help: ArgumentHelp("A maex run folder, a metrics.jsonl file or the authors' log.txt.", valueName: "path"))
    var path: String

    @Option(help: ArgumentHelp("Probe image for the panels (default: the run's first data image, else the bundled images).",
                               valueName: "image"))
    var probe: String?

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of the probe's patches hidden (default: the run's, else 0.75).",
                                                 valueName: "r"))
    var maskRatio: Double?

    @Option(help: ArgumentHelp("Colours (default: detected).", valueName: "mode"))
    var color: ColorMode?

    @Flag(help: "On exit, print the bytes sent to the terminal per second.")
    var stats = false

    func validate() throws {
        if let maskRatio, !(0...1).contains(maskRatio) { throw ValidationError("--mask-ratio must be between 0 and 1") }
        if let probe, !FileManager.default.fileExists(atPath: probe) { throw ValidationError("--probe \(probe): no such file") }
    }

    /// What PATH names: the file to follow, the checkpoint to reload (maex runs) and the run folder.
    struct Target: Equatable {
        var metrics: String
        var checkpoint: String?
        var run: String?
    }

    static func target(_ path: String) -> Target {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let ext = (path as NSString).pathExtension.lowercased()
        if exists ? isDirectory.boolValue : (ext != "jsonl" && ext != "txt" && ext != "json") {
            let run = RunDirectory(path: path)
            let log = (path as NSString).appendingPathComponent("log.txt")
            if !FileManager.default.fileExists(atPath: run.metricsPath), FileManager.default.fileExists(atPath: log) {
                return Target(metrics: log, checkpoint: nil, run: nil)
            }
            return Target(metrics: run.metricsPath, checkpoint: run.checkpointPath, run: path)
        }
        return Target(metrics: path, checkpoint: nil, run: nil)
    }

    func run() throws {
        try CommandSupport.run {
            guard LiveTerminal.available else {
                throw CommandSupport.fail("watch is interactive and needs a terminal on stdin and stdout (TERM set, not dumb); "
                                          + "the metrics themselves are in \(path)")
            }
            let target = Self.target(path)
            let config = target.run.flatMap { try? RunDirectory(path: $0).readConfig() }
            var probes: [String] = probe.map { [$0] } ?? []
            if target.checkpoint != nil {
                if let data = config?.data, let files = try? ImageFolder.imageFiles(in: data) { probes += files.prefix(64) }
                if let folder = try? ExploreCommand.sampleFolder(), let files = try? ImageFolder.imageFiles(in: folder) {
                    probes += files
                }
            }
            let feed = WatchFeed(metricsPath: target.metrics, checkpointPath: target.checkpoint, probeImages: probes,
                                 maskRatio: maskRatio ?? config?.training.maskRatio ?? 0.75,
                                 lockPath: target.run.map { RunDirectory(path: $0).lockPath })
            var state = LiveViewState(source: .watching(path: path))
            state.totalSteps = config?.plan.totalSteps
            state.xIsEpoch = target.metrics.hasSuffix(".txt")
            if state.xIsEpoch { state.smoothing = 0.6 }  // a point an epoch: TensorBoard's default suits it
            let report = try LiveApp.run(feed, state: state, options: LiveApp.Options(colors: color))
            if stats { print(report.traffic.summary) }
            if let signal = report.signal { throw ExitCode(128 + signal) }
        }
    }
}
