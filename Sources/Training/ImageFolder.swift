import Foundation

/// Finds the training images of a folder: every file below it (subfolders included) whose name
/// ends in .png, .jpg or .jpeg in any case, sorted by path so every run sees the same order.
public enum ImageFolder {
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    public static func isImageName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The sorted image paths below `folder`; errors name the folder.
    public static func imageFiles(in folder: String) throws(DataError) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir) else { throw .notFound(folder: folder) }
        guard isDir.boolValue else { throw .notADirectory(folder: folder) }
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                         options: [], errorHandler: { _, _ in true }) else {
            throw .unreadable(folder: folder, reason: "cannot list it")
        }
        var images: [String] = [], others = 0
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        let rootPath = root.standardizedFileURL.path
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            // Paths as the user named the folder, not as the enumerator resolved it.
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(rootPath + "/") ? String(full.dropFirst(rootPath.count + 1)) : url.lastPathComponent
            if isImageName(url.lastPathComponent) {
                images.append(base + relative)
            } else {
                others += 1
            }
        }
        if images.isEmpty {
            throw others == 0 ? .empty(folder: folder) : .noImages(folder: folder, otherFiles: others)
        }
        return images.sorted()
    }
}
