import ArgumentParser

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
        subcommands: [ExploreCommand.self, VerifyCommand.self, ReconstructCommand.self, TrainCommand.self, EvalCommand.self, CollectCommand.self, BenchCommand.self, WatchCommand.self, StopCommand.self],
        defaultSubcommand: ExploreCommand.self
    )
}
