import Foundation
import Imaging
import Testing
@testable import Training

@Suite struct PhotoCollectorTests {
    /// A photograph stand-in: smooth colour waves plus pixel noise, so no colour dominates.
    static func photo(width: Int, height: Int, seed: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let noise = Float(state >> 40) / Float(1 << 24) * 0.2
                    let u = Float(x) / Float(width), v = Float(y) / Float(height)
                    let wave = 0.5 + 0.3 * sin(Float(seed + c) + 6 * u + 4 * v * Float(c + 1))
                    image[x, y, c] = min(1, max(0, wave + noise - 0.1))
                }
            }
        }
        return image
    }

    static func save(_ image: RGBImage, _ dir: TemporaryFolder, _ relative: String) throws -> String {
        let path = dir.path + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try encodePNG(image, toPath: path)
        return path
    }

    @Test func takesOnlyThePhotographsAndReportsEachSkip() throws {
        let dir = try TemporaryFolder("maex-collect")
        defer { dir.remove() }
        let sunset = try Self.save(Self.photo(width: 400, height: 350, seed: 1), dir, "pkg/sunset.png")
        let svg = try dir.write("pkg/drawing.svg", Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8))
        let icon = try Self.save(Self.photo(width: 48, height: 48, seed: 2), dir, "pkg/icon.png")
        let corrupt = try dir.write("pkg/broken.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x13, 0x37])
        let logo = try Self.save(RGBImage(width: 400, height: 300, fill: (1, 1, 1)), dir, "pkg/logo.png")
        let screenshot = try Self.save(Self.photo(width: 300, height: 300, seed: 3), dir, "pkg/Wall/contents/screenshot.png")
        // A KDE wallpaper package with two sizes of one picture: only the larger is taken.
        let wallSmall = try Self.save(Self.photo(width: 300, height: 260, seed: 4), dir, "pkg/Wall/contents/images/300x260.png")
        let wallLarge = try Self.save(Self.photo(width: 600, height: 520, seed: 4), dir, "pkg/Wall/contents/images/600x520.png")
        let notes = try dir.write("pkg/metadata.json", Array("{}".utf8))
        // The same picture as sunset.png, shrunk, under another name: a duplicate.
        let copy = try Self.save(resizeBicubic(decodeImage(atPath: sunset), width: 300, height: 262), dir, "other/sunset-copy.png")

        var events: [PhotoCollector.Event] = []
        let out = dir.path + "/collected"
        let manifest = try PhotoCollector(shorterSide: 256, minShorterSide: 256).collect(
            kept: [], candidates: [sunset, svg, icon, corrupt, logo, screenshot, wallSmall, wallLarge, notes, copy], into: out
        ) { events.append($0) }

        #expect(manifest.entries.map(\.file) == ["sunset.png", "Wall.png"])
        #expect(manifest.entries.map(\.source) == [sunset, wallLarge])
        let skipped = Dictionary(uniqueKeysWithValues: events.compactMap { event -> (String, String)? in
            if case .skipped(let path, let reason) = event { return (path, reason) }
            if case .duplicate(let path, let of) = event { return (path, "a copy of " + of) }
            return nil
        })
        #expect(Set(skipped.keys) == [svg, icon, corrupt, logo, screenshot, copy])
        #expect(skipped[svg]?.contains("SVG") == true)
        #expect(skipped[icon]?.contains("48×48") == true && skipped[icon]?.contains("icon") == true)
        #expect(skipped[corrupt]?.isEmpty == false)
        #expect(skipped[logo]?.contains("flat colour") == true)
        #expect(skipped[screenshot]?.contains("screenshot") == true)
        #expect(skipped[copy] == "a copy of " + sunset)
        #expect(events.contains(.smallerSize(path: wallSmall, largest: wallLarge)))
        #expect(!events.contains { if case .skipped(let p, _) = $0 { p == notes } else { false } }, "other files pass in silence")

        // Each copy is shrunk once to a 256 px shorter side; the manifest names the originals.
        let wall = try decodeImage(atPath: out + "/Wall.png")
        #expect((wall.width, wall.height) == (295, 256))
        #expect(manifest.entries[1].hash == contentHash(try decodeImage(atPath: wallLarge)))
        #expect(manifest.entries[1].width == 600 && manifest.entries[1].height == 520)
        #expect(CollectionManifest.read(folder: out) == manifest)
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test func keptImagesComeFirstAndSkipThePhotographChecks() throws {
        let dir = try TemporaryFolder("maex-collect")
        defer { dir.remove() }
        // A sample under the icon size is kept as it is; the package's larger copy of it is then
        // the duplicate, although the package comes first on the command line.
        let small = Self.photo(width: 200, height: 180, seed: 5)
        let sample = try Self.save(small, dir, "assets/sample.png")
        let packaged = try Self.save(resizeBicubic(small, width: 400, height: 360), dir, "pkg/sample_400x360.png")
        var events: [PhotoCollector.Event] = []
        let manifest = try PhotoCollector().collect(kept: [sample], candidates: [packaged], into: dir.path + "/out") { events.append($0) }
        #expect(manifest.entries.map(\.source) == [sample])
        #expect(events.last == .duplicate(path: packaged, of: sample))
        #expect((try decodeImage(atPath: dir.path + "/out/sample.png")) == (try decodeImage(atPath: sample)), "never enlarged")
    }

    @Test func nothingUsableIsAClearErrorAndLeavesNoFolder() throws {
        let dir = try TemporaryFolder("maex-collect")
        defer { dir.remove() }
        let svg = try dir.write("a.svg", Array("<svg/>".utf8))
        #expect(throws: PhotoCollector.Failure.self) {
            try PhotoCollector().collect(kept: [], candidates: [svg], into: dir.path + "/out") { _ in }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/out"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/out.partial"))
    }

    @Test func wallpaperNamesGroupTheSizesOfOnePicture() {
        let kde = WallpaperName(path: "/usr/share/wallpapers/Kay/contents/images/5120x2880.png")
        #expect(kde.name == "Kay")
        #expect(kde.key == WallpaperName(path: "/usr/share/wallpapers/Kay/contents/images/1080x1920.png").key)
        let dark = WallpaperName(path: "/usr/share/wallpapers/Kay/contents/images_dark/5120x2880.png")
        #expect(dark.name == "Kay-dark" && dark.key != kde.key)
        let suffixed = WallpaperName(path: "/usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg")
        #expect(suffixed.name == "Elephants" && suffixed.namedPixelCount == 3840 * 2160)
        #expect(kde.namedPixelCount == 5120 * 2880)
        #expect(WallpaperName(path: "/x/Elephants.jpg").namedPixelCount == nil)
        #expect(suffixed.key == WallpaperName(path: "/usr/share/backgrounds/mate/abstract/Elephants.jpg").key)
        #expect(WallpaperName(path: "/x/Ubuntu-Mate-Cold-no-logo.png").name == "Ubuntu-Mate-Cold-no-logo")
        #expect(WallpaperName(path: "/x/my photo (1).jpg").name == "my-photo--1-")
        #expect(WallpaperName.namedPixels("2560x1600") == 4_096_000 && WallpaperName.namedPixels("x1600") == nil)
    }

    @Test func manifestRoundTripsAndSkipsDamagedLines() {
        let m = CollectionManifest(entries: [.init(hash: "0123456789abcdef", file: "a.png", width: 640, height: 480, source: "/p/a b.png")])
        #expect(CollectionManifest(text: m.text) == m)
        #expect(CollectionManifest(text: m.text + "nothex\tb.png\t1\t1\t/b\n0123\tc.png\n").entries == m.entries)
    }
}
