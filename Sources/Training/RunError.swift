import MAE

/// What stops a run from starting, saving or resuming. Every case names the file or folder.
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)
    /// A resume of a folder without a complete run, or a new run on a folder that holds one.
    case notResumable(path: String, reason: String)
    case alreadyARun(path: String)
    /// Another live process trains in the folder (it holds RUN/lock; `owner` is what the file
    /// names, nil if it names nothing readable).
    case locked(path: String, owner: RunLock.Owner?)
    case badConfig(path: String, reason: String)
    case checkpoint(CheckpointError)
    case data(DataError)
    /// Training options that cannot make a run (given, or read from config.json).
    case options(TrainingOptionsError)

    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .notResumable(let path, let reason): "\(path): cannot resume: \(reason)"
        case .alreadyARun(let path):
            "\(path): already holds a run (checkpoint.safetensors); resume it, or choose another run folder"
        case .locked(let path, let owner):
            "\(path): another trainer is using this run folder (\(owner.map(\.description) ?? "its lock file names no process")); "
                + "one trainer per run folder"
        case .badConfig(let path, let reason): "\(path): \(reason)"
        case .checkpoint(let e): e.description
        case .data(let e): e.description
        case .options(let e): "invalid training options: \(e)"
        }
    }
}
