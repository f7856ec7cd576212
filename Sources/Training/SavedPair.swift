import Foundation
import MAE

/// One complete save of a run: a checkpoint and an optimizer state of the same step.
///
/// `RunDirectory.save` writes the pair in full as `checkpoint.safetensors.next` and
/// `optimizer.safetensors.next` (each atomically: temp, fsync, rename), and only then renames
/// them over today's files, optimizer first. A kill at any moment therefore leaves one of:
/// - the previous pair, perhaps with a complete or missing `.next` file beside it (killed while
///   writing): the `.next` files do not make a pair and are discarded;
/// - both `.next` files of one step (killed before the renames), or `checkpoint.safetensors.next`
///   and `optimizer.safetensors` of one step (killed between them): the save was complete, and
///   resuming finishes its renames ("rolls it forward").
/// Each file names its step in its metadata (`train.step`, `step`), so the files themselves say
/// which belong together; no other file is needed, and a run folder of any earlier version,
/// including one killed between the renames, resumes.
public struct SavedPair: Equatable, Sendable {
    /// The step both files hold.
    public let step: Int
    /// The names the two files were found under in the run folder (today's names, or
    /// `<name>.next` for a save that was interrupted before its renames).
    public let checkpoint: String
    public let optimizer: String
    /// `.next` files of an unfinished save that were not part of the pair (removed by `settle`).
    public internal(set) var discarded: [String] = []

    /// Whether the pair is, at least in part, the `.next` files of an interrupted save.
    public var rolledForward: Bool {
        checkpoint != RunDirectory.checkpointName || optimizer != RunDirectory.optimizerName
    }

    /// What a resume says about the pair, or nil when it is simply the last save.
    public var note: String? {
        if rolledForward {
            return "its last save, of step \(step), was interrupted after both files were written; completed it"
        }
        if !discarded.isEmpty {
            return "the newest complete save; discarded \(discarded.joined(separator: " and ")) of an unfinished later one"
        }
        return nil
    }
}

extension RunDirectory {
    static let checkpointName = "checkpoint.safetensors"
    static let optimizerName = "optimizer.safetensors"
    static let nextSuffix = ".next"

    /// The newest complete pair in the folder, without changing anything (nil: none). Of two
    /// pairs of the same step, the one under today's names.
    public func newestPair() -> SavedPair? {
        let ck = Self.checkpointName, opt = Self.optimizerName, next = Self.nextSuffix
        let optimizerSteps = [opt, opt + next].compactMap { name in stepInFile(name, key: "step").map { (name, $0) } }
        var best: SavedPair?
        for checkpoint in [ck, ck + next] {
            guard let checkpointStep = checkpointStep(checkpoint) else { continue }
            for (optimizer, step) in optimizerSteps {
                // A checkpoint from before `train.step` was written goes with the optimizer beside it.
                let matches = checkpointStep.map { $0 == step } ?? (checkpoint == ck && optimizer == opt)
                guard matches, step > best?.step ?? -1 else { continue }
                best = SavedPair(step: step, checkpoint: checkpoint, optimizer: optimizer)
            }
        }
        return best
    }

    /// Makes the newest complete pair today's files and removes what an unfinished save left:
    /// the `.next` files of a complete save are renamed into place (optimizer first, as `save`
    /// does, so a kill here leaves a folder that settles the same way again), any other `.next`
    /// file is deleted. Returns the pair as it was found, with what was discarded; nil when the
    /// folder holds no complete pair (then nothing is changed).
    func settle() throws(RunError) -> SavedPair? {
        guard var pair = newestPair() else { return nil }
        for (found, name) in [(pair.optimizer, Self.optimizerName), (pair.checkpoint, Self.checkpointName)] where found != name {
            if rename(file(found), file(name)) != 0 {
                throw .io(path: file(name), reason: "cannot complete the interrupted save of step \(pair.step) "
                    + "(renaming \(found)): \(String(cString: strerror(errno)))")
            }
        }
        for name in [Self.checkpointName + Self.nextSuffix, Self.optimizerName + Self.nextSuffix]
        where isRegularFile(file(name)) {
            if unlink(file(name)) == 0 { pair.discarded.append(name) }
        }
        if pair.rolledForward || !pair.discarded.isEmpty { syncFolder() }
        return pair
    }

    /// The checkpoint's `train.step`: nil if the file is missing or unreadable, .some(nil) if it
    /// is a checkpoint without one.
    private func checkpointStep(_ name: String) -> Int?? {
        guard let tensors = try? SafeTensors.read(path: file(name)) else { return nil }
        return .some(tensors.metadata["train.step"].flatMap { Int($0) })
    }

    private func stepInFile(_ name: String, key: String) -> Int? {
        (try? SafeTensors.read(path: file(name)))?.metadata[key].flatMap { Int($0) }
    }

    private func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Makes renames and deletions in the folder durable.
    func syncFolder() { AtomicFile.syncDirectory(path) }
}
