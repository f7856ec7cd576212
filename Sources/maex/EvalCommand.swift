import ArgumentParser
import Foundation
import Imaging
import MAE
import Pipeline
import Training

/// `maex eval`: how well a model fills hidden patches, next to two baselines on the same masks.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a model's reconstructions against mean-fill and interpolation baselines over many masks.",
        discussion: """
            Every image (a file, or every .png, .jpg and .jpeg below a folder) is resized (bicubic, \
            shorter side to the model's side) and centre-cropped like `maex reconstruct` does. For \
            each seed the mask comes from --strategy and --mask-ratio, and three fillings of the hidden \
            patches are scored on that same mask, in pixel values 0...1:
              model          the reconstruction, de-normalised and clamped to 0...1
              mean fill      every hidden pixel gets the mean colour of the visible pixels
              interpolation  normalised convolution of the visible pixels with a mixture of
                             Gaussians (σ = 1, 2, 4, … px up to half the side, weights
                             1, 1/4, 1/16, …): a smooth inverse-distance weighting
            Scores: the MSE over the hidden pixels, and the PSNR, 10·log10(1/MSE), of "filling + \
            visible" against the original over the whole image (as `maex reconstruct` prints). \
            Visible pixels are the original's in all three (the model's up to float rounding), so \
            only the hidden patches differ.

            Each image's row gives the mean ± the sample standard deviation over the seeds. The \
            overall row gives the mean over every image and seed ± the standard deviation over \
            seeds of the mean across images. PSNRs are averaged in dB. An image that cannot be \
            decoded is skipped with a warning.

            --sweep scores the three fillings at every mask ratio from 5% to 95% in 5% steps under \
            random and block masks, and under the grid mask at its 75% (8 seeds from 0 unless --seeds \
            and --first-seed say otherwise; the same masks on every image). Each point gives the mean, \
            the sample standard deviation, the minimum and the maximum over images × seeds. --plot \
            FILE.png draws the PSNR curves as the explorer's % chart does, with mean fill and \
            interpolation as dashed references, for slides. --csv prints one row per strategy, ratio \
            and method.

            Without --model, maex uses Assets/models/maex-tiny.safetensors like `maex reconstruct`, \
            else an untrained model, with a warning.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("An image, or a folder searched recursively for PNG and JPEG images.",
                                            valueName: "path"))
    var data: String

    @Option(name: .maskRatio, help: ArgumentHelp("Fraction of patches to hide (grid hides 3 of 4 whatever the ratio; default 0.75).",
                                                 valueName: "r"))
    var ratioOption: Double?

    @Option(name: .customLong("strategy"), help: ArgumentHelp("How to choose the hidden patches (default random, the authors').",
                                                              valueName: "strategy"))
    var strategyOption: MaskStrategy?

    @Option(name: .customLong("seeds"), help: ArgumentHelp("How many masks (seeds) per image (default 20; with --sweep 8).",
                                                           valueName: "n"))
    var seedsOption: Int?

    @Option(name: .customLong("first-seed"), help: ArgumentHelp("The first mask seed; seeds run first-seed, first-seed + 1, …",
                                                                valueName: "n"))
    var firstSeed: UInt64 = 0

    @Flag(name: .long, help: "Score every mask ratio from 5% to 95% in 5% steps under random and block masks, and the grid mask.")
    var sweep = false

    @Flag(name: .long, help: "Print one JSON object instead of the table.")
    var json = false

    @Flag(name: .long, help: "With --sweep: print CSV, one row per strategy, ratio and method.")
    var csv = false

    @Option(name: .long, help: ArgumentHelp("With --sweep: also draw the PSNR chart as a PNG (for slides).", valueName: "file.png"))
    var plot: String?

    var ratio: Double { ratioOption ?? 0.75 }
    var strategy: MaskStrategy { strategyOption ?? .random }
    var seeds: Int { seedsOption ?? (sweep ? RatioSweep.defaultSeeds.count : 20) }

    func validate() throws {
        if !(0...1).contains(ratio) { throw ValidationError("--mask-ratio must be between 0 and 1, got \(ratio)") }
        if !(1...100_000).contains(seeds) { throw ValidationError("--seeds must be between 1 and 100000, got \(seeds)") }
        if firstSeed > UInt64.max - UInt64(max(seeds, 1) - 1) { throw ValidationError("--first-seed + --seeds passes 2^64") }
        if json && csv { throw ValidationError("--json and --csv: choose one") }
        if sweep && (ratioOption != nil || strategyOption != nil) {
            throw ValidationError("--sweep scores every ratio and strategy: leave out --mask-ratio and --strategy")
        }
        if !sweep && (csv || plot != nil) { throw ValidationError("\(csv ? "--csv" : "--plot") needs --sweep") }
        if let plot, !plot.lowercased().hasSuffix(".png") { throw ValidationError("--plot writes a PNG: give a file name ending in .png, got \(plot)") }
    }

    func run() throws {
        try CommandSupport.run {
            let (model, modelName) = try loadModel()
            let c = model.config
            guard c.inChans == 3 else { throw CommandSupport.fail("\(modelName): eval needs an RGB model, this one has \(c.inChans) channels") }
            let files = try Self.imageFiles(data)
            let seedList = (0..<seeds).map { firstSeed + UInt64($0) }
            if sweep { return try runSweep(files: files, model: model, modelName: modelName, seeds: seedList) }
            let masks = seedList.map { makeMask(strategy, ratio: ratio, gridSize: c.gridSize, seed: $0) }

            let progress = EvalProgress(total: files.count * seeds, enabled: isatty(STDERR_FILENO) != 0)
            var results: [EvalImageResult] = []
            var skipped: [(path: String, reason: String)] = []
            for file in files {
                let prepared: PreparedImage
                do throws(ImageError) {
                    prepared = try PreparedImage(path: file.path, side: c.imgSize)
                } catch {
                    progress.clear()
                    CommandSupport.printWarning("skipped \(error.description)")
                    skipped.append((file.path, error.reason))
                    progress.advance(by: seeds, label: file.label)
                    continue
                }
                let source = prepared.source
                let scores = Self.evaluate(prepared, model: model, masks: masks) {
                    progress.advance(by: 1, label: file.label)
                }
                results.append(EvalImageResult(path: file.path, label: file.label, sourceWidth: source.width,
                                               sourceHeight: source.height, scores: scores))
            }
            progress.clear()
            guard !results.isEmpty else {
                let first = skipped.first.map { " (first: \($0.path): \($0.reason))" } ?? ""
                throw CommandSupport.fail("\(data): none of the \(files.count) image file\(files.count == 1 ? "" : "s") "
                                          + "could be decoded\(first)")
            }
            let report = EvalReport(model: modelName, config: c, strategy: strategy, requestedRatio: ratio,
                                    seeds: seedList, masks: masks, images: results, skipped: skipped)
            print(json ? report.json() : report.text())
        }
    }

    /// Scores of the model and both baselines on the prepared image under each mask; `seedDone`
    /// is called after each mask.
    static func evaluate(_ image: PreparedImage, model: MAEModel, masks: [PatchMask],
                         seedDone: () -> Void = {}) -> [FillingMethod: EvalScores] {
        var scores: [FillingMethod: EvalScores] = [:]
        for mask in masks {
            let filled = image.scoresOfEveryFilling(by: model, mask: mask)
            for method in FillingMethod.allCases { scores[method, default: EvalScores()].append(filled[method]) }
            seedDone()
        }
        return scores
    }

    /// `--sweep`: every point of RatioSweep on the decodable images, as a table, JSON or CSV,
    /// and the chart as a PNG with --plot.
    private func runSweep(files: [(path: String, label: String)], model: MAEModel, modelName: String,
                          seeds: [UInt64]) throws {
        let side = model.config.imgSize
        var images: [(file: (path: String, label: String), prepared: PreparedImage)] = []
        var skipped: [(path: String, reason: String)] = []
        for file in files {
            do throws(ImageError) {
                images.append((file, try PreparedImage(path: file.path, side: side)))
            } catch {
                CommandSupport.printWarning("skipped \(error.description)")
                skipped.append((file.path, error.reason))
            }
        }
        guard !images.isEmpty else {
            let first = skipped.first.map { " (first: \($0.path): \($0.reason))" } ?? ""
            throw CommandSupport.fail("\(data): none of the \(files.count) image file\(files.count == 1 ? "" : "s") "
                                      + "could be decoded\(first)")
        }
        let progress = EvalProgress(total: RatioSweep.points.count * images.count * seeds.count,
                                    enabled: isatty(STDERR_FILENO) != 0)
        var label = ""
        let results = RatioSweep.points.map { point in
            label = point.strategy == .grid ? "grid" : "\(point.strategy.rawValue) \(Int((point.ratio * 100).rounded()))%"
            return RatioSweep.measure(point, images: images.map(\.prepared), model: model, seeds: seeds) {
                progress.advance(by: 1, label: label)
            }
        }
        progress.clear()
        let report = EvalSweepReport(model: modelName, config: model.config, seeds: seeds,
                                     images: images.map { ($0.file.path, $0.file.label) }, skipped: skipped, results: results)
        if let plot {
            let subject = images.count == 1 ? images[0].file.label : "\(images.count) images"
            let chart = RatioSweep.plot(results, metric: .psnr, subject: subject, seeds: seeds.count)
            do throws(ImageError) {
                try FigureFile.write(plotFigure(chart), toPath: plot)
            } catch {
                throw CommandSupport.fail("--plot: \(error.description)")
            }
        }
        print(json ? report.json() : csv ? report.csv() : report.text())
    }

    /// The images to score with the names the report gives them: a file as itself (named by its
    /// file name), a folder as its PNG and JPEG files below it, sorted (named by their path below it).
    static func imageFiles(_ data: String) throws -> [(path: String, label: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
            throw CommandSupport.fail("\(data): no such file or folder (--data takes an image or a folder of images)")
        }
        guard isDirectory.boolValue else { return [(data, (data as NSString).lastPathComponent)] }
        let base = data.hasSuffix("/") ? data : data + "/"
        return try ImageFolder.imageFiles(in: data).map { path in
            (path, path.hasPrefix(base) ? String(path.dropFirst(base.count)) : (path as NSString).lastPathComponent)
        }
    }

    private func loadModel() throws -> (MAEModel, String) {
        let (model, path) = try modelOptions.loadOrDefault(untrained: "its scores are those of noise")
        return (model, path ?? "untrained tiny (seed 0)")
    }
}
