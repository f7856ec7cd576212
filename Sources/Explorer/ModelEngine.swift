import Foundation
import Imaging
import MAE

/// The reconstruction engine backed by an MAE model: decode, resize and crop to the model's
/// side, normalise, reconstruct under each requested mask, and convert back to display space.
/// Runs on the worker thread only (MAEModel is not thread-safe).
public final class ModelEngine: ReconstructionEngine {
    public let model: MAEModel
    /// The content hashes of the model's training images (`TrainingImages`), or nil when its
    /// file does not say: then no image is marked seen or held out.
    public let trainingImages: Set<String>?
    /// Prepared images by path: (display image [S, S, 3] in 0...1, model input [3, S, S], whether
    /// the model saw the image in training).
    private var cache: [(path: String, original: RGBImage, input: [Float], seen: Bool?)] = []
    private let cacheLimit = 16

    public init(model: MAEModel, trainingImages: Set<String>? = nil) {
        self.model = model
        self.trainingImages = trainingImages
    }

    public func run(_ request: ReconstructionRequest) -> ReconstructionOutcome {
        let prepared: (RGBImage, [Float], Bool?)
        do {
            prepared = try prepare(request.path)
        } catch {
            return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex, result: .failure(error))
        }
        let (original, input, seen) = prepared
        let c = model.config, S = c.imgSize
        var panels: [ReconstructedPanels] = []
        for mask in request.masks {
            guard mask.count == c.numPatches else {
                return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                             result: .failure(ExplorerError("mask of \(mask.count) patches for a model of \(c.numPatches)")))
            }
            let r = model.reconstruct(image: input, mask: PatchMask(masked: mask))
            let reconstruction = r.prediction.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: S, height: S) }
            let pasted = r.pasted.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: S, height: S) }
            let errors = ImageMetrics.patchErrors(reconstruction, original, patchSize: c.patchSize)
            panels.append(ReconstructedPanels(
                mask: mask, reconstruction: reconstruction, pasted: pasted,
                maskedMSE: Self.maskedMSE(errors, mask: mask), psnr: ImageMetrics.psnr(pasted, original),
                patchErrors: errors, seconds: r.seconds, leaksMaskedStatistics: r.leaksMaskedStatistics))
        }
        return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                     result: .success(ReconstructedImage(original: original, panels: panels,
                                                                         compareRatios: request.compareRatios, seenInTraining: seen)))
    }

    /// MSE of the reconstruction over the hidden patches in pixel values 0...1, as `maex
    /// reconstruct` reports it: patches are equal in size, so the mean of their MSEs.
    static func maskedMSE(_ errors: [Float], mask: [Bool]) -> Float {
        var sum: Float = 0, n = 0
        for k in errors.indices where k < mask.count && mask[k] { sum += errors[k]; n += 1 }
        return n == 0 ? .nan : sum / Float(n)
    }

    private func prepare(_ path: String) throws(ExplorerError) -> (RGBImage, [Float], Bool?) {
        if let hit = cache.firstIndex(where: { $0.path == path }) {
            let entry = cache.remove(at: hit)
            cache.append(entry)
            return (entry.original, entry.input, entry.seen)
        }
        let decoded: RGBImage
        do {
            decoded = try decodeImage(atPath: path)
        } catch {
            throw ExplorerError(error.description)
        }
        guard decoded.width > 0, decoded.height > 0 else { throw ExplorerError("\(path): the image is empty") }
        let original = resizeAndCenterCrop(decoded, side: model.config.imgSize)
        let input = normalizedCHW(original)
        // By content, so a renamed or re-saved copy of a training image is recognised too.
        let seen = trainingImages.map { $0.contains(contentHash(decoded)) }
        cache.append((path, original, input, seen))
        if cache.count > cacheLimit { cache.removeFirst() }
        return (original, input, seen)
    }

    /// What the status bar says about `model` named `name`.
    public static func summary(of model: MAEModel, name: String, note: String? = nil) -> ModelSummary {
        ModelSummary(name: name, imageSide: model.config.imgSize, patchSize: model.config.patchSize,
                     parameterCount: model.table.count, note: note)
    }

    /// The model's own mask generator, for the reducer.
    public static let makeMask: ExplorerReducer.MaskMaker = { pattern, ratio, gridSize, seed in
        MAE.makeMask(pattern, ratio: ratio, gridSize: gridSize, seed: seed).masked
    }
}
