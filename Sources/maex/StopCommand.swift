import ArgumentParser
import Explorer
import Foundation
import Training

/// `maex stop RUN`: asks the run's trainer to save and stop, and waits until it has.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Ask the trainer of a run folder to save a checkpoint and stop; wait until it has.",
        discussion: """
            Reads RUN/lock, checks that the process it names runs on this host and still holds the \
            lock, sends it SIGTERM (the trainer finishes its step, saves and exits 0) and waits \
            for the "stopped" event in metrics.jsonl, which follows the checkpoint. Exits 0 once \
            the checkpoint is written; 1 when no live trainer holds the run, the lock belongs to \
            another host, the trainer failed, or the wait timed out (the trainer is then left \
            running: it may still be finishing a long step).
            """)

    @Argument(help: ArgumentHelp("A maex run folder (the --run of maex train).", valueName: "run"))
    var runFolder: String

    @Option(help: ArgumentHelp("Seconds to wait for the checkpoint (default 300).", valueName: "s"))
    var timeout: Double = 300

    func validate() throws {
        if !(timeout > 0) { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() throws {
        try CommandSupport.run { try stop() }
    }

    private func stop() throws {
        let run = RunDirectory(path: runFolder)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runFolder, isDirectory: &isDir), isDir.boolValue else {
            throw CommandSupport.fail("\(runFolder): no such run folder")
        }
        guard let owner = RunLock.owner(at: run.lockPath) else {
            throw CommandSupport.fail("\(runFolder): no trainer is running (\(run.lockPath) names none)")
        }
        let here = RunLock.hostName
        guard owner.host == here else {
            throw CommandSupport.fail("\(runFolder): its trainer is \(owner), not on this host (\(here)); "
                                      + "run maex stop on \(owner.host)")
        }
        switch RunLock.holder(of: run.lockPath) {
        case .process(let pid) where pid == owner.pid:
            break
        case .process(let pid):
            throw CommandSupport.fail("\(runFolder): the lock names \(owner) but pid \(pid) holds it; not signalling either")
        case .nobody:
            throw CommandSupport.fail("\(runFolder): no trainer is running: the lock names \(owner), which no longer "
                                      + "holds it (it ended without releasing it; maex train --resume continues "
                                      + "from the last checkpoint)")
        case .unknown:
            // No /proc/locks: the pid must at least be alive.
            guard kill(owner.pid, 0) == 0 || errno == EPERM else {
                throw CommandSupport.fail("\(runFolder): no trainer is running: \(owner) is gone")
            }
        }

        let offset = Self.size(run.metricsPath)
        guard kill(owner.pid, SIGTERM) == 0 else {
            throw CommandSupport.fail("\(runFolder): cannot signal pid \(owner.pid): \(String(cString: strerror(errno)))")
        }
        Self.say("asked pid \(owner.pid) to save and stop; waiting for its checkpoint…")

        let deadline = Date().addingTimeInterval(timeout)
        var end: RunEvent?
        while true {
            let gone = Self.gone(owner.pid, lock: run.lockPath)
            end = end ?? Self.endEvent(in: run.metricsPath, after: offset)
            if gone && end == nil {
                throw CommandSupport.fail("\(runFolder): pid \(owner.pid) exited without writing its last event; "
                                          + "the checkpoint in the folder may be older than its last step")
            }
            if gone || Date() >= deadline { break }
            usleep(50_000)
        }
        guard let end else {
            throw CommandSupport.fail("\(runFolder): pid \(owner.pid) has not saved after \(CommandSupport.format(timeout)) s; "
                                      + "it is still running, maybe finishing a long step (maex watch \(runFolder) shows when it stops)")
        }
        let step = end.step.map(String.init) ?? "?"
        switch end.name {
        case "failed":
            throw CommandSupport.fail("\(runFolder): the trainer failed at step \(step): \(end.reason ?? "")")
        case "finished":
            Self.say("the run had finished: step \(step), checkpoint \(run.checkpointPath)")
        default:
            Self.say("stopped at step \(step); saved \(run.checkpointPath) (maex train --run \(runFolder) --resume continues)")
        }
    }

    /// The trainer has ended: its pid is gone or no longer holds the lock (a process that has
    /// exited but is not yet reaped still answers kill, but its flock is released).
    static func gone(_ pid: Int32, lock: String) -> Bool {
        switch RunLock.holder(of: lock) {
        case .process(let holder): return holder != pid
        case .nobody: return true
        case .unknown: return kill(pid, 0) != 0 && errno == ESRCH
        }
    }

    /// A line on stdout, written at once (the wait comes after it).
    static func say(_ line: String) { StandardStreams.output(line + "\n") }

    static func size(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
    }

    /// The first "stopped", "finished" or "failed" event written after `offset`.
    static func endEvent(in path: String, after offset: UInt64) -> RunEvent? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // A file shorter than before was started over (a new run): read it all.
        let start = size(path) < offset ? 0 : offset
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        return RunLogParser.events(in: String(decoding: data, as: UTF8.self))
            .first { ["stopped", "finished", "failed"].contains($0.name) }
    }
}
