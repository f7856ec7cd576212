import Foundation

/// Runs the `maex` binary built next to the test bundle and collects what it printed.
struct MaexProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The built executable: the test bundle lives in the same products folder.
    static var executable: URL {
        var dir = Bundle.main.bundleURL
        for candidate in [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL) {
            if candidate.pathExtension == "xctest" { dir = candidate.deletingLastPathComponent() }
        }
        let binary = dir.appendingPathComponent("maex")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        return Bundle.main.bundleURL.appendingPathComponent("maex")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so a chatty child cannot fill a pipe and stall.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
