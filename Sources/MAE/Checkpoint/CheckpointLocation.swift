import Foundation

/// Where a checkpoint's weights (and a Hugging Face config) lie, from the path a person gives:
///
/// - a file: safetensors or a PyTorch zip, told apart by content; a `config.json` beside a
///   `model.safetensors` or `pytorch_model.bin` is its Hugging Face config;
/// - a folder that `save_pretrained` wrote: `config.json` with `model.safetensors` (preferred)
///   or `pytorch_model.bin`;
/// - a Hugging Face cache folder, `models--facebook--vit-mae-base`: the snapshot that
///   `refs/main` names (`snapshots/<commit>/`), whose files are links into `blobs/`.
///
/// Limits: sharded weights (`*.index.json`) are not read.
public struct CheckpointLocation: Sendable, Equatable {
    /// What the person gave.
    public let path: String
    /// The weights file.
    public let weights: String
    /// The Hugging Face config beside the weights, if any.
    public let config: String?
    /// How the weights were found, for `maex info`: "file", "Hugging Face folder", "Hugging Face
    /// cache, snapshot 1a2b3c4 (refs/main)".
    public let found: String

    static let weightFiles = ["model.safetensors", "pytorch_model.bin"]
    /// The largest refs/main read: it holds a commit's 40 hexadecimal digits.
    static let maxRefBytes = 256

    public static func resolve(_ path: String) throws(CheckpointError) -> CheckpointLocation {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .io(path: path, reason: "cannot open: No such file or directory")
        }
        if !isDirectory.boolValue {
            let name = (path as NSString).lastPathComponent
            let beside = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("config.json")
            let config = weightFiles.contains(name) && FileManager.default.fileExists(atPath: beside) ? beside : nil
            return CheckpointLocation(path: path, weights: path, config: config, found: "file")
        }
        var folder = path
        var found = "Hugging Face folder"
        let snapshots = (path as NSString).appendingPathComponent("snapshots")
        if FileManager.default.fileExists(atPath: snapshots) {
            let ref = (path as NSString).appendingPathComponent("refs/main")
            let commit: String
            if let file = try? MappedFile(path: ref) {
                guard file.count <= maxRefBytes else {
                    throw .malformed(path: ref, reason: "has \(file.count) bytes, more than the \(maxRefBytes) of a commit name")
                }
                let text = withExtendedLifetime(file) { String(decoding: file.bytes, as: UTF8.self) }
                commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
                found = "Hugging Face cache, snapshot \(commit.prefix(12)) (refs/main)"
            } else {
                let all = ((try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []).filter { !$0.hasPrefix(".") }
                guard all.count == 1 else {
                    throw .unusable(path: path, reason: "is a Hugging Face cache folder without refs/main and with "
                                    + "\(all.count) snapshots: give the snapshot folder (snapshots/<commit>) itself")
                }
                commit = all[0]
                found = "Hugging Face cache, its only snapshot \(commit.prefix(12))"
            }
            guard !commit.isEmpty, !commit.contains("/"), !commit.contains("..") else {
                throw .malformed(path: ref, reason: "does not name a snapshot")
            }
            folder = (snapshots as NSString).appendingPathComponent(commit)
            guard FileManager.default.fileExists(atPath: folder) else {
                throw .unusable(path: path, reason: "refs/main names snapshot \(commit), which is not in snapshots/ "
                                + "(download it again)")
            }
        }
        let config = (folder as NSString).appendingPathComponent("config.json")
        for name in weightFiles {
            let file = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file) {
                return CheckpointLocation(path: path, weights: file,
                                          config: FileManager.default.fileExists(atPath: config) ? config : nil, found: found)
            }
        }
        for name in weightFiles where FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name + ".index.json")) {
            throw .unusable(path: path, reason: "holds sharded weights (\(name).index.json), which maex does not read; "
                            + "save the model as one file (save_pretrained with a larger max_shard_size)")
        }
        throw .unusable(path: path, reason: "is a folder without \(weightFiles.joined(separator: " or ")): give a "
                        + "checkpoint file, a save_pretrained folder or a Hugging Face cache folder (models--org--name)")
    }
}
