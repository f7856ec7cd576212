import Foundation

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init(_ label: String = "maex-training") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` at `relative` (folders created as needed); returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Copies one of the repository's sample images (Assets/images) to `relative`.
    @discardableResult
    func copyAsset(_ name: String, to relative: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: TemporaryFolder.assets + "/" + name))
        return try write(relative, Array(bytes))
    }

    /// Assets/images of this checkout, found from this file's path.
    static var assets: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Assets/images").path
    }
}
