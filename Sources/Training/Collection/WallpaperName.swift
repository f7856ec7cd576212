/// Which picture a wallpaper file is, so that of the sizes a package ships of one picture only
/// the largest is kept, and what to call it.
///
/// Two layouts name sizes in the wild:
/// - a KDE wallpaper package, `NAME/contents/images/WIDTHxHEIGHT.ext` (a dark variant in
///   `images_dark/`): every file of one `images` folder is one picture, called NAME (NAME-dark);
/// - a size suffix, `Stem_3840x2160.jpg` or `Stem-3840x2160.jpg` beside `Stem.jpg`: one picture, Stem.
/// Any other file is a picture of its own, called by its stem.
public struct WallpaperName: Equatable, Sendable {
    /// Files with the same key are sizes of the same picture.
    public let key: String
    /// A file name stem for the collected copy: letters, digits, `-` and `_` only.
    public let name: String
    /// The pixel count the file name states (`2560x1600.jpg`, `Stem_3840x2160.jpg`), if any.
    public let namedPixelCount: Int?

    public init(path: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let file = components.popLast() ?? path
        let stem = file.lastIndex(of: ".").map { String(file[..<$0]) } ?? file
        let folder = components.joined(separator: "/")
        let suffix = stem.lastIndex(where: { $0 == "_" || $0 == "-" }).map { String(stem[stem.index(after: $0)...]) }
        let sizeText = Self.isSize(stem) ? stem : suffix.flatMap { Self.isSize($0) ? $0 : nil }
        namedPixelCount = sizeText.flatMap(Self.namedPixels)

        if sizeText == stem, components.count >= 3, components[components.count - 2] == "contents",
           components.last!.hasPrefix("images") {
            let variant = components.last!.dropFirst("images".count).replacingUnderscores()
            let package = components[components.count - 3]
            key = folder
            name = Self.sanitised(package + variant)
            return
        }
        if let sizeText, sizeText != stem {
            let base = String(stem.dropLast(sizeText.count + 1))
            key = folder + "/" + base
            name = Self.sanitised(base)
            return
        }
        key = folder + "/" + stem
        name = Self.sanitised(stem)
    }

    /// The pixel count a `WIDTHxHEIGHT` stem names, if it is one (`2560x1600` → 4,096,000).
    public static func namedPixels(_ stem: String) -> Int? {
        let parts = stem.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
        return w * h
    }

    static func isSize(_ stem: String) -> Bool {
        stem.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "x") } && namedPixels(stem) != nil
    }

    static func sanitised(_ text: String) -> String {
        let kept = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
        return kept.isEmpty ? "image" : kept
    }
}

private extension Substring {
    /// `_dark` → `-dark`.
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
