import Imaging

/// The images a model was trained on, by content (`contentHash`), as its exported file carries
/// them in the `maex.training_images` metadata: comma-separated hashes, sorted. The explorer
/// uses them to say whether a picture it shows was seen in training or held out, whatever the
/// picture's file is called.
public enum TrainingImages {
    public static let metadataKey = "maex.training_images"

    /// The hashes of every image of `files` that decodes, and of the originals named by the
    /// folder's `sources.tsv` when `maex collect` made it (so that the full-size file a copy was
    /// shrunk from is recognised too).
    public static func hashes(files: [String], folder: String) -> Set<String> {
        var out = Set(CollectionManifest.read(folder: folder)?.entries.map(\.hash) ?? [])
        for path in files {
            if let image = try? decodeImage(atPath: path) { out.insert(contentHash(image)) }
        }
        return out
    }

    public static func metadataValue(_ hashes: Set<String>) -> String { hashes.sorted().joined(separator: ",") }

    /// The hashes in a metadata value, or nil if `value` is nil (a model that does not say).
    public static func parse(_ value: String?) -> Set<String>? {
        guard let value else { return nil }
        return Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count == 16 })
    }
}
