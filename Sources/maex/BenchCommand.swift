import ArgumentParser
import Foundation
import MAE

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training throughput, reconstruction latency and matmul speed on this CPU.",
        discussion: """
            Measures what `mae_reference.py bench` measures for PyTorch, so the two compare side by \
            side: training images/s (forward, backward and AdamW on a random batch, random masking \
            at 0.75 with fresh noise each step, after two warm-up steps) and batch-1 reconstruction \
            latency (median and mean of at least --runs runs and 2 s, after two warm-up runs). It \
            also reports the GFLOP/s of the training step's matrix products (forward 2·m·n·k each, \
            backward twice that, attention included, the encoder's kept tokens only) and of \
            cblas_sgemm on a 1024³ product at the same thread count. Progress goes to stderr.
            """
    )

    @Option(help: ArgumentHelp("Model preset (default tiny).", valueName: "name"))
    var preset: MAEPreset?

    @Option(help: ArgumentHelp("Model config as JSON (inline or a file path), laid over the preset, e.g. '{\"depth\": 2}'.",
                               valueName: "json"))
    var config: String?

    @Option(help: "Images per training batch.")
    var batch = 64

    @Option(help: "Timed training steps (after two warm-up steps).")
    var steps = 10

    @Option(help: "Threads for the matrix products and the model's own parallel loops.")
    var threads = 2

    @Option(help: "Least number of timed batch-1 reconstructions.")
    var runs = 20

    /// For profiling one part at a time.
    @Option(help: .hidden)
    var only: String?

    @Flag(help: "Print one JSON object (the reference's keys train_images_per_s, forward_ms, threads, batch, and more).")
    var json = false

    func validate() throws {
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
        if let only, !["training", "latency", "sgemm"].contains(only) {
            throw ValidationError("--only must be training, latency or sgemm, got \(only)")
        }
    }

    func run() throws {
        let modelConfig: MAEConfig
        do {
            modelConfig = try TrainModelConfig.resolve(preset: preset, json: config, normPix: nil)
        } catch {
            throw ValidationError(error.description)
        }
        try CommandSupport.run {
            let result = try measure(modelConfig)
            print(json ? BenchReport.json(result) : BenchReport.text(result, preset: (preset ?? .tiny).rawValue, custom: config != nil))
        }
    }

    private func measure(_ c: MAEConfig) throws -> BenchResult {
        func progress(_ line: String) {
            StandardStreams.error("maex bench: \(line)\n")
        }
        ModelThreads.count = threads
        KernelTableRequest.warnIfIgnored()
        progress("cblas_sgemm 1024³ on \(threads) thread\(threads == 1 ? "" : "s")")
        func wanted(_ part: String) -> Bool { only == nil || only == part }
        let sgemm = wanted("sgemm") ? BenchMeasurement.sgemmGFLOPs() : .nan
        let model = try MAEModel(config: c, seed: 0)
        let train = wanted("training") ? BenchMeasurement.training(model: model, batch: batch, steps: steps, progress: progress)
            : (seconds: .nan, imagesPerSecond: .nan, gflops: .nan)
        let latency = wanted("latency") ? BenchMeasurement.latency(model: model, runs: runs, progress: progress)
            : (median: .nan, mean: .nan, runs: 0)
        return BenchResult(config: c, threads: threads, isa: .current, batch: batch, steps: steps, trainSeconds: train.seconds,
                           trainImagesPerSecond: train.imagesPerSecond, trainGFLOPs: train.gflops,
                           latencyMedianMs: latency.median, latencyMeanMs: latency.mean, latencyRuns: latency.runs,
                           sgemmGFLOPs: sgemm, peakResidentMB: BenchMeasurement.peakResidentMB())
    }
}
