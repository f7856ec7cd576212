import Foundation
import MAE

/// How `maex bench` prints its result: a few aligned lines, or one JSON object whose first keys
/// are those of `mae_reference.py bench`.
enum BenchReport {
    static func json(_ r: BenchResult) -> String {
        CommandSupport.jsonLine([
            "engine": "maex \(Maex.version)",
            "threads": r.threads,
            "isa": r.isa.rawValue,
            "batch": r.batch,
            "steps": r.steps,
            "train_images_per_s": rounded(r.trainImagesPerSecond, 2),
            "forward_ms": rounded(r.latencyMeanMs, 3),
            "forward_median_ms": rounded(r.latencyMedianMs, 3),
            "forward_runs": r.latencyRuns,
            "train_gflops": rounded(r.trainGFLOPs, 2),
            "sgemm_gflops": rounded(r.sgemmGFLOPs, 2),
            "train_sgemm_ratio": rounded(r.trainGFLOPs / r.sgemmGFLOPs, 3),
            "peak_rss_mb": rounded(r.peakResidentMB, 1),
        ])
    }

    static func text(_ r: BenchResult, preset: String, custom: Bool) -> String {
        let c = r.config
        let name = custom ? "\(preset) + --config" : preset
        let model = "\(name): \(c.imgSize) px, patch \(c.patchSize), encoder \(c.embedDim)×\(c.depth), "
            + "decoder \(c.decoderEmbedDim)×\(c.decoderDepth), 75% masked"
        var lines = ["model      \(model)", "threads    \(r.threads), \(r.isa.rawValue) kernels"]
        // Parts left out with --only are NaN and not shown.
        if r.trainImagesPerSecond.isFinite {
            lines.append("training   \(f(r.trainImagesPerSecond, 1)) images/s (batch \(r.batch), \(r.steps) steps in "
                         + "\(f(r.trainSeconds, 2)) s)")
        }
        if r.latencyMeanMs.isFinite {
            lines.append("latency    batch 1: median \(f(r.latencyMedianMs, 2)) ms, mean \(f(r.latencyMeanMs, 2)) ms "
                         + "(\(r.latencyRuns) runs)")
        }
        if r.trainGFLOPs.isFinite && r.sgemmGFLOPs.isFinite {
            lines.append("matmuls    training \(f(r.trainGFLOPs, 1)) GFLOP/s = \(f(100 * r.trainGFLOPs / r.sgemmGFLOPs, 0))% of "
                         + "cblas_sgemm 1024³ at \(f(r.sgemmGFLOPs, 1)) GFLOP/s")
        } else if r.trainGFLOPs.isFinite {
            lines.append("matmuls    training \(f(r.trainGFLOPs, 1)) GFLOP/s")
        } else if r.sgemmGFLOPs.isFinite {
            lines.append("matmuls    cblas_sgemm 1024³ at \(f(r.sgemmGFLOPs, 1)) GFLOP/s")
        }
        lines.append("memory     peak resident \(f(r.peakResidentMB, 0)) MB")
        return lines.joined(separator: "\n")
    }

    private static func f(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private static func rounded(_ value: Double, _ digits: Int) -> Any {
        guard value.isFinite else { return NSNull() }
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
