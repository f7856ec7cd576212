import Foundation

/// `sources.tsv` in a collected folder: which original each image came from. One line a file,
/// tab-separated: the content hash of the original's pixels (`contentHash`), the collected file's
/// name, the original's width and height, and its path. Lines starting with `#` are comments.
///
/// It lets a model trained on the folder carry the hashes of the originals, so that the
/// explorer recognises a training image when a person opens the full-size file.
public struct CollectionManifest: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var hash: String
        public var file: String
        public var width: Int
        public var height: Int
        public var source: String

        public init(hash: String, file: String, width: Int, height: Int, source: String) {
            self.hash = hash
            self.file = file
            self.width = width
            self.height = height
            self.source = source
        }
    }

    public static let fileName = "sources.tsv"
    static let header = "# maex collect: content hash of the original's pixels, file, original width, height, original path"

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public var text: String {
        var lines = [Self.header]
        for e in entries { lines.append([e.hash, e.file, String(e.width), String(e.height), e.source].joined(separator: "\t")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses `text`; malformed lines are left out (the manifest only adds hashes, and a damaged
    /// line must not stop a training run).
    public init(text: String) {
        entries = text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let f = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, f[0].count == 16, f[0].allSatisfy(\.isHexDigit), let w = Int(f[2]), let h = Int(f[3]) else { return nil }
            return Entry(hash: f[0], file: f[1], width: w, height: h, source: f[4])
        }
    }

    /// The manifest of `folder`, or nil if it has none (an ordinary folder of images).
    public static func read(folder: String) -> CollectionManifest? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(fileName)) else { return nil }
        return CollectionManifest(text: String(decoding: data, as: UTF8.self))
    }
}
