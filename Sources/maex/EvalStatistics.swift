import Foundation
import Pipeline

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
    var scores: [FillingMethod: EvalScores]

    func psnr(_ method: FillingMethod) -> ScoreSummary { ScoreSummary(scores[method]?.psnr ?? []) }
    func maskedMSE(_ method: FillingMethod) -> ScoreSummary { ScoreSummary(scores[method]?.maskedMSE ?? []) }
}

/// The overall numbers: the mean over every image and seed, and the spread over seeds of the
/// mean across images (how much the headline number moves with the masks drawn). Every image
/// has the same seeds, so the mean of the per-seed means is the mean over all pairs.
enum EvalOverall {
    static func summary(_ images: [EvalImageResult], _ method: FillingMethod,
                        _ value: KeyPath<EvalScores, [Double]>) -> ScoreSummary {
        let perImage = images.map { ($0.scores[method] ?? EvalScores())[keyPath: value] }
        guard let seeds = perImage.first?.count, seeds > 0, perImage.allSatisfy({ $0.count == seeds }) else {
            return ScoreSummary([])
        }
        let perSeed = (0..<seeds).map { s in perImage.reduce(0) { $0 + $1[s] } / Double(perImage.count) }
        return ScoreSummary(perSeed)
    }
}
