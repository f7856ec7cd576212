import Foundation
import Imaging
import Testing
@testable import Pipeline

/// Figures are replaced whole: the file is the new PNG, nothing else is left beside it, and a
/// write that cannot be made names the file and keeps what was there.
@Suite struct FigureFileTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "maex-figure-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    @Test func aFigureReplacesThePreviousOneWhole() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/fig.png"
        try FigureFile.write(RGBImage(width: 40, height: 30, fill: (1, 0, 0)), toPath: path)
        // A second name for the first file: a reader that had it open. The new figure is a new
        // file renamed over the name, so that reader keeps the whole old one; a write in place
        // would have changed it under the reader.
        try FileManager.default.linkItem(atPath: path, toPath: folder + "/reader.png")
        try FigureFile.write(RGBImage(width: 8, height: 4, fill: (0, 0.4, 1)), toPath: path)
        let back = try decodeImage(atPath: path)
        #expect(back.width == 8 && back.height == 4)
        #expect(back.pixels.prefix(3) == [0, 102.0 / 255, 1])
        let old = try decodeImage(atPath: folder + "/reader.png")
        #expect(old.width == 40 && old.height == 30)
        #expect(try contents() == ["fig.png", "reader.png"])  // no temporary file left
    }

    @Test func aFigureThatCannotBeWrittenNamesTheFileAndKeepsTheFolderAsItWas() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/taken.png", withIntermediateDirectories: false)
        for path in [folder + "/missing/fig.png", folder + "/taken.png"] {
            #expect {
                try FigureFile.write(RGBImage(width: 2, height: 2, fill: (0.5, 0.5, 0.5)), toPath: path)
            } throws: { error in
                guard case ImageError.writeFailed(let named, _) = error else { return false }
                return named == path
            }
        }
        #expect(try contents() == ["taken.png"])
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder + "/taken.png", isDirectory: &isDirectory) && isDirectory.boolValue)
    }
}
