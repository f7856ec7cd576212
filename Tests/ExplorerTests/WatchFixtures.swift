import Foundation

/// Tests/WatchFixtures (written once by its make_fixtures.py with torch and tensorboard), and
/// scratch folders to copy them into.
enum WatchFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("WatchFixtures").path

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "maex-watch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative)))) }

    static let authorsEvents = "authors-tb/events.out.tfevents.1750000000.gpu-node-1.4242.0"
    static let damagedEvents = "damaged/events.out.tfevents.1750000000.gpu-node-1.4242.0"
    /// The fixture run: 41 epochs of 6 optimizer steps.
    static let steps = 41 * 6
}
