import Foundation
import Imaging
import MAE
import Pipeline

/// What `maex eval` prints: an aligned table, or one JSON object.
struct EvalReport {
    var model: String
    var config: MAEConfig
    var strategy: MaskStrategy
    var requestedRatio: Double
    var seeds: [UInt64]
    var masks: [PatchMask]
    var images: [EvalImageResult]
    var skipped: [(path: String, reason: String)]

    static let methods = FillingMethod.allCases

    func overallPSNR(_ method: FillingMethod) -> ScoreSummary { EvalOverall.summary(images, method, \.psnr) }
    func overallMSE(_ method: FillingMethod) -> ScoreSummary { EvalOverall.summary(images, method, \.maskedMSE) }

    /// The masks' actual ratio, averaged over seeds (the same for every image).
    var maskRatio: Double { masks.isEmpty ? .nan : masks.reduce(0) { $0 + $1.ratio } / Double(masks.count) }

    // MARK: text

    func text() -> String {
        let c = config
        var lines: [String] = []
        lines.append("model: \(model) (\(c.imgSize) px, \(c.patchSize) px patches, \(c.numPatches) patches, "
                     + "embed \(c.embedDim) × \(c.depth), decoder \(c.decoderEmbedDim) × \(c.decoderDepth)"
                     + (c.normPixLoss ? ", norm-pix)" : ")"))
        let counts = masks.map(\.maskedCount)
        let hidden = (counts.min() ?? 0) == (counts.max() ?? 0) ? "\(counts.first ?? 0)" : "\(counts.min() ?? 0)–\(counts.max() ?? 0)"
        let seedText = seeds.count == 1 ? "seed \(seeds[0])" : "seeds \(seeds.first ?? 0)…\(seeds.last ?? 0)"
        lines.append("mask: \(strategy.rawValue), \(hidden) of \(c.numPatches) patches hidden (ratio \(String(format: "%.3f", maskRatio)), "
                     + "asked \(String(format: "%.3f", requestedRatio))), \(seedText)")
        lines.append("images: \(images.count)" + (skipped.isEmpty ? "" : " (\(skipped.count) skipped)")
                     + "; mean ± sd over \(seeds.count) seed\(seeds.count == 1 ? "" : "s"); PSNR in dB of filling + visible, "
                     + "MSE over hidden pixels 0…1")
        lines.append("")
        lines.append(contentsOf: table())
        lines.append("")
        let model = overallPSNR(.model).mean
        let gain = { (other: FillingMethod) -> String in
            let d = model - overallPSNR(other).mean
            return d.isFinite ? String(format: "%+.2f dB", d) : "n/a"
        }
        lines.append("model − mean fill: \(gain(.meanFill)); model − interpolation: \(gain(.interpolation)) (overall mean PSNR)")
        if c.normPixLoss { lines.append("note: " + Report.leakNote) }
        return lines.joined(separator: "\n")
    }

    /// Rows of the table: a header, one row per image and the overall row, columns padded to
    /// their widest cell (image names left-aligned, numbers right-aligned).
    func table() -> [String] {
        let f = CommandSupport.format
        func cell(_ s: ScoreSummary, digits: Int) -> String {
            // Both halves in the mean's notation, so that the ± reads at a glance.
            let magnitude = abs(s.mean)
            if s.mean.isFinite, s.std.isFinite, magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e6) {
                return String(format: "%.\(digits)f ± %.\(digits)f", s.mean, s.std)
            }
            return "\(f(s.mean, digits)) ± \(f(s.std, digits))"
        }
        var rows: [[String]] = [["image"] + Self.methods.map { "\($0.title) PSNR" } + Self.methods.map { "\($0.title) MSE" }]
        func row(_ label: String, psnr: (FillingMethod) -> ScoreSummary, mse: (FillingMethod) -> ScoreSummary) -> [String] {
            [label] + Self.methods.map { cell(psnr($0), digits: 2) } + Self.methods.map { cell(mse($0), digits: 5) }
        }
        for image in images { rows.append(row(image.label, psnr: image.psnr, mse: image.maskedMSE)) }
        rows.append(row("overall (\(images.count))", psnr: overallPSNR, mse: overallMSE))
        let columns = rows[0].count
        let widths = (0..<columns).map { col in rows.map { $0[col].count }.max() ?? 0 }
        return rows.map { cells in
            cells.enumerated().map { col, text in
                let pad = String(repeating: " ", count: widths[col] - text.count)
                return col == 0 ? text + pad : pad + text
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    // MARK: JSON

    func json() -> String {
        let c = config
        func summary(_ s: ScoreSummary) -> [String: Any] {
            ["mean": CommandSupport.jsonNumber(s.mean), "std": CommandSupport.jsonNumber(s.std),
             "values": s.values.map(CommandSupport.jsonNumber)]
        }
        func methods(psnr: (FillingMethod) -> ScoreSummary, mse: (FillingMethod) -> ScoreSummary) -> [String: Any] {
            var out: [String: Any] = [:]
            for m in Self.methods { out[m.rawValue] = ["psnr_db": summary(psnr(m)), "masked_mse": summary(mse(m))] }
            return out
        }
        let perImage: [[String: Any]] = images.map { image in
            var object = methods(psnr: image.psnr, mse: image.maskedMSE)
            object["image"] = image.path
            object["label"] = image.label
            object["width"] = image.sourceWidth
            object["height"] = image.sourceHeight
            return object
        }
        var overall = methods(psnr: overallPSNR, mse: overallMSE)
        overall["images"] = images.count
        let settings = SmoothInpaintingSettings.standard
        let object: [String: Any] = [
            "model": model,
            "config": Self.configObject(c),
            "image_size": c.imgSize, "patch_size": c.patchSize, "patches": c.numPatches,
            "strategy": strategy.rawValue, "requested_ratio": requestedRatio,
            "mask_ratio": CommandSupport.jsonNumber(maskRatio), "masked_patches": masks.map(\.maskedCount),
            "seeds": seeds.count, "first_seed": seeds.first ?? 0,
            "baselines": [
                "mean_fill": ["fallback_colour": [inpaintingFallbackColour.0, inpaintingFallbackColour.1,
                                                  inpaintingFallbackColour.2].map(Self.shortest)],
                "interpolation": ["smallest_sigma_px": Double(settings.smallestSigma), "scale_step": Double(settings.scaleStep),
                                  "weight_step": Double(settings.weightStep)],
            ],
            "images": perImage,
            "overall": overall,
            "skipped": skipped.map { ["image": $0.path, "reason": $0.reason] },
            "leaks_masked_statistics": c.normPixLoss,
        ]
        return CommandSupport.jsonLine(object)
    }

    /// A Float as the Double its shortest decimal names (0.485, not 0.48500001430511475).
    static func shortest(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

    /// The config under the authors' argument names, as in a checkpoint's mae.config.
    static func configObject(_ c: MAEConfig) -> Any {
        guard let data = try? JSONEncoder().encode(c), let object = try? JSONSerialization.jsonObject(with: data) else { return NSNull() }
        return object
    }
}
