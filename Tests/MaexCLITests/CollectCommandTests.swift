import Foundation
import Testing

/// `maex collect` as a person runs it: a list file (as `dpkg -L` prints, folders included), a
/// kept sample, the report on stdout and the folder it writes.
@Suite struct CollectCommandTests {
    @Test func collectsFromAListAndReportsEachSkip() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pkg = dir.appendingPathComponent("pkg").path
        try FileManager.default.createDirectory(atPath: pkg, withIntermediateDirectories: true)
        // Originals: a colour photograph twice over (its second copy under another name), a
        // vector drawing and a metadata file; the list also names the folder, as dpkg -L does.
        let rocket = try Data(contentsOf: URL(fileURLWithPath: SourceTree.asset("images/rocket.jpg")))
        try rocket.write(to: URL(fileURLWithPath: pkg + "/launch.jpg"))
        try rocket.write(to: URL(fileURLWithPath: pkg + "/launch-copy.jpg"))
        try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: pkg + "/logo.svg"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: pkg + "/metadata.json"))
        let list = dir.appendingPathComponent("files.txt").path
        try Data([pkg, pkg + "/launch.jpg", pkg + "/logo.svg", pkg + "/metadata.json", pkg + "/launch-copy.jpg"]
            .joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: list))
        let out = dir.appendingPathComponent("data").path

        let result = try MaexProcess.run(["collect", "--list", list, "--keep", SourceTree.asset("images/astronaut.png"), "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("skipped \(pkg)/logo.svg: a vector drawing (SVG)"), "\(result.stdout)")
        #expect(result.stdout.contains("skipped \(pkg)/launch-copy.jpg: a copy of \(pkg)/launch.jpg"), "\(result.stdout)")
        #expect(!result.stdout.contains("metadata.json"))
        #expect(result.stdout.contains("collected 2 photographs into \(out)"), "\(result.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["astronaut.png", "launch.png", "sources.tsv"])
    }

    @Test func withoutInputsItIsAUsageError() throws {
        let result = try MaexProcess.run(["collect", "--out", "/tmp/never-written"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("give images or folders"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }
}
