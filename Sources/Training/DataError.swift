/// Why a training folder cannot be used. Every case names the folder.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(folder: String)
    case notADirectory(folder: String)
    case unreadable(folder: String, reason: String)
    /// The folder (searched recursively) holds no file at all.
    case empty(folder: String)
    /// Files, but none named .png, .jpg or .jpeg.
    case noImages(folder: String, otherFiles: Int)
    /// Image files, but not one decodes.
    case noneDecodable(folder: String, files: Int, firstReason: String)

    public var folder: String {
        switch self {
        case .notFound(let f), .notADirectory(let f), .unreadable(let f, _), .empty(let f),
             .noImages(let f, _), .noneDecodable(let f, _, _):
            f
        }
    }

    public var description: String {
        switch self {
        case .notFound(let folder):
            "\(folder): no such folder"
        case .notADirectory(let folder):
            "\(folder): not a folder (training reads a folder of PNG or JPEG images)"
        case .unreadable(let folder, let reason):
            "\(folder): cannot read the folder: \(reason)"
        case .empty(let folder):
            "\(folder): the folder is empty; put PNG or JPEG images in it (subfolders are searched)"
        case .noImages(let folder, let other):
            "\(folder): no PNG or JPEG images among its \(other) file\(other == 1 ? "" : "s") "
                + "(looked for .png, .jpg, .jpeg in all subfolders)"
        case .noneDecodable(let folder, let files, let first):
            "\(folder): none of its \(files) image file\(files == 1 ? "" : "s") could be decoded (first: \(first))"
        }
    }
}
