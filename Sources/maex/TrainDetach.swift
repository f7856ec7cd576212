import Explorer
import Foundation
import Training

/// `maex train … --detach`: the same command started again in a session of its own, with no
/// terminal (standard input /dev/null, output and errors appended to RUN/train.log), so closing
/// the terminal or the SSH connection cannot reach it. This process waits until the new one has
/// written its "started" line to metrics.jsonl (or has died: then its messages are shown), says
/// how to follow and stop it, and returns.
enum TrainDetach {
    /// glibc's POSIX_SPAWN_SETSID (a GNU extension Swift does not import): setsid() in the child.
    static let spawnSetsid: Int16 = 0x80
    /// How long the new process may take to open its data and write its first line.
    static let startTimeout: Double = 120

    /// `arguments`: this command's arguments after `maex` (train …); `run`: its run folder.
    static func start(arguments: [String], run: RunDirectory) throws {
        let fm = FileManager.default
        try run.makeFolder()
        // Everything but --detach and the view's choice: a detached run has no terminal to show.
        let childArguments = arguments.filter { !["--detach", "--tui", "--no-tui"].contains($0) } + ["--no-tui"]
        let logOffset = (try? fm.attributesOfItem(atPath: run.logPath)[.size] as? Int) ?? 0
        let pid = try spawn(childArguments, log: run.logPath)
        let deadline = Date().addingTimeInterval(startTimeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let said = logTail(run.logPath, from: logOffset)
                throw CommandSupport.fail("the run did not start (\(describe(status)))" + (said.isEmpty ? "" : "; it said:\n" + said))
            }
            if started(pid: pid, metrics: run.metricsPath) {
                print("""
                    started the run in the background: pid \(pid), messages in \(run.logPath)
                    follow it:  maex watch \(run.path)
                    stop it:    maex stop \(run.path)
                    """)
                return
            }
            usleep(100_000)
        }
        throw CommandSupport.fail("the run (pid \(pid)) has not started after \(Int(startTimeout)) s; see \(run.logPath)")
    }

    /// Starts this executable with `arguments` in a new session, standard streams redirected,
    /// no other descriptor of this process inherited (a pipe that whoever started this command
    /// reads to its end would otherwise stay open as long as the run).
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            for fd in open.compactMap({ Int32($0) }) where fd > STDERR_FILENO { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        posix_spawnattr_setflags(&attributes, spawnSetsid)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let error = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard error == 0 else { throw CommandSupport.fail("cannot start \(executable): \(String(cString: strerror(error)))") }
        return pid
    }

    /// Whether metrics.jsonl holds the "started" line of process `pid`.
    static func started(pid: pid_t, metrics: String) -> Bool {
        guard let text = try? String(contentsOfFile: metrics, encoding: .utf8) else { return false }
        return RunLogParser.events(in: text).contains { $0.name == "started" && $0.pid == pid }
    }

    /// What the log gained since `offset`, its last 20 lines.
    static func logTail(_ path: String, from offset: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return "" }
        let lines = String(decoding: data.suffix(from: offset), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(20).joined(separator: "\n")
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }
}
