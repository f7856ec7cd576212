/// Mean, spread and range of one score over several masks (seeds, or images and seeds).
public struct ScoreSummary: Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation (n − 1 in the denominator; 0 for a single value).
    public var std: Double
    public var min: Double
    public var max: Double
    public var values: [Double]

    /// Plain arithmetic: a NaN or infinite value (a PSNR of identical images, the MSE of an
    /// empty mask) makes the mean and spread NaN or infinite, which reports show as such.
    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        guard !values.isEmpty else { mean = .nan; std = .nan; min = .nan; max = .nan; return }
        let m = values.reduce(0, +) / n
        mean = m
        if values.count == 1 {
            std = m.isFinite ? 0 : .nan
        } else {
            std = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
        }
        // NaN never wins a comparison: min and max are NaN only when every value is.
        min = values.reduce(Double.nan) { $0.isNaN || $1 < $0 ? $1 : $0 }
        max = values.reduce(Double.nan) { $0.isNaN || $1 > $0 ? $1 : $0 }
    }
}
