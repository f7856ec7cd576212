import Foundation
import Testing

@Suite struct UsageTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try MaexProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func helpNamesTheTool() throws {
        let result = try MaexProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Masked Autoencoders"))
        #expect(result.stdout.contains("USAGE: maex"))
    }

    @Test(arguments: [["frobnicate"], ["--no-such-option"]])
    func unknownInputIsAUsageError(arguments: [String]) throws {
        let result = try MaexProcess.run(arguments)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }
}
