import Foundation
import Testing
@testable import Training

/// The explorer's runs: where their folder goes, what they train on, with what recipe.
@Suite struct InteractiveRunTests {
    static let noon = Date(timeIntervalSince1970: 1_796_212_800)  // 2026-12-02 12:00 UTC

    /// The local time's name of `noon`, as the folder name is in local time.
    static var noonName: String {
        var t = time_t(noon.timeIntervalSince1970), parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    @Test func theFolderFollowsXDGStateHomeElseTheHomeFolder() throws {
        let tmp = try TemporaryFolder("maex-xdg")
        defer { tmp.remove() }
        let name = Self.noonName
        #expect(InteractiveRun.defaultFolder(environment: ["XDG_STATE_HOME": tmp.path, "HOME": "/nowhere"], now: Self.noon)
                == tmp.path + "/maex/runs/" + name)
        // Unset, empty or relative (which the spec says to ignore): ~/.local/state.
        for xdg in [nil, "", "state"] {
            var env = ["HOME": tmp.path]
            env["XDG_STATE_HOME"] = xdg
            #expect(InteractiveRun.defaultFolder(environment: env, now: Self.noon) == tmp.path + "/.local/state/maex/runs/" + name)
        }
        // A second run in the same second gets a folder of its own.
        let first = InteractiveRun.defaultFolder(environment: ["XDG_STATE_HOME": tmp.path], now: Self.noon)
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        #expect(InteractiveRun.defaultFolder(environment: ["XDG_STATE_HOME": tmp.path], now: Self.noon) == first + "-2")
    }

    @Test func theShownImagesAreCopiedInOrderAndTheUnreadableLeftOut() throws {
        let tmp = try TemporaryFolder("maex-copy")
        defer { tmp.remove() }
        let a = try tmp.copyAsset("coffee.png", to: "one/cat.png")
        let b = try tmp.copyAsset("chelsea.png", to: "two/cat.png")  // the same name from another folder
        let run = RunDirectory(path: tmp.path + "/run")
        let folder = try InteractiveRun.copyImages([a, tmp.path + "/missing.png", b], into: run)
        #expect(folder == run.path + "/data")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["0001-cat.png", "0003-cat.png"])
        #expect(FileManager.default.contents(atPath: folder + "/0003-cat.png") == FileManager.default.contents(atPath: b))
        #expect(try ImageFolder.imageFiles(in: folder).count == 2)

        #expect(throws: RunError.self) { try InteractiveRun.copyImages([tmp.path + "/missing.png"], into: RunDirectory(path: tmp.path + "/run2")) }
    }

    @Test func aTrainedModelContinuesAtATenthOfTheRate() throws {
        let fresh = InteractiveRun.recipe(trained: false), trained = InteractiveRun.recipe(trained: true)
        #expect(fresh.lr == 2e-3 && trained.lr == 2e-4)
        try fresh.validate()
        try trained.validate()
        // The bundled model card's augmentation, both ways.
        for o in [fresh, trained] {
            #expect(o.cropScaleMin == 0.05 && o.channelShuffle && o.saturation == 1 && o.greyProbability == 0.1)
            #expect(o.maskRatio == 0.75 && o.batchSize == 64 && o.steps == 3000)
        }
    }
}
