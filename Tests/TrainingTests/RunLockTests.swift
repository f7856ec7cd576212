import Foundation
import Testing
@testable import Training

/// RUN/lock in one process: a second open of the file is a second holder as far as flock is
/// concerned, so the refusals can be tested without a second process (MaexCLITests has those).
@Suite struct RunLockTests {
    static func run() throws -> (TemporaryFolder, RunDirectory) {
        let dir = try TemporaryFolder("maex-lock")
        return (dir, RunDirectory(path: dir.path + "/run"))
    }

    @Test func theLockFileNamesItsHolderAndASecondTakerIsRefused() throws {
        let (dir, run) = try Self.run()
        defer { dir.remove() }
        let lock = try run.lock(creating: true)
        defer { lock.release() }
        #expect(lock.tookOver == nil)
        let text = try String(contentsOfFile: run.lockPath, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["pid"] as? Int == Int(getpid()))
        #expect(object["host"] as? String == RunLock.hostName && !RunLock.hostName.isEmpty)
        #expect(abs((object["started"] as? Double ?? 0) - Date().timeIntervalSince1970) < 60)
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 1)
        #expect(RunLock.holder(of: run.lockPath) == .process(getpid()))

        #expect(throws: RunError.locked(path: run.path, owner: lock.owner)) { try run.lock() }
        // The refusal left the holder's line alone.
        #expect(RunLock.owner(at: run.lockPath) == lock.owner)
        #expect("\(RunError.locked(path: run.path, owner: lock.owner))".contains("pid \(getpid()) on \(RunLock.hostName), started "))
    }

    @Test func aReleasedLockIsEmptyAndFreeAndIsTakenWithoutAWarning() throws {
        let (dir, run) = try Self.run()
        defer { dir.remove() }
        let first = try run.lock(creating: true)
        first.release()
        first.release()  // twice is harmless
        #expect(try String(contentsOfFile: run.lockPath, encoding: .utf8).isEmpty)
        #expect(RunLock.holder(of: run.lockPath) == .nobody)
        #expect(RunLock.owner(at: run.lockPath) == nil)
        let second = try run.lock()
        defer { second.release() }
        #expect(second.tookOver == nil)
    }

    /// A lock file left by a process that died without releasing it: it names a pid, but nobody
    /// holds its flock.
    @Test func aStaleLockIsTakenOverAndSaysWhose() throws {
        let (dir, run) = try Self.run()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
        let dead = RunLock.Owner(pid: 999_999, host: "gone-host", started: 1_700_000_000)
        try Data((RunLock.line(dead) + "\n").utf8).write(to: URL(fileURLWithPath: run.lockPath))
        #expect(RunLock.holder(of: run.lockPath) == .nobody)
        let lock = try run.lock()
        defer { lock.release() }
        #expect(lock.tookOver == dead)
        #expect(RunLock.owner(at: run.lockPath)?.pid == getpid())
    }

    @Test func procLocksLinesAreMatchedByDeviceAndInode() {
        let text = """
            1: POSIX  ADVISORY  WRITE 11 fe:00:777 0 EOF
            2: FLOCK  ADVISORY  WRITE 22 fe:01:777 0 EOF
            3: FLOCK  ADVISORY  WRITE 33 fe:00:778 0 EOF
            3: -> FLOCK  ADVISORY  WRITE 44 fe:00:777 0 EOF
            4: FLOCK  ADVISORY  WRITE 55 fe:00:777 0 EOF
            """
        // st_dev 0xfe00 is major 0xfe, minor 0.
        #expect(RunLock.holder(inLocks: text, device: 0xfe00, inode: 777) == .process(55))
        #expect(RunLock.holder(inLocks: text, device: 0xfe01, inode: 777) == .process(22))
        #expect(RunLock.holder(inLocks: text, device: 0xfe00, inode: 779) == .nobody)
    }

    /// A new run into a folder another trainer holds is refused before anything is written:
    /// the holder's metrics.jsonl is not emptied.
    @Test func aSessionOnALockedFolderLeavesItsFilesAlone() throws {
        let data = try TrainerTests.dataFolder()
        defer { data.remove() }
        let (dir, run) = try Self.run()
        defer { dir.remove() }
        let session = try TrainingSession.fresh(data: data.path, model: TrainerTests.model,
                                                options: TrainerTests.options(steps: 2), run: run)
        #expect(session.lock?.owner.pid == getpid())
        try Data("{\"step\": 1, \"loss\": 1}\n".utf8).write(to: URL(fileURLWithPath: run.metricsPath))
        #expect(throws: RunError.self) {
            try TrainingSession.fresh(data: data.path, model: TrainerTests.model, options: TrainerTests.options(steps: 2), run: run)
        }
        #expect(throws: RunError.self) { try TrainingSession.resume(run: run) }
        #expect(try String(contentsOfFile: run.metricsPath, encoding: .utf8) == "{\"step\": 1, \"loss\": 1}\n")
        session.lock?.release()
    }
}
