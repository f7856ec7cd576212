internal import CImageCodecs

/// Why an image could not be read or written. Every case carries the file's path and a
/// reason; `description` reads "<path>: <what went wrong>: <detail>" and is fit to show a user.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// Nothing exists at the path (or a folder on the way is missing).
    case missingFile(path: String)
    /// The path names a directory.
    case isDirectory(path: String)
    /// The file exists but cannot be read: permissions, an I/O error, not a regular file.
    case unreadable(path: String, reason: String)
    /// The content is neither PNG nor JPEG (decided by its first bytes, not its name).
    case notAnImage(path: String, reason: String)
    /// The file ends before the image does.
    case truncated(path: String, reason: String)
    /// The decoder found damaged data (bad checksums, bad compressed data, bad markers).
    case corrupt(path: String, reason: String)
    /// The header says the image is 0 pixels wide or high.
    case empty(path: String, reason: String)
    /// Above `ImageLimits`: a side over 16384 pixels, more than 64 megapixels, or a progressive
    /// JPEG of more than 500 scans.
    case tooLarge(path: String, reason: String)
    /// A valid file of a kind not handled, such as a CMYK or 12-bit JPEG.
    case unsupported(path: String, reason: String)
    /// Encoding or writing an image failed.
    case writeFailed(path: String, reason: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missingFile(let path), .isDirectory(let path): path
        case .unreadable(let path, _), .notAnImage(let path, _), .truncated(let path, _),
             .corrupt(let path, _), .empty(let path, _), .tooLarge(let path, _),
             .unsupported(let path, _), .writeFailed(let path, _): path
        }
    }

    /// What went wrong, without the path.
    public var reason: String {
        switch self {
        case .missingFile: "no such file"
        case .isDirectory: "is a directory, not an image file"
        case .unreadable(_, let reason): "cannot be read: \(reason)"
        case .notAnImage(_, let reason): "not a PNG or JPEG image: \(reason)"
        case .truncated(_, let reason): "truncated image: \(reason)"
        case .corrupt(_, let reason): "corrupt image: \(reason)"
        case .empty(_, let reason): "empty image: \(reason)"
        case .tooLarge(_, let reason): "image too large: \(reason)"
        case .unsupported(_, let reason): "unsupported image: \(reason)"
        case .writeFailed(_, let reason): "cannot write the image: \(reason)"
        }
    }

    public var description: String { "\(path): \(reason)" }
}

/// The largest image decodeImage accepts, checked against the file's header before any
/// pixel memory is allocated (a 64-megapixel image takes 768 MB as RGBImage).
public enum ImageLimits {
    /// Longest allowed side in pixels.
    public static let maxSide = Int(MAEX_IMAGE_MAX_SIDE)
    /// Most pixels allowed (64 megapixels, 10^6 pixels each).
    public static let maxPixels = Int(MAEX_IMAGE_MAX_PIXELS)
    /// Largest file read at all; far above any compressed image within the pixel limits.
    public static let maxFileBytes = 1 << 30
    /// Most scans of a progressive JPEG (each one is a pass over the whole image).
    public static let maxJPEGScans = Int(MAEX_JPEG_MAX_SCANS)
    /// Ancillary PNG chunks kept, and the memory one of them may take decompressed; beyond
    /// either, a chunk is skipped (maex reads none of them).
    public static let maxPNGChunks = Int(MAEX_PNG_MAX_CHUNKS)
    public static let maxPNGChunkBytes = Int(MAEX_PNG_MAX_CHUNK_BYTES)
    /// deflate's best ratio: a PNG file smaller than its raw pixels / 1032 is truncated.
    public static let deflateMaxRatio = Int(MAEX_DEFLATE_MAX_RATIO)
}
