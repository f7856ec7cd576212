import ArgumentParser
import Explorer
import Foundation
import Training

/// `maex watch PATH…`: the live view of runs other processes write, read-only.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow training runs in the terminal: loss curves and, where there are weights, reconstructions.",
        discussion: """
            PATH is a maex run folder (metrics.jsonl is followed and checkpoint.safetensors reloaded \
            whenever it changes, to redraw the probe's reconstruction); a metrics.jsonl file; the \
            authors' log.txt (one JSON object an epoch: train_loss, train_lr, epoch) or the output_dir \
            of their main_pretrain.py (log.txt, and the newest checkpoint-N.pth draws the probe, with the \
            architecture from its args; , and . step through the checkpoints); a folder of TensorBoard \
            event files (events.out.tfevents.*, searched up to three levels down; --tag picks the loss \
            tag); or - for lines of metrics.jsonl or log.txt on standard input (keys are then read \
            from /dev/tty). Several PATHs overlay their loss curves (Tab selects the run the rest of \
            the view shows). A file may not exist yet (the view waits for it), may grow, be truncated \
            or replaced; lines that are not metrics and event records that fail their CRC are skipped \
            and counted. The header says where a maex trainer stands: running (its pid), stalled, \
            finished, stopped, failed, or gone (killed: it no longer holds RUN/lock). maex watch never \
            writes into a run, never takes its lock, and sends nothing to the terminal while the run \
            is idle. Keys: p next probe image, n new mask, s/S smoothing, l log y, x the whole plan, \
            , . older and newer checkpoint, Tab next run, ? help, q quit.
            """)

    @Argument(help: ArgumentHelp("Run folders, metrics.jsonl or log.txt files, the authors' output_dir, TensorBoard "
                                 + "log folders, or - for standard input.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("Probe image for the panels (default: the run's first data image, else the bundled images).",
                               valueName: "image"))
    var probe: String?

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of the probe's patches hidden (default: the run's, else 0.75).",
                                                 valueName: "r"))
    var maskRatio: Double?

    @Option(help: ArgumentHelp("The TensorBoard tag of the loss curve (default: the first tag with 'loss' in its name).",
                               valueName: "name"))
    var tag: String?

    @Option(name: .long, help: ArgumentHelp("Encoder attention heads, for checkpoints whose args and shapes do not tell.",
                                            valueName: "n"))
    var heads: Int?

    @Option(name: .customLong("decoder-heads"), help: ArgumentHelp("Decoder attention heads, likewise.", valueName: "n"))
    var decoderHeads: Int?

    @Flag(name: .customLong("norm-pix"), inversion: .prefixedNo,
          help: ArgumentHelp("Whether the model predicts per-patch normalised pixels, where the checkpoint's args do not say."))
    var normPix: Bool?

    @Option(help: ArgumentHelp("Colours (default: detected).", valueName: "mode"))
    var color: ColorMode?

    @Flag(help: "On exit, print the bytes sent to the terminal per second.")
    var stats = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give a run to watch") }
        if paths.contains("-") && paths.count > 1 { throw ValidationError("- (standard input) is watched alone") }
        if let maskRatio, !(0...1).contains(maskRatio) { throw ValidationError("--mask-ratio must be between 0 and 1") }
        if let probe, !FileManager.default.fileExists(atPath: probe) { throw ValidationError("--probe \(probe): no such file") }
        if let heads, heads < 1 { throw ValidationError("--heads must be at least 1") }
        if let decoderHeads, decoderHeads < 1 { throw ValidationError("--decoder-heads must be at least 1") }
    }

    /// What a PATH names: where the numbers come from and where the weights are.
    enum Target: Equatable {
        /// A metrics file (metrics.jsonl, log.txt) and, for a maex run folder, its checkpoint and folder.
        case metrics(file: String, checkpoint: String?, run: String?)
        /// The authors' output_dir: log.txt and checkpoint-N.pth.
        case authors(folder: String)
        /// A folder of TensorBoard event files.
        case tensorBoard(folder: String)
        case standardInput
    }

    static func target(_ path: String) -> Target {
        if path == "-" { return .standardInput }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        let ext = (path as NSString).pathExtension.lowercased()
        let name = (path as NSString).lastPathComponent
        if exists, !isDirectory.boolValue, name.hasPrefix(TensorBoardFollower.filePrefix) {
            return .tensorBoard(folder: (path as NSString).deletingLastPathComponent)
        }
        guard exists ? isDirectory.boolValue : (ext != "jsonl" && ext != "txt" && ext != "json") else {
            return .metrics(file: path, checkpoint: nil, run: nil)
        }
        let run = RunDirectory(path: path)
        let log = (path as NSString).appendingPathComponent("log.txt")
        if !fm.fileExists(atPath: run.metricsPath) {
            let names = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            if fm.fileExists(atPath: log) || names.contains(where: { CheckpointTimeline.epoch(ofName: $0) != nil }) {
                return .authors(folder: path)
            }
            if !TensorBoardFollower.eventFiles(in: path).isEmpty { return .tensorBoard(folder: path) }
        }
        return .metrics(file: run.metricsPath, checkpoint: run.checkpointPath, run: path)
    }

    func run() throws {
        try CommandSupport.run {
            let readsStandardInput = paths == ["-"]
            // The numbers arrive on standard input: keep it for them and read keys from the terminal.
            var dataDescriptor: Int32?
            if readsStandardInput { dataDescriptor = try Self.keysFromTerminal() }
            guard LiveTerminal.available else {
                throw CommandSupport.fail("watch is interactive and needs a terminal on stdin and stdout (TERM set, not dumb); "
                                          + "the metrics themselves are in \(paths.joined(separator: " "))")
            }
            let runs = paths.map { path in
                let (feed, state) = makeFeed(path, dataDescriptor: dataDescriptor)
                return (name: Self.runName(path), feed: feed, state: state)
            }
            let report: LiveApp.Report
            if runs.count == 1 {
                report = try LiveApp.run(runs[0].feed, state: runs[0].state, options: LiveApp.Options(colors: color))
            } else {
                var state = runs[0].state
                state.smoothing = runs.map(\.state.smoothing).min() ?? state.smoothing
                report = try LiveApp.run(RunsFeed(runs), state: state, options: LiveApp.Options(colors: color))
            }
            if stats { print(report.traffic.summary) }
            if let signal = report.signal { throw ExitCode(128 + signal) }
        }
    }

    /// A run's name in the legend: its folder's (the file's folder for metrics.jsonl and log.txt).
    static func runName(_ path: String) -> String {
        if path == "-" { return "stdin" }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        var isDirectory: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory) && !isDirectory.boolValue
            ? (trimmed as NSString).deletingLastPathComponent : trimmed
        let name = (folder as NSString).lastPathComponent
        return name.isEmpty ? trimmed : name
    }

    func makeFeed(_ path: String, dataDescriptor: Int32?) -> (WatchFeed, LiveViewState) {
        var state = LiveViewState(source: .watching(path: path))
        let options = WatchProbe.ModelOptions(heads: heads, decoderHeads: decoderHeads, normPixLoss: normPix)
        let bundled = { () -> [String] in
            guard let folder = try? ExploreCommand.sampleFolder() else { return [] }
            return (try? ImageFolder.imageFiles(in: folder)) ?? []
        }
        let feed: WatchFeed
        switch Self.target(path) {
        case .standardInput:
            feed = WatchFeed(metrics: .stream(dataDescriptor ?? STDIN_FILENO), probe: WatchProbe(weights: .none, probeImages: []))
            // Either kind of line may come; the first decides how x is read (RunLogParser).
        case .tensorBoard(let folder):
            feed = WatchFeed(metrics: .tensorBoard(folder: folder, tag: tag), probe: WatchProbe(weights: .none, probeImages: []))
        case .authors(let folder):
            let probes = (probe.map { [$0] } ?? []) + bundled()
            feed = WatchFeed(metrics: .file((folder as NSString).appendingPathComponent("log.txt")),
                             probe: WatchProbe(weights: .authorsCheckpoints(folder: folder), probeImages: probes,
                                               maskRatio: maskRatio, options: options))
            state.xIsEpoch = true
            state.smoothing = 0.6  // a point an epoch: TensorBoard's default suits it
        case .metrics(let file, let checkpoint, let run):
            let config = run.flatMap { try? RunDirectory(path: $0).readConfig() }
            var probes: [String] = probe.map { [$0] } ?? []
            if checkpoint != nil {
                if let data = config?.data, let files = try? ImageFolder.imageFiles(in: data) { probes += files.prefix(64) }
                probes += bundled()
            }
            feed = WatchFeed(metrics: .file(file),
                             probe: WatchProbe(weights: checkpoint.map { .maexCheckpoint($0) } ?? .none, probeImages: probes,
                                               maskRatio: maskRatio ?? config?.training.maskRatio, options: options),
                             lockPath: run.map { RunDirectory(path: $0).lockPath })
            state.totalSteps = config?.plan.totalSteps
            state.xIsEpoch = file.hasSuffix(".txt")
            if state.xIsEpoch { state.smoothing = 0.6 }
        }
        return (feed, state)
    }

    /// Moves standard input (the data) to a descriptor of its own and puts the terminal in its
    /// place, for the keys; returns the data's descriptor.
    static func keysFromTerminal() throws -> Int32 {
        guard isatty(STDIN_FILENO) == 0 else {
            throw ValidationError("- reads the metrics from standard input: pipe them in (… | maex watch -)")
        }
        let data = dup(STDIN_FILENO)
        let tty = open("/dev/tty", O_RDWR)
        guard data >= 0, tty >= 0, dup2(tty, STDIN_FILENO) >= 0 else {
            throw CommandSupport.fail("watch - reads keys from /dev/tty, which cannot be opened: \(String(cString: strerror(errno)))")
        }
        close(tty)
        return data
    }
}
