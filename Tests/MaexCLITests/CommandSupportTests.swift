import ArgumentParser
import Foundation
import Testing
@testable import maex

/// `CommandSupport.fail` only makes the error; `CommandSupport.run` prints it when it ends the
/// command. A caller that recovers from the error (`try?`, as `maex watch` does when it looks
/// for the bundled images) must print nothing.
@Suite(.serialized) struct CommandSupportTests {
    /// What this process writes on stderr while `body` runs. Other tests may write in that
    /// window too: lines without `own` in them are passed on to the real stderr afterwards, so
    /// nothing of theirs is lost, and callers look only for text of their own.
    static func standardError(own: String, during body: () throws -> Void) throws -> String {
        let path = NSTemporaryDirectory() + "maex-stderr-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        try #require(file >= 0, "cannot create \(path)")
        defer { close(file); unlink(path) }
        let saved = dup(STDERR_FILENO)
        try #require(saved >= 0)
        defer { close(saved) }
        dup2(file, STDERR_FILENO)
        var failure: (any Error)?
        do { try body() } catch { failure = error }
        dup2(saved, STDERR_FILENO)
        let captured = try String(contentsOfFile: path, encoding: .utf8)
        let others = captured.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(own) }
        FileHandle.standardError.write(Data(others.joined(separator: "\n").utf8))
        if let failure { throw failure }
        return captured
    }

    static let marker = "/no/such/folder-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    static func missingPath() -> String { "\(marker)/\(UInt32.random(in: 0...UInt32.max))" }

    @Test func anErrorRecoveredFromPrintsNothing() throws {
        let collect = Self.missingPath(), eval = Self.missingPath()
        let printed = try Self.standardError(own: Self.marker) {
            #expect((try? CollectCommand.expand(collect)) == nil)
            #expect((try? EvalCommand.imageFiles(eval)) == nil)
        }
        #expect(!printed.contains(collect), "a recovered error was printed: \(printed)")
        #expect(!printed.contains(eval), "a recovered error was printed: \(printed)")
    }

    @Test func runPrintsTheFailureOnceAndExitsWithStatus1() throws {
        let path = Self.missingPath()
        var thrown: (any Error)?
        let printed = try Self.standardError(own: Self.marker) {
            do {
                try CommandSupport.run { _ = try CollectCommand.expand(path) }
            } catch {
                thrown = error
            }
        }
        let line = "maex: \(path): no such file or folder\n"
        #expect(printed.components(separatedBy: line).count - 1 == 1, "expected \(line) once in: \(printed)")
        #expect((thrown as? ExitCode)?.rawValue == 1, "run threw \(String(describing: thrown)), not exit status 1")
    }
}
