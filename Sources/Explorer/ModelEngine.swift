import Foundation
import Imaging
import MAE
import Pipeline

/// The reconstruction engine backed by an MAE model: the reconstruction pipeline (Pipeline's
/// PreparedImage, kept for the last few images, and `reconstructed(by:mask:)`) under each
/// requested mask, with the model it was made with (read at the first request when it is a
/// LazyModel) or a training run's newest weights. Runs on the worker thread only (MAEModel is
/// not thread-safe).
public final class ModelEngine: ReconstructionEngine {
    public let source: LazyModel
    /// The training weights used last, kept until a newer step comes.
    private var trained: (model: MAEModel, step: Int)?
    /// The content hashes of the model's training images (`TrainingImages`), or nil when its
    /// file does not say: then no image is marked seen or held out.
    public let trainingImages: Set<String>?
    /// Prepared images by path, with whether the model saw the image in training.
    private var cache: [(path: String, image: PreparedImage, seen: Bool?)] = []
    private let cacheLimit = 16

    public convenience init(model: MAEModel, trainingImages: Set<String>? = nil) {
        self.init(loading: LazyModel(model), trainingImages: trainingImages)
    }

    public init(loading source: LazyModel, trainingImages: Set<String>? = nil) {
        self.source = source
        self.trainingImages = trainingImages
    }

    public func run(_ request: ReconstructionRequest) -> ReconstructionOutcome {
        func failed(_ error: ExplorerError) -> ReconstructionOutcome {
            ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex, result: .failure(error), modelFailed: true)
        }
        var model: MAEModel
        switch source.get() {
        case .success(let m): model = m
        case .failure(let error): return failed(error)
        }
        let prepared: (image: PreparedImage, seen: Bool?)
        do {
            prepared = try prepare(request.path, side: model.config.imgSize)
        } catch {
            return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex, result: .failure(error))
        }
        var weightsStep: Int?
        if let feed = request.weights {
            if let newest = feed.latest(), newest.step != trained?.step { trained = newest }
            if let trained, trained.model.config == model.config { (model, weightsStep) = (trained.model, trained.step) }
        }
        let c = model.config
        if let sweep = request.sweep {
            let result = RatioSweep.measure(sweep.point, images: [prepared.image], model: model, seeds: sweep.seeds)
            return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                         result: .success(ReconstructedImage(original: prepared.image.original, panels: [],
                                                                             seenInTraining: prepared.seen,
                                                                             weightsStep: weightsStep, sweep: result)))
        }
        var panels: [ReconstructedPanels] = []
        for mask in request.masks {
            guard mask.count == c.numPatches else {
                return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                             result: .failure(ExplorerError("mask of \(mask.count) patches for a model of \(c.numPatches)")))
            }
            let r = prepared.image.reconstructed(by: model, mask: PatchMask(masked: mask))
            panels.append(ReconstructedPanels(
                mask: mask, reconstruction: r.reconstruction, pasted: r.pasted, maskedMSE: Float(r.scores.maskedMSE),
                psnr: r.scores.psnr, patchErrors: r.scores.patchErrors, seconds: r.model.seconds,
                leaksMaskedStatistics: r.model.leaksMaskedStatistics))
        }
        return ReconstructionOutcome(id: request.id, imageIndex: request.imageIndex,
                                     result: .success(ReconstructedImage(original: prepared.image.original, panels: panels,
                                                                         compareRatios: request.compareRatios,
                                                                         seenInTraining: prepared.seen,
                                                                         weightsStep: weightsStep)))
    }

    private func prepare(_ path: String, side: Int) throws(ExplorerError) -> (image: PreparedImage, seen: Bool?) {
        if let hit = cache.firstIndex(where: { $0.path == path }) {
            let entry = cache.remove(at: hit)
            cache.append(entry)
            return (entry.image, entry.seen)
        }
        let image: PreparedImage
        do {
            image = try PreparedImage(path: path, side: side)
        } catch {
            throw ExplorerError(error.description)
        }
        // By content, so a renamed or re-saved copy of a training image is recognised too.
        let seen = trainingImages.map { $0.contains(contentHash(image.source)) }
        cache.append((path, image, seen))
        if cache.count > cacheLimit { cache.removeFirst() }
        return (image, seen)
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
