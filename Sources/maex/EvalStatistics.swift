import Foundation
import Pipeline

/// Mean and spread of one score over the seeds of `maex eval`.
struct EvalSummary: Equatable {
    var mean: Double
    /// Sample standard deviation (n − 1 in the denominator; 0 for a single value).
    var std: Double
    var values: [Double]

    /// Plain arithmetic: a NaN or infinite value (a PSNR of identical images, the MSE of an
    /// empty mask) makes the mean and spread NaN or infinite, which the report shows as such.
    init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        guard !values.isEmpty else { mean = .nan; std = .nan; return }
        let m = values.reduce(0, +) / n
        mean = m
        if values.count == 1 {
            std = m.isFinite ? 0 : .nan
        } else {
            std = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
        }
    }
}

/// The methods `maex eval` scores on the same masks, in report order.
enum EvalMethod: String, CaseIterable {
    case model
    case meanFill = "mean_fill"
    case interpolation

    var title: String {
        switch self {
        case .model: "model"
        case .meanFill: "mean fill"
        case .interpolation: "interpolation"
        }
    }
}

/// One method's scores on one image, one value per seed (seed order).
struct EvalScores: Equatable {
    /// PSNR of "reconstruction + visible" against the original over the whole image, dB.
    var psnr: [Double] = []
    /// MSE over the hidden pixels, pixel values 0...1.
    var maskedMSE: [Double] = []

    mutating func append(_ scores: ReconstructionScores) {
        psnr.append(scores.psnr)
        maskedMSE.append(scores.maskedMSE)
    }
}

/// Everything measured on one image.
struct EvalImageResult {
    var path: String
    /// How the report names it: the path below the data folder, or the file's name.
    var label: String
    var sourceWidth: Int
    var sourceHeight: Int
    var scores: [EvalMethod: EvalScores]

    func psnr(_ method: EvalMethod) -> EvalSummary { EvalSummary(scores[method]?.psnr ?? []) }
    func maskedMSE(_ method: EvalMethod) -> EvalSummary { EvalSummary(scores[method]?.maskedMSE ?? []) }
}

/// The overall numbers: the mean over every image and seed, and the spread over seeds of the
/// mean across images (how much the headline number moves with the masks drawn). Every image
/// has the same seeds, so the mean of the per-seed means is the mean over all pairs.
enum EvalOverall {
    static func summary(_ images: [EvalImageResult], _ method: EvalMethod,
                        _ value: KeyPath<EvalScores, [Double]>) -> EvalSummary {
        let perImage = images.map { ($0.scores[method] ?? EvalScores())[keyPath: value] }
        guard let seeds = perImage.first?.count, seeds > 0, perImage.allSatisfy({ $0.count == seeds }) else {
            return EvalSummary([])
        }
        let perSeed = (0..<seeds).map { s in perImage.reduce(0) { $0 + $1[s] } / Double(perImage.count) }
        return EvalSummary(perSeed)
    }
}
