import Foundation

/// Finds maex's bundled assets (sample images, the default model) at run time, in order:
/// 1. `$MAEX_ASSETS` (the Assets folder itself),
/// 2. `<prefix>/share/maex`, where the executable is `<prefix>/bin/maex` (an installed copy),
/// 3. the source tree next to the build: walking up from the executable to the first folder
///    holding both `Package.swift` and `Assets/` (a `swift build` copy),
/// 4. `./Assets` when the working folder is maex's source tree (its `Package.swift` names maex):
///    a binary built elsewhere (`--scratch-path`) and run from the source tree's root.
enum AssetLocator {
    static let defaultModel = "models/maex-tiny.safetensors"

    /// The candidate Assets folders, in search order (existing or not).
    static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                           executable: String? = executablePath(),
                           workingFolder: String = FileManager.default.currentDirectoryPath) -> [String] {
        var out: [String] = []
        if let env = environment["MAEX_ASSETS"], !env.isEmpty { out.append(env) }
        if let executable {
            let bin = (executable as NSString).deletingLastPathComponent
            out.append(((bin as NSString).appendingPathComponent("../share/maex") as NSString).standardizingPath)
            var dir = bin
            while !dir.isEmpty && dir != "/" {
                let fm = FileManager.default
                if fm.fileExists(atPath: dir + "/Package.swift") && fm.fileExists(atPath: dir + "/Assets") {
                    out.append(dir + "/Assets")
                    break
                }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        if let tree = sourceTreeAssets(in: workingFolder), !out.contains(tree) { out.append(tree) }
        return out
    }

    /// `folder/Assets` if `folder/Package.swift` is maex's package manifest.
    static func sourceTreeAssets(in folder: String) -> String? {
        guard let manifest = FileManager.default.contents(atPath: folder + "/Package.swift"),
              String(decoding: manifest, as: UTF8.self).contains("name: \"maex\"") else { return nil }
        return (folder as NSString).appendingPathComponent("Assets")
    }

    /// Every place looked, for a message when nothing was found.
    static func placesLooked(for relative: String) -> String {
        let places = candidates().map { ($0 as NSString).appendingPathComponent(relative) }
        return places.isEmpty ? "nowhere (set MAEX_ASSETS)" : places.joined(separator: ", ")
    }

    /// The first existing `relative` path under the candidate folders.
    static func find(_ relative: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                     executable: String? = executablePath()) -> String? {
        for base in candidates(environment: environment, executable: executable) {
            let path = (base as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { return path }
        }
        return nil
    }

    /// The default model checkpoint, if one is installed.
    static func defaultModelPath() -> String? { find(defaultModel) }

    /// A bundled sample image by file name (`astronaut.png`), if present.
    static func image(named name: String) -> String? { find("images/" + name) }

    /// Where this process's executable lies (resolved through /proc on Linux).
    static func executablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return Bundle.main.executablePath
    }
}
