import Foundation
import Testing
import Imaging
import MAE
@testable import maex

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
