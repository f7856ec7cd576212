import Foundation
import MAE

/// A model read on first use, once, by whichever thread asks first: the explorer's worker, so
/// the window opens before a large file is read (ViT-H is 2.6 GB) and the first reconstruction
/// follows it. Later callers get the same model, or the same error.
public final class LazyModel: @unchecked Sendable {
    private let lock = NSLock()
    private var load: (() throws -> MAEModel)?
    private var result: Result<MAEModel, ExplorerError>?

    /// `load` runs at most once; its error's text is what the status bar shows.
    public init(_ load: @escaping () throws -> MAEModel) { self.load = load }

    public init(_ model: MAEModel) { result = .success(model) }

    /// The model, read now if nobody has yet (callers wait for a read in progress).
    public func get() -> Result<MAEModel, ExplorerError> {
        lock.withLock {
            if let result { return result }
            let loaded: Result<MAEModel, ExplorerError>
            do {
                loaded = .success(try load!())
            } catch {
                loaded = .failure(ExplorerError("cannot load the model: \(error)"))
            }
            load = nil
            result = loaded
            return loaded
        }
    }
}
