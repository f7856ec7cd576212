import ArgumentParser
import Glibc

@main
struct Maex: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "maex",
        abstract: "A terminal explorer for Masked Autoencoders.",
        discussion: """
            maex draws images with block characters, masks their patches and shows what a \
            Masked Autoencoder (He et al. 2021) redraws from the visible rest.
            """,
        version: version,
        subcommands: [ExploreCommand.self, VerifyCommand.self, ReconstructCommand.self, TrainCommand.self, EvalCommand.self, TourCommand.self, CollectCommand.self, BenchCommand.self, WatchCommand.self, StopCommand.self, InfoCommand.self, ConvertCommand.self],
        defaultSubcommand: ExploreCommand.self
    )

    /// The signals maex acts on are unblocked first: a process inherits its parent's signal
    /// mask, and one started from a thread that blocks them (a test runner, some launchers, a
    /// tmux server started from there) would otherwise never see Ctrl-C, SIGTERM or a hang-up.
    /// Threads started later inherit the unblocked mask.
    static func main() {
        var handled = sigset_t()
        sigemptyset(&handled)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGWINCH, SIGCONT] { sigaddset(&handled, s) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        main(nil)
    }
}
