import Imaging

/// The checks that tell a wallpaper photograph from the other files an image package ships
/// (previews, icons, vector drawings, logos on a flat ground). Each check that fails gives the
/// reason a person reads in the collection report.
public enum PhotoScreen {
    /// What a file name says about a file, before it is read.
    public enum NameVerdict: Equatable, Sendable {
        /// A PNG or JPEG worth decoding.
        case candidate
        /// An image maex does not take, and why.
        case rejected(String)
        /// Not an image at all (metadata, translations, documentation): passed over in silence.
        case notAnImage
    }

    static let decodable: Set<String> = ["png", "jpg", "jpeg"]
    static let vector: Set<String> = ["svg", "svgz"]
    static let otherRaster: [String: String] = [
        "webp": "WebP", "gif": "GIF", "bmp": "BMP", "tif": "TIFF", "tiff": "TIFF", "jxl": "JPEG XL",
        "avif": "AVIF", "heic": "HEIC", "xpm": "XPM", "ico": "an icon file",
    ]

    public static func verdict(forName path: String) -> NameVerdict {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: ".") else { return .notAnImage }
        let ext = file[file.index(after: dot)...].lowercased()
        if vector.contains(ext) { return .rejected("a vector drawing (SVG), not a photograph") }
        if let format = otherRaster[ext] { return .rejected("\(format), which maex does not decode (it reads PNG and JPEG)") }
        guard decodable.contains(ext) else { return .notAnImage }
        let lower = file.lowercased()
        if ["screenshot", "preview", "thumbnail"].contains(where: { lower.contains($0) }) {
            return .rejected("a preview screenshot, not the picture itself")
        }
        return .candidate
    }

    /// The reason a decoded image is not a photograph to train on, or nil if it is one: its
    /// shorter side must reach `minShorterSide` (smaller files are icons and thumbnails), and no
    /// more than `maxFlatFraction` of it may be one flat colour (logos on a plain ground,
    /// mostly transparent overlays composited over white).
    public static func rejection(of image: RGBImage, minShorterSide: Int, maxFlatFraction: Double = 0.5) -> String? {
        if min(image.width, image.height) < minShorterSide {
            return "\(image.width)×\(image.height) is under \(minShorterSide) px on its shorter side: an icon or thumbnail"
        }
        let flat = flatFraction(image)
        if flat > maxFlatFraction {
            return "\(Int((flat * 100).rounded()))% of it is one flat colour: a logo, pattern or transparent overlay, not a photograph"
        }
        return nil
    }

    /// The share of the image in its most common colour, on a 64 × 64 sampling grid with each
    /// channel in 32 levels (steps of 8 in 8 bits, so JPEG noise and gentle gradients spread out
    /// while a plain ground stays in one bin).
    public static func flatFraction(_ image: RGBImage) -> Double {
        guard image.width > 0, image.height > 0 else { return 1 }
        let grid = 64
        var counts = [Int32](repeating: 0, count: 32 * 32 * 32)
        var best: Int32 = 0
        for gy in 0..<grid {
            let y = min(image.height - 1, (gy * image.height + image.height / 2) / grid)
            for gx in 0..<grid {
                let x = min(image.width - 1, (gx * image.width + image.width / 2) / grid)
                var bin = 0
                for c in 0..<3 { bin = bin * 32 + min(31, max(0, Int(image[x, y, c] * 32))) }
                counts[bin] += 1
                best = max(best, counts[bin])
            }
        }
        return Double(best) / Double(grid * grid)
    }
}
