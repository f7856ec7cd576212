import Foundation
import Imaging
import MAE
import Synchronization

/// The images of a training folder, decoded once and kept in memory while they fit.
///
/// `open` decodes files in path order until the cache budget is spent; files that fail are
/// dropped from the set with a `SkippedFile`. Files past the budget are decoded when a batch
/// needs them (each time); one that fails then is skipped at that point and reported once.
/// Opening fails only if no file decodes. Safe to share between threads: `open` fixes
/// everything but the record of files that failed later, which sits behind a lock (the loader
/// thread writes it, the command reads its count when the run is over).
///
/// With `maxShorterSide`, an image whose shorter side is longer is shrunk (bicubic, aspect
/// kept) right after decoding: the trainer asks for 4 × the model's side, so even the smallest
/// RandomResizedCrop window (20% of the area, ≈ 0.45 of a side) is still downsampled, while the
/// loader's work and the cache shrink by the square of the factor (a 1411² photo for a 64 px
/// model: 24 MB → 0.8 MB).
public final class ImageDataset: Sendable {
    public typealias Decoder = @Sendable (String) throws(ImageError) -> RGBImage

    public let folder: String
    /// The usable (or not yet checked) files, sorted by path.
    public let files: [String]
    /// Files dropped at open, in path order.
    public let skippedAtOpen: [SkippedFile]
    /// Bytes of decoded pixels held in memory.
    public let cachedBytes: Int
    public let cacheBudget: Int

    private let cache: [RGBImage?]
    /// Files past the budget that failed when a batch needed them (reported once each).
    private let failedLater = Mutex<[Int: String]>([:])
    private let decode: Decoder
    public let maxShorterSide: Int?

    public var count: Int { files.count }
    /// Files that failed when a batch needed them.
    public var failedCount: Int { failedLater.withLock { $0.count } }
    public var cachedCount: Int { cache.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Lists `folder` and decodes its images; see the type's comment. `budget` is in bytes of
    /// decoded Float pixels (12 bytes a pixel).
    public static func open(folder: String, cacheBudget budget: Int = 1 << 30, maxShorterSide: Int? = nil,
                            decode: @escaping Decoder = { (p: String) throws(ImageError) in try decodeImage(atPath: p) }
    ) throws(DataError) -> ImageDataset {
        let candidates = try ImageFolder.imageFiles(in: folder)
        var files: [String] = [], cache: [RGBImage?] = [], skipped: [SkippedFile] = []
        var bytes = 0, full = false
        for path in candidates {
            if full {
                files.append(path)
                cache.append(nil)
                continue
            }
            do {
                let image = shrunk(try decode(path), maxShorterSide: maxShorterSide)
                let size = image.pixels.count * MemoryLayout<Float>.stride
                files.append(path)
                if bytes + size <= budget {
                    cache.append(image)
                    bytes += size
                } else {
                    // Stop decoding up front: the rest is checked when a batch first needs it.
                    cache.append(nil)
                    full = true
                }
            } catch {
                skipped.append(SkippedFile(path: path, reason: Self.reason(error, path: path)))
            }
        }
        if files.isEmpty {
            throw .noneDecodable(folder: folder, files: candidates.count, firstReason: skipped.first?.reason ?? "?")
        }
        return ImageDataset(folder: folder, files: files, cache: cache, bytes: bytes, budget: budget,
                            maxShorterSide: maxShorterSide, skipped: skipped, decode: decode)
    }

    private init(folder: String, files: [String], cache: [RGBImage?], bytes: Int, budget: Int, maxShorterSide: Int?,
                 skipped: [SkippedFile], decode: @escaping Decoder) {
        self.folder = folder
        self.files = files
        self.cache = cache
        self.cachedBytes = bytes
        self.cacheBudget = budget
        self.skippedAtOpen = skipped
        self.decode = decode
        self.maxShorterSide = maxShorterSide
    }

    /// The decoded image of file `i`, or the reason it cannot be used. `firstFailure` is true
    /// the first time a file fails, so the caller reports it once.
    public func image(at i: Int) -> (image: RGBImage?, failure: SkippedFile?, firstFailure: Bool) {
        if let image = cache[i] { return (image, nil, false) }
        if let reason = failedLater.withLock({ $0[i] }) { return (nil, SkippedFile(path: files[i], reason: reason), false) }
        do {
            return (Self.shrunk(try decode(files[i]), maxShorterSide: maxShorterSide), nil, false)
        } catch {
            let reason = Self.reason(error, path: files[i])
            // Decoded outside the lock; whoever records the failure first reports it.
            let first = failedLater.withLock { failed in
                guard failed[i] == nil else { return false }
                failed[i] = reason
                return true
            }
            return (nil, SkippedFile(path: files[i], reason: reason), first)
        }
    }

    /// `image`, or a bicubic reduction of it whose shorter side is `maxShorterSide`.
    static func shrunk(_ image: RGBImage, maxShorterSide cap: Int?) -> RGBImage {
        guard let cap, cap > 0 else { return image }
        let shorter = min(image.width, image.height)
        guard shorter > cap else { return image }
        let scale = Double(cap) / Double(shorter)
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return resizeBicubic(image, width: image.width <= image.height ? cap : width,
                             height: image.height < image.width ? cap : height)
    }

    /// The decoder's reason without the path, since events carry the path.
    static func reason(_ error: any Error, path: String) -> String {
        if let e = error as? ImageError { return e.reason }
        let text = String(describing: error)
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    /// The permutation of file indices for `epoch`: Fisher–Yates from a generator seeded by
    /// (seed, epoch), so any epoch can be recomputed on resume.
    public static func shuffle(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: SeedMixer.mix(seed, .shuffle, epoch))
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }
}
