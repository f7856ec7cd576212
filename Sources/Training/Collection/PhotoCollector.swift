import Foundation
import Imaging

/// Builds a training folder from image packages: of each picture the largest size, screened
/// for photographs (`PhotoScreen`), near-duplicates dropped, shrunk once to `shorterSide` and
/// written as PNG with a `sources.tsv` manifest. The folder appears whole or not at all: it is
/// written beside itself and renamed into place.
public struct PhotoCollector: Sendable {
    /// The collected copies' shorter side, in pixels (larger originals are shrunk, bicubic).
    public var shorterSide: Int
    /// Originals whose shorter side is smaller are icons or thumbnails, not photographs.
    public var minShorterSide: Int

    public init(shorterSide: Int = 256, minShorterSide: Int = 256) {
        self.shorterSide = shorterSide
        self.minShorterSide = minShorterSide
    }

    /// What happened to one input file.
    public enum Event: Equatable, Sendable {
        case taken(CollectionManifest.Entry)
        case skipped(path: String, reason: String)
        /// A smaller size of a picture whose largest size was taken (or tried).
        case smallerSize(path: String, largest: String)
        case duplicate(path: String, of: String)
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Collects `kept` (taken as they are, only decoded and shrunk: curated images) and then
    /// `candidates` (screened) into `folder`, replacing what it held. Earlier inputs win over
    /// their duplicates. `report` hears every file's fate, in order.
    public func collect(kept: [String], candidates: [String], into folder: String,
                        report: (Event) -> Void) throws(Failure) -> CollectionManifest {
        let staging = folder + ".partial"
        let fm = FileManager.default
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "\(folder): cannot create the folder: \(error.localizedDescription)")
        }
        // Gone once renamed into place; otherwise whatever was written is removed.
        defer { try? fm.removeItem(atPath: staging) }

        var taken: [(entry: CollectionManifest.Entry, signature: Signature)] = []
        var names = Set<String>()
        let inputs = kept.map { ([$0], true) } + Self.groups(candidates, report: report).map { ($0, false) }
        for (group, isKept) in inputs {
            guard let (path, image) = largest(of: group, screened: !isKept, report: report) else { continue }
            let small = shrunk(image)
            let signature = Signature(small)
            if let twin = taken.first(where: { $0.signature.matches(signature) }) {
                report(.duplicate(path: path, of: twin.entry.source))
                continue
            }
            let base = WallpaperName(path: path).name
            var name = base, n = 2
            while names.contains(name.lowercased()) { name = base + "-\(n)"; n += 1 }
            names.insert(name.lowercased())
            let file = name + ".png"
            do {
                try encodePNG(small, toPath: (staging as NSString).appendingPathComponent(file))
            } catch {
                throw Failure(description: "\(folder): cannot write \(file): \(error.reason)")
            }
            let entry = CollectionManifest.Entry(hash: contentHash(image), file: file, width: image.width,
                                                 height: image.height, source: path)
            taken.append((entry, signature))
            report(.taken(entry))
        }
        if taken.isEmpty {
            throw Failure(description: "no photographs among the \(kept.count + candidates.count) files given")
        }
        let manifest = CollectionManifest(entries: taken.map(\.entry))
        do {
            try Data(manifest.text.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(CollectionManifest.fileName)))
            try? fm.removeItem(atPath: folder)
            try fm.moveItem(atPath: staging, toPath: folder)
        } catch {
            throw Failure(description: "\(folder): cannot finish the folder: \(error.localizedDescription)")
        }
        return manifest
    }

    /// The candidates that name images, grouped by picture (first appearance first); the rest
    /// are reported (rejected images) or passed over (other files).
    static func groups(_ candidates: [String], report: (Event) -> Void) -> [[String]] {
        var order: [String] = [], members: [String: [String]] = [:], seen = Set<String>()
        for path in candidates where seen.insert(path).inserted {
            switch PhotoScreen.verdict(forName: path) {
            case .notAnImage: continue
            case .rejected(let reason): report(.skipped(path: path, reason: reason))
            case .candidate:
                let key = WallpaperName(path: path).key
                if members[key] == nil { order.append(key) }
                members[key, default: []].append(path)
            }
        }
        return order.map { members[$0]! }
    }

    /// The decoded largest size of one picture that passes the screen. Sizes named in the file
    /// names are trusted, so only the largest is decoded; otherwise every size is.
    func largest(of group: [String], screened: Bool, report: (Event) -> Void) -> (String, RGBImage)? {
        let named = group.map { WallpaperName(path: $0).namedPixelCount }
        let byName = named.allSatisfy { $0 != nil }
        let order = byName ? group.indices.sorted { named[$0]! > named[$1]! }.map { group[$0] } : group
        var decoded: [(path: String, image: RGBImage)] = [], failed = Set<String>()
        for path in order {
            do {
                decoded.append((path, try decodeImage(atPath: path)))
            } catch {
                report(.skipped(path: path, reason: error.reason))
                failed.insert(path)
                continue
            }
            if byName { break }
        }
        guard let best = decoded.max(by: { $0.image.width * $0.image.height < $1.image.width * $1.image.height }) else { return nil }
        for path in group where path != best.path && !failed.contains(path) {
            report(.smallerSize(path: path, largest: best.path))
        }
        if screened, let reason = PhotoScreen.rejection(of: best.image, minShorterSide: minShorterSide) {
            report(.skipped(path: best.path, reason: reason))
            return nil
        }
        return best
    }

    func shrunk(_ image: RGBImage) -> RGBImage { ImageDataset.shrunk(image, maxShorterSide: shorterSide) }

    /// A 16 × 16 colour thumbnail: copies of one picture at other sizes or re-encoded differ
    /// by a level or two, different pictures (a dark variant too) by far more.
    struct Signature {
        let aspect: Double
        let pixels: [Float]

        init(_ image: RGBImage) {
            aspect = Double(image.width) / Double(image.height)
            pixels = resizeBicubic(image, width: 16, height: 16).pixels
        }

        func matches(_ other: Signature) -> Bool {
            guard abs(aspect / other.aspect - 1) < 0.03 else { return false }
            var sum: Float = 0
            for i in pixels.indices { let d = pixels[i] - other.pixels[i]; sum += d * d }
            return (sum / Float(pixels.count)).squareRoot() < 0.03
        }
    }
}
