import Foundation
import Testing
import MAE

@Suite struct MaskFileTests {
    @Test func gridAndLineFormsGiveTheSameMask() throws {
        let grid = try MaskFile.parse("#.#.\n....\n1010\n0000\n", gridSize: 4, path: "m")
        let line = try MaskFile.parse("  1 0 1 0  0000 #.#. ....\r\n\n", gridSize: 4, path: "m")
        #expect(grid == line)
        #expect(grid.masked.enumerated().filter(\.element).map(\.offset) == [0, 2, 8, 10])
        #expect(try MaskFile.parse("0000000000000000", gridSize: 4, path: "m").maskedCount == 0)
        #expect(try MaskFile.parse("################", gridSize: 4, path: "m").visibleCount == 0)
    }

    @Test func badFilesNameTheLineAndTheReason() {
        let cases: [(String, String)] = [
            ("#.#.\n..x.\n....\n....", "line 2, column 3: 'x' is not a patch"),
            ("#.#.\n...\n....\n....", "line 2 has 3 patches, the model's grid is 4 × 4"),
            ("#.#.\n....\n....", "found 3 lines"),
            ("", "found 0 lines"),
            ("1111", "expected one line of 16 patches or 4 lines of 4"),
        ]
        for (text, reason) in cases {
            let error = #expect(throws: MaskFile.FormatError.self) { _ = try MaskFile.parse(text, gridSize: 4, path: "m.txt") }
            #expect(error?.description.hasPrefix("m.txt: ") == true)
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
    }

    @Test func readsAFileAndRefusesOneOverTheLimit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maex-maskfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.txt"), big = folder.appendingPathComponent("big.txt")
        try Data("#...\n....\n....\n...#\n".utf8).write(to: good)
        #expect(try MaskFile.read(path: good.path, gridSize: 4).masked.enumerated().filter(\.element).map(\.offset) == [0, 15])
        // Spaces are allowed, so only the size can refuse this one.
        try Data(repeating: UInt8(ascii: " "), count: MaskFile.maximumBytes + 1).write(to: big)
        let error = #expect(throws: MaskFile.FormatError.self) { _ = try MaskFile.read(path: big.path, gridSize: 4) }
        #expect(error?.reason.contains("limit") == true)
        let missing = #expect(throws: MaskFile.FormatError.self) { _ = try MaskFile.read(path: folder.appendingPathComponent("none").path, gridSize: 4) }
        #expect(missing?.description.hasPrefix(folder.appendingPathComponent("none").path) == true)
    }
}
