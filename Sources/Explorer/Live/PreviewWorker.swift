import Foundation
import Imaging
import MAE

/// Reconstructs the probe image with the newest weights on a thread of its own, so neither the
/// UI thread nor the trainer waits for it. Only the newest probe matters, so the worker keeps
/// just the newest finished one.
public final class PreviewWorker: @unchecked Sendable {
    /// Where the weights come from: a trainer snapshot or a checkpoint file (called on the worker).
    public typealias ModelSource = @Sendable () throws -> MAEModel

    public struct Request: @unchecked Sendable {
        public var model: ModelSource
        public var imagePath: String
        public var maskSeed: UInt64
        public var maskRatio: Double
        public var step: Int?
        /// Which weights these are, for the header ("epoch 20"), when a step does not say it.
        public var label: String?

        public init(model: @escaping ModelSource, imagePath: String, maskSeed: UInt64, maskRatio: Double, step: Int?,
                    label: String? = nil) {
            self.model = model
            self.imagePath = imagePath
            self.maskSeed = maskSeed
            self.maskRatio = maskRatio
            self.step = step
            self.label = label
        }
    }

    private let worker: LatestRequestWorker<Request, Result<LiveViewState.Probe, ExplorerError>>

    public init(wakeFD: Int32) {
        worker = LatestRequestWorker(name: "maex preview", stackSize: 16 << 20, keep: 1,
                                     wakeFD: wakeFD, work: Self.run)
    }

    /// Starts the thread with SIGWINCH and the quit signals blocked in it.
    public func start() { worker.start() }

    /// Drops the waiting request and ends the thread after the current one.
    public func stop() { worker.stop() }

    /// Whether a request is waiting or running.
    public var isBusy: Bool { worker.isBusy }

    public func submit(_ request: Request) { worker.submit(request) }

    /// The newest finished probe, once.
    public func takeFinished() -> Result<LiveViewState.Probe, ExplorerError>? { worker.takeFinished().last }

    static func run(_ request: Request) -> Result<LiveViewState.Probe, ExplorerError> {
        let model: MAEModel
        do {
            model = try request.model()
        } catch {
            return .failure(ExplorerError("cannot load the weights: \(error)"))
        }
        let c = model.config
        let mask = makeMask(.random, ratio: request.maskRatio, gridSize: c.gridSize, seed: request.maskSeed).masked
        let outcome = ModelEngine(model: model).run(ReconstructionRequest(id: 0, imageIndex: 0, path: request.imagePath,
                                                                          masks: [mask]))
        switch outcome.result {
        case .failure(let e): return .failure(e)
        case .success(let image):
            guard let panel = image.panels.first else { return .failure(ExplorerError("no reconstruction")) }
            return .success(LiveViewState.Probe(name: (request.imagePath as NSString).lastPathComponent,
                                                original: image.original, hidden: mask,
                                                reconstruction: panel.reconstruction, pasted: panel.pasted,
                                                gridSize: c.gridSize, step: request.step, label: request.label))
        }
    }
}
