import Foundation
import MAE
import Testing
import Training
@testable import maex

/// `maex train`'s flags for TrainingOptions: one list makes the options, names the fields in
/// errors and in what a resume refuses.
@Suite struct TrainingFlagTests {
    static func train(_ arguments: [String]) throws -> TrainCommand {
        try TrainCommand.parse(arguments)
    }

    @Test func everyFieldHasItsOwnFlag() throws {
        let command = try Self.train(["--data", "/tmp", "--run", "/tmp/r"])
        let flags = TrainingOptions.fields.map(command.flag)
        #expect(Set(flags).count == flags.count)
        let help = try MaexProcess.run(["train", "--help"]).stdout
        for (field, flag) in zip(TrainingOptions.fields, flags) {
            #expect(flag.hasPrefix("--") && help.contains(flag), "\(field.key) → \(flag)")
        }
        #expect(command.flag(TrainingOptions.field(\.cacheBytes)) == "--cache-mb")
        #expect(command.flag(TrainingOptions.field(\.greyProbability)) == "--grey-prob")
    }

    @Test func flagsLeftOutKeepTheSavedOptions() throws {
        var saved = TrainingOptions()
        saved.lr = 2e-3
        saved.threads = 2
        saved.steps = 40
        saved.warmupEpochs = 1
        saved.strategy = .grid
        saved.quarterTurns = true
        saved.cacheBytes = 5 << 20
        #expect(try Self.train(["--resume", "--run", "/tmp/r"]).options(base: saved) == saved)

        let longer = try Self.train(["--resume", "--run", "/tmp/r", "--epochs", "3", "--cache-mb", "7"]).options(base: saved)
        #expect(longer.steps == nil && longer.epochs == 3 && longer.cacheBytes == 7 << 20 && longer.lr == 2e-3)
        let given = try Self.train(["--data", "/tmp", "--run", "/tmp/r", "--warmup-steps", "4", "--grey-prob", "0.5",
                                    "--channel-shuffle"]).options(base: saved)
        #expect(given.warmupSteps == 4 && given.warmupEpochs == nil && given.greyProbability == 0.5 && given.channelShuffle)
    }

    @Test func aResumeRefusesChangesByTheirFlags() throws {
        var saved = TrainingOptions()
        saved.steps = 10
        var config = RunConfig(model: .tiny, training: saved, data: "/tmp/data", plan: TrainingPlan(options: saved, images: 8))
        let command = try Self.train(["--resume", "--run", "/tmp/r", "--batch", "8", "--grey-prob", "0.5", "--steps", "20"])
        #expect {
            try command.adjust(&config)
        } throws: { error in
            guard case RunError.notResumable(_, let reason) = error else { return false }
            return reason.contains("these differ from config.json: --batch, --grey-prob (")
        }
        try Self.train(["--resume", "--run", "/tmp/r", "--steps", "20", "--threads", "1", "--save-every-minutes", "0.5"])
            .adjust(&config)
        #expect(config.training.steps == 20 && config.training.threads == 1 && config.training.saveEveryMinutes == 0.5)
    }

    @Test(arguments: [(["--batch", "0"], "--batch must be at least 1, got 0"),
                      (["--warmup-epochs=-1"], "--warmup-epochs must be 0 or more, got -1.0"),
                      (["--crop-scale-min", "0"], "--crop-scale-min must be in (0, 1], got 0.0"),
                      (["--save-every-minutes", "0"], "--save-every-minutes must be positive, got 0.0"),
                      (["--steps", "5", "--epochs", "2"], "give --steps or --epochs, not both")])
    func problemsNameTheFlag(arguments: [String], message: String) throws {
        let result = try MaexProcess.run(["train", "--data", "/tmp", "--run", "/tmp/r"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
