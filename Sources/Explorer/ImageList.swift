import Foundation
import Training

/// The images `maex explore PATH...` shows: files as given, folders expanded to the images
/// below them (sorted), in argument order, duplicates dropped.
public enum ImageList {
    public static func expand(_ paths: [String]) throws(ExplorerError) -> [ImageEntry] {
        var out: [ImageEntry] = []
        var seen = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ExplorerError("\(path): no such file or folder")
            }
            let files: [String]
            if isDirectory.boolValue {
                do {
                    files = try ImageFolder.imageFiles(in: path)
                } catch {
                    throw ExplorerError(String(describing: error))
                }
            } else {
                files = [path]
            }
            for f in files where seen.insert(f).inserted { out.append(ImageEntry(path: f)) }
        }
        return out
    }
}
