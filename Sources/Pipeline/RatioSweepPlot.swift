import Imaging
import MAE

extension RatioSweep {
    /// What the sweep's chart shows on the y axis.
    public enum Metric: String, CaseIterable, Sendable {
        /// PSNR of filling + visible over the whole image, dB: falls as the ratio rises.
        case psnr
        /// MSE over the hidden pixels, 0...1: rises as the ratio rises.
        case maskedMSE

        public var title: String { self == .psnr ? "PSNR (dB)" : "masked MSE" }
        public var other: Metric { self == .psnr ? .maskedMSE : .psnr }

        func summary(_ r: PointResult, _ method: FillingMethod) -> ScoreSummary? {
            (self == .psnr ? r.psnr : r.maskedMSE)[method]
        }
    }

    /// The series' colours (sRGB), shared by the terminal chart and the PNG.
    public static let randomColour: (UInt8, UInt8, UInt8) = (66, 133, 244)
    public static let blockColour: (UInt8, UInt8, UInt8) = (234, 106, 40)
    public static let gridColour: (UInt8, UInt8, UInt8) = (52, 168, 83)
    public static let meanFillColour: (UInt8, UInt8, UInt8) = (150, 150, 150)
    public static let interpolationColour: (UInt8, UInt8, UInt8) = (200, 160, 20)

    /// The chart of `results` (any subset of `points`, e.g. while the explorer computes): the
    /// model's mean under random and block masks with their min–max bands, the grid mask as a
    /// mark with its range, and mean fill and interpolation under random masks as dashed
    /// references. `subject` names the image(s) in the title.
    public static func plot(_ results: [PointResult], metric: Metric, subject: String, seeds: Int) -> Plot {
        func series(_ strategy: MaskStrategy) -> [PointResult] {
            results.filter { $0.point.strategy == strategy }.sorted { $0.point.ratio < $1.point.ratio }
        }
        let random = series(.random), block = series(.block), grid = series(.grid)
        func values(_ rs: [PointResult], _ method: FillingMethod, _ part: (ScoreSummary) -> Double) -> [Double] {
            rs.map { metric.summary($0, method).map(part) ?? .nan }
        }
        func xs(_ rs: [PointResult]) -> [Double] { rs.map(\.point.ratio) }
        var out: [Plot.Series] = []
        out.append(Plot.Series(label: "min-max over seeds", xs: xs(random), ys: values(random, .model, \.mean),
                               style: .band(low: values(random, .model, \.min), high: values(random, .model, \.max)),
                               colour: randomColour))
        out.append(Plot.Series(label: "", xs: xs(block), ys: values(block, .model, \.mean),
                               style: .band(low: values(block, .model, \.min), high: values(block, .model, \.max)),
                               colour: blockColour))
        out.append(Plot.Series(label: "mean fill", xs: xs(random), ys: values(random, .meanFill, \.mean), style: .dashed,
                               colour: meanFillColour))
        out.append(Plot.Series(label: "interpolation", xs: xs(random), ys: values(random, .interpolation, \.mean),
                               style: .dashed, colour: interpolationColour))
        out.append(Plot.Series(label: "model, random", xs: xs(random), ys: values(random, .model, \.mean), style: .solid,
                               colour: randomColour))
        out.append(Plot.Series(label: "model, block", xs: xs(block), ys: values(block, .model, \.mean), style: .solid,
                               colour: blockColour))
        out.append(Plot.Series(label: "model, grid", xs: xs(grid), ys: values(grid, .model, \.mean),
                               style: .marker(low: values(grid, .model, \.min), high: values(grid, .model, \.max)),
                               colour: gridColour))
        let ticks = [0.05, 0.25, 0.5, 0.75, 0.95].map { (value: $0, label: "\(Int(($0 * 100).rounded()))%") }
        return Plot(title: "\(metric.title) against mask ratio, \(subject), mean of \(seeds) seed\(seeds == 1 ? "" : "s")",
                    xLabel: "mask ratio (references: random masks)", yLabel: metric.title, series: out,
                    xRange: 0.05...0.95, xTicks: ticks)
    }
}
