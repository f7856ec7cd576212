import Imaging
import MAE
import Pipeline

/// An error the explorer shows in its status bar.
public struct ExplorerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the worker is asked: one image and one mask, or four masks for compare mode.
public struct ReconstructionRequest: Sendable {
    public var id: Int
    public var imageIndex: Int
    public var path: String
    /// One mask per reconstruction, each [L] row-major, true = hidden.
    public var masks: [[Bool]]
    /// The ratios of compare mode's masks (empty otherwise).
    public var compareRatios: [Double]
    /// The newest weights of a training run, or nil for the model the engine was made with.
    public var weights: WeightFeed?
    /// One point of the ratio sweep to score instead of `masks` (the `%` chart).
    public var sweep: SweepRequest?

    public init(id: Int, imageIndex: Int, path: String, masks: [[Bool]], compareRatios: [Double] = [],
                sweep: SweepRequest? = nil, weights: WeightFeed? = nil) {
        self.id = id
        self.imageIndex = imageIndex
        self.path = path
        self.masks = masks
        self.compareRatios = compareRatios
        self.sweep = sweep
        self.weights = weights
    }
}

/// Where a training run's newest weights are, for the worker: a copy the trainer keeps and
/// refreshes (`Trainer.latestWeights`), taken without waiting for a step.
public struct WeightFeed: Sendable {
    public let latest: @Sendable () -> (model: MAEModel, step: Int)?

    public init(latest: @escaping @Sendable () -> (model: MAEModel, step: Int)?) { self.latest = latest }
}

/// The pictures and numbers of one reconstruction, in display space (0...1, S×S).
public struct ReconstructedPanels: Sendable {
    public var mask: [Bool]
    public var reconstruction: RGBImage
    /// Visible patches from the input, masked ones from the reconstruction.
    public var pasted: RGBImage
    /// MSE of `reconstruction` over the hidden patches' pixels in 0...1 (NaN when none is hidden).
    public var maskedMSE: Float
    /// PSNR of `pasted` against the original in 0...1 (infinite when identical).
    public var psnr: Double
    /// Per-patch MSE of `reconstruction` against the original in 0...1, [L].
    public var patchErrors: [Float]
    public var seconds: Double
    public var leaksMaskedStatistics: Bool

    public init(mask: [Bool], reconstruction: RGBImage, pasted: RGBImage, maskedMSE: Float, psnr: Double,
                patchErrors: [Float], seconds: Double, leaksMaskedStatistics: Bool = false) {
        self.mask = mask
        self.reconstruction = reconstruction
        self.pasted = pasted
        self.maskedMSE = maskedMSE
        self.psnr = psnr
        self.patchErrors = patchErrors
        self.seconds = seconds
        self.leaksMaskedStatistics = leaksMaskedStatistics
    }
}

/// The worker's answer to one request.
public struct ReconstructionOutcome: Sendable {
    public var id: Int
    public var imageIndex: Int
    public var result: Result<ReconstructedImage, ExplorerError>
    /// The failure is the model's (it could not be read), not the image's.
    public var modelFailed: Bool

    public init(id: Int, imageIndex: Int, result: Result<ReconstructedImage, ExplorerError>, modelFailed: Bool = false) {
        self.id = id
        self.imageIndex = imageIndex
        self.result = result
        self.modelFailed = modelFailed
    }
}

public struct ReconstructedImage: Sendable {
    /// The image as the model sees it, resized and cropped to S×S.
    public var original: RGBImage
    public var panels: [ReconstructedPanels]
    public var compareRatios: [Double]
    /// Whether the model was trained on this image: nil when the model does not say.
    public var seenInTraining: Bool?
    /// The training step of the weights that drew it (nil: the loaded model's own).
    public var weightsStep: Int?
    /// A sweep request's scores (then `panels` is empty).
    public var sweep: RatioSweep.PointResult?

    public init(original: RGBImage, panels: [ReconstructedPanels], compareRatios: [Double] = [], seenInTraining: Bool? = nil,
                weightsStep: Int? = nil, sweep: RatioSweep.PointResult? = nil) {
        self.original = original
        self.panels = panels
        self.compareRatios = compareRatios
        self.seenInTraining = seenInTraining
        self.weightsStep = weightsStep
        self.sweep = sweep
    }
}

/// What the status bar says about the model.
public struct ModelSummary: Sendable, Equatable {
    public var name: String
    public var imageSide: Int
    public var patchSize: Int
    public var parameterCount: Int
    /// Shown in the header when set, e.g. that the weights are untrained.
    public var note: String?

    public init(name: String, imageSide: Int, patchSize: Int, parameterCount: Int, note: String? = nil) {
        self.name = name
        self.imageSide = imageSide
        self.patchSize = patchSize
        self.parameterCount = parameterCount
        self.note = note
    }

    public var gridSize: Int { imageSide / max(1, patchSize) }
    public var patchCount: Int { gridSize * gridSize }
}
