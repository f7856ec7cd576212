import Foundation

/// The status bar's text: what is shown, how it was masked, and how well it was redrawn.
public enum StatusBar {
    /// The fields of the first status line, most important first.
    public static func fields(_ s: ExplorerState) -> [String] {
        var f: [String] = []
        if let image = s.currentImage {
            var field = "\(image.name) \(s.imageIndex + 1)/\(s.images.count)"
            if let seen = s.shown?.seenInTraining {
                field += seen ? " · seen in training" : " · held out"
            }
            f.append(field)
        }
        if s.training != nil, let step = s.shown?.weightsStep { f.append("weights @ step \(step)") }
        let m = s.model
        f.append("\(m.name) \(m.imageSide)px p\(m.patchSize) \(parameters(m.parameterCount))")
        if s.compare {
            f.append("compare " + ExplorerState.compareRatios.map { percent($0) }.joined(separator: " "))
            f.append((s.pattern ?? .random).rawValue)
        } else {
            f.append(s.pattern?.rawValue ?? "painted")
            f.append("ratio \(percent(s.ratio)) actual \(String(format: "%.1f%%", s.actualRatio * 100))")
        }
        f.append("seed \(s.seed)")
        if !s.compare, let p = s.shownPanels {
            f.append("MSE " + (p.maskedMSE.isFinite ? String(format: "%.3f", p.maskedMSE) : "–"))
            f.append("PSNR " + decibels(p.psnr))
            f.append(milliseconds(p.seconds))
            // A norm-pix model's prediction is de-normalised with the hidden patches' own mean
            // and variance: the picture knows something it was not shown.
            if p.leaksMaskedStatistics { f.append("norm-pix: uses hidden patch mean/std") }
        } else if s.compare, let shown = s.shown {
            f.append(milliseconds(shown.panels.reduce(0) { $0 + $1.seconds }))
        }
        return f
    }

    public static func percent(_ r: Double) -> String { "\(Int((r * 100).rounded()))%" }

    public static func decibels(_ v: Double) -> String {
        v.isFinite ? String(format: "%.1f dB", v) : "∞ dB"
    }

    static func milliseconds(_ seconds: Double) -> String {
        seconds < 0.0095 ? String(format: "%.1f ms", seconds * 1000) : "\(Int((seconds * 1000).rounded())) ms"
    }

    static func parameters(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 1_000 { return String(format: "%.0fk", Double(n) / 1e3) }
        return "\(n)"
    }

    /// Packs fields into lines of `width` cells joined by a separator; a field that does not
    /// fit starts the next line; returns at most `maxLines` lines (the last may be cut).
    public static func pack(_ fields: [String], width: Int, separator: String = " │ ", maxLines: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for f in fields {
            let candidate = line.isEmpty ? " " + f : line + separator + f
            if candidate.unicodeScalars.count <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = " " + f
            }
        }
        if !line.isEmpty { lines.append(line) }
        return Array(lines.prefix(maxLines))
    }

    /// The second line when no message or overflow needs it.
    public static let hint = " ? help · q quit · mouse: paint patches · r random · 1–9 ratio · [ ] images · v compare · z zoom · T train"

    /// The second line for `s`: while training, the run folder and the training keys.
    public static func hint(_ s: ExplorerState) -> String {
        guard let t = s.training else { return hint }
        let keys = t.running && !t.stopping ? " T pause · w save · W weights · s/S smooth · l log · z view · ? help · q stop+save"
            : " W weights · s/S smooth · l log · z view · ? help · q quit"
        guard case .training(let run) = t.live.source else { return keys }
        return keys + " · run " + run
    }
}
