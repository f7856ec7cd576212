import Foundation
import Testing
import Imaging
import MAE
@testable import maex

@Suite struct ReconstructMaskFileTests {
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
}

@Suite struct ReconstructAssetLocatorTests {
    @Test func searchOrderIsEnvironmentThenPrefixThenSourceTree() throws {
        let exe = SourceTree.root.appendingPathComponent(".build/debug/maex").path
        let candidates = AssetLocator.candidates(environment: ["MAEX_ASSETS": "/opt/assets"], executable: exe, workingFolder: "/")
        #expect(candidates == ["/opt/assets", SourceTree.root.appendingPathComponent(".build/share/maex").path,
                               SourceTree.root.appendingPathComponent("Assets").path])
        // Installed: /usr/local/bin/maex looks in /usr/local/share/maex; no source tree above it.
        #expect(AssetLocator.candidates(environment: [:], executable: "/usr/local/bin/maex", workingFolder: "/")
                == ["/usr/local/share/maex"])
    }

    @Test func aBinaryBuiltElsewhereFindsTheAssetsOfTheSourceTreeItRunsIn() {
        // Built with --scratch-path outside the tree: nothing above the executable has Assets.
        let root = SourceTree.root.path
        #expect(AssetLocator.candidates(environment: [:], executable: "/tmp/elsewhere/release/maex", workingFolder: root)
                == ["/tmp/elsewhere/share/maex", root + "/Assets"])
        // A folder whose Package.swift is another package's is not maex's source tree.
        #expect(AssetLocator.sourceTreeAssets(in: SourceTree.root.appendingPathComponent("Tests").path) == nil)
    }

    @Test func findsBundledImagesInTheSourceTree() {
        let exe = SourceTree.root.appendingPathComponent(".build/debug/maex").path
        let found = AssetLocator.find("images/astronaut.png", environment: [:], executable: exe)
        #expect(found == SourceTree.asset("images/astronaut.png"))
        #expect(AssetLocator.find("images/none.png", environment: [:], executable: exe) == nil)
    }
}
