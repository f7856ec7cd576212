import Foundation
import MAE
import Pipeline

/// What `maex eval --sweep` prints: an aligned table, one JSON object, or CSV.
struct EvalSweepReport {
    var model: String
    var config: MAEConfig
    var seeds: [UInt64]
    var images: [(path: String, label: String)]
    var skipped: [(path: String, reason: String)]
    var results: [RatioSweep.PointResult]

    static let methods = FillingMethod.allCases

    /// "random 75%", "grid 75%".
    static func pointName(_ r: RatioSweep.PointResult) -> String {
        "\(r.point.strategy.rawValue) \(Int((r.point.ratio * 100).rounded()))%"
    }

    // MARK: text

    func text() -> String {
        let c = config
        var lines: [String] = []
        lines.append("model: \(model) (\(c.imgSize) px, \(c.patchSize) px patches, \(c.numPatches) patches)")
        let seedText = seeds.count == 1 ? "seed \(seeds[0])" : "seeds \(seeds.first ?? 0)…\(seeds.last ?? 0)"
        let names = images.count == 1 ? images[0].label : "\(images.count) images"
        lines.append("sweep: \(names)" + (skipped.isEmpty ? "" : " (\(skipped.count) skipped)")
                     + ", \(seedText); mean over images × seeds; PSNR in dB of filling + visible, MSE over hidden pixels 0…1")
        lines.append("")
        var rows: [[String]] = [["mask", "hidden"] + Self.methods.map { "\($0.title) PSNR" }
                                + ["model PSNR min–max"] + Self.methods.map { "\($0.title) MSE" }]
        for r in results {
            let psnr = Self.methods.map { String(format: "%.2f", r.psnr[$0]?.mean ?? .nan) }
            let mse = Self.methods.map { String(format: "%.5f", r.maskedMSE[$0]?.mean ?? .nan) }
            let range = String(format: "%.2f–%.2f", r.psnr[.model]?.min ?? .nan, r.psnr[.model]?.max ?? .nan)
            rows.append([Self.pointName(r), String(format: "%.3f", r.maskRatio)] + psnr + [range] + mse)
        }
        let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        for cells in rows {
            lines.append(cells.enumerated().map { col, text in
                let pad = String(repeating: " ", count: widths[col] - text.count)
                return col == 0 ? text + pad : pad + text
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        if c.normPixLoss { lines.append(""); lines.append("note: " + Report.leakNote) }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    func json() -> String {
        func summary(_ s: ScoreSummary?) -> [String: Any] {
            guard let s else { return [:] }
            return ["mean": CommandSupport.jsonNumber(s.mean), "std": CommandSupport.jsonNumber(s.std),
                    "min": CommandSupport.jsonNumber(s.min), "max": CommandSupport.jsonNumber(s.max)]
        }
        let sweep: [[String: Any]] = results.map { r in
            var object: [String: Any] = ["strategy": r.point.strategy.rawValue, "ratio": r.point.ratio,
                                         "mask_ratio": CommandSupport.jsonNumber(r.maskRatio)]
            for m in Self.methods { object[m.rawValue] = ["psnr_db": summary(r.psnr[m]), "masked_mse": summary(r.maskedMSE[m])] }
            return object
        }
        let object: [String: Any] = [
            "model": model,
            "config": EvalReport.configObject(config),
            "image_size": config.imgSize, "patch_size": config.patchSize, "patches": config.numPatches,
            "seeds": seeds.count, "first_seed": seeds.first ?? 0,
            "images": images.map { ["image": $0.path, "label": $0.label] },
            "skipped": skipped.map { ["image": $0.path, "reason": $0.reason] },
            "sweep": sweep,
            "leaks_masked_statistics": config.normPixLoss,
        ]
        return CommandSupport.jsonLine(object)
    }

    // MARK: CSV

    /// One row per point and method; numbers in the shortest form that reads back exactly,
    /// empty where a value is not a finite number.
    func csv() -> String {
        let parts = ["mean", "std", "min", "max"]
        var lines = ["strategy,ratio,mask_ratio,method," + parts.map { "psnr_db_\($0)" }.joined(separator: ",") + ","
                     + parts.map { "masked_mse_\($0)" }.joined(separator: ",")]
        func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "" }
        func values(_ s: ScoreSummary?) -> [String] {
            guard let s else { return Array(repeating: "", count: 4) }
            return [s.mean, s.std, s.min, s.max].map(number)
        }
        for r in results {
            for m in Self.methods {
                let cells = [r.point.strategy.rawValue, number(r.point.ratio), number(r.maskRatio), m.rawValue]
                    + values(r.psnr[m]) + values(r.maskedMSE[m])
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n")
    }
}
