import Foundation
import Imaging
import MAE

/// Reconstructs the probe image with the newest weights on a thread of its own, so neither the
/// UI thread nor the trainer waits for it. A newer request replaces one not yet started; the
/// finished probe replaces the previous one, and a byte on the wake pipe tells the UI.
public final class PreviewWorker: @unchecked Sendable {
    /// Where the weights come from: a trainer snapshot or a checkpoint file (called on the worker).
    public typealias ModelSource = @Sendable () throws -> MAEModel

    public struct Request: @unchecked Sendable {
        public var model: ModelSource
        public var imagePath: String
        public var maskSeed: UInt64
        public var maskRatio: Double
        public var step: Int?

        public init(model: @escaping ModelSource, imagePath: String, maskSeed: UInt64, maskRatio: Double, step: Int?) {
            self.model = model
            self.imagePath = imagePath
            self.maskSeed = maskSeed
            self.maskRatio = maskRatio
            self.step = step
        }
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: Request?
    private var finished: Result<LiveViewState.Probe, ExplorerError>?
    private var busy = false
    private var stopping = false
    private var thread: Thread?
    private let wakeFD: Int32

    public init(wakeFD: Int32) { self.wakeFD = wakeFD }

    public func start() {
        let t = Thread { [self] in loop() }
        t.name = "maex preview"
        t.stackSize = 16 << 20
        thread = t
        t.start()
    }

    public func stop() {
        condition.withLock {
            stopping = true
            pending = nil
            condition.broadcast()
        }
    }

    /// Whether a request is waiting or running.
    public var isBusy: Bool { condition.withLock { busy || pending != nil } }

    public func submit(_ request: Request) {
        condition.withLock {
            pending = request
            condition.broadcast()
        }
    }

    /// The newest finished probe, once.
    public func takeFinished() -> Result<LiveViewState.Probe, ExplorerError>? {
        condition.withLock {
            defer { finished = nil }
            return finished
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while pending == nil && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let request = pending!
            pending = nil
            busy = true
            condition.unlock()

            let result = Self.run(request)
            condition.withLock {
                finished = result
                busy = false
            }
            var byte: UInt8 = 1
            _ = write(wakeFD, &byte, 1)
        }
    }

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
                                                gridSize: c.gridSize, step: request.step))
        }
    }
}
