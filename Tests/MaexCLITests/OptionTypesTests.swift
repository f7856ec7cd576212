import Explorer
import Foundation
import MAE
import Testing
import Training
@testable import maex

/// Choices are the modules' enums, parsed by ArgumentParser: the value given reaches the command
/// as the enum, help lists the values, and anything else is a usage error that names them.
@Suite struct OptionTypesTests {
    @Test func choicesParseToTheModulesEnums() throws {
        let explore = try ExploreCommand.parse(["--strategy", "Block", "--glyphs", "sextant", "--color", "256"])
        #expect(explore.strategy == .block && explore.glyphs == .sextant && explore.color == .palette256)
        // ColorMode's other spellings still work.
        #expect(try ExploreCommand.parse(["--color", "truecolour"]).color == .truecolor)
        #expect(try ExploreCommand.parse([]).strategy == .random)

        let train = try TrainCommand.parse(["--data", "/tmp", "--run", "/tmp/r", "--preset", "BASE", "--strategy", "grid"])
        #expect(train.preset == .base && train.strategy == .grid)
        #expect(train.options(base: TrainingOptions()).strategy == .grid)
        #expect(try BenchCommand.parse(["--preset", "large"]).preset == .large)
    }

    @Test(arguments: [["reconstruct", "x.png", "-o", "f.png", "--strategy", "spiral"],
                      ["eval", "--data", "/tmp", "--strategy", "spiral"],
                      ["train", "--data", "/tmp", "--run", "/tmp/r", "--strategy", "spiral"],
                      ["explore", "--strategy", "spiral"]])
    func unknownStrategyIsAUsageErrorListingTheStrategies(arguments: [String]) throws {
        let result = try MaexProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("'spiral'"))
        #expect(result.stderr.contains("'random', 'block' or 'grid'"), "\(result.stderr)")
    }

    @Test func unknownPresetGlyphsAndColoursListTheirValues() throws {
        let preset = try MaexProcess.run(["train", "--data", "/tmp", "--run", "/tmp/r", "--preset", "enormous"])
        #expect(preset.status == 64 && preset.stderr.contains("'tiny', 'base', 'large' or 'huge'"), "\(preset.stderr)")
        let glyphs = try MaexProcess.run(["explore", "--glyphs", "braille"])
        #expect(glyphs.status == 64 && glyphs.stderr.contains("'half' and 'sextant'"), "\(glyphs.stderr)")
        let color = try MaexProcess.run(["watch", "run", "--color", "purple"])
        #expect(color.status == 64 && color.stderr.contains("'truecolor', '256', '16', '8' or 'mono'"), "\(color.stderr)")
        // The explorer's own fallback for terminals without UTF-8 is not a choice.
        let ascii = try MaexProcess.run(["explore", "--glyphs", "ascii"])
        #expect(ascii.status == 64 && ascii.stderr.contains("half or sextant"))
    }

    @Test func helpListsTheValues() throws {
        // Help wraps at the terminal width: compare with the line breaks and indents folded.
        func help(_ command: String) throws -> String {
            try MaexProcess.run([command, "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let explore = try help("explore")
        for values in ["(values: random, block, grid; default: random)", "(values: half, sextant)",
                       "(values: truecolor, 256, 16, 8, mono)"] {
            #expect(explore.contains(values), "explore --help lacks \(values)")
        }
        #expect(!explore.contains("ascii"))
        let train = try help("train")
        #expect(train.contains("(values: tiny, base, large, huge)") && train.contains("(values: random, block, grid)"))
    }
}

/// One name for the mask ratio in every command, --mask-ratio, with --ratio as its alias.
@Suite struct MaskRatioOptionTests {
    /// Each command that takes a ratio, with the other arguments it needs.
    static let commands: [(name: String, rest: [String])] = [
        ("explore", []), ("reconstruct", ["x.png", "-o", "f.png"]), ("eval", ["--data", "/tmp"]),
        ("train", ["--data", "/tmp", "--run", "/tmp/r"]), ("watch", ["run"]),
        ("verify", ["--model", "m", "--case", "c", "--out", "o"]),
    ]

    /// The ratio the command parsed from `arguments`.
    static func ratio(_ name: String, _ arguments: [String]) throws -> Double? {
        switch name {
        case "explore": try ExploreCommand.parse(arguments).ratio
        case "reconstruct": try ReconstructCommand.parse(arguments).ratio
        case "eval": try EvalCommand.parse(arguments).ratio
        case "train": try TrainCommand.parse(arguments).maskRatio
        case "watch": try WatchCommand.parse(arguments).maskRatio
        default: try VerifyCommand.parse(arguments).maskRatio
        }
    }

    @Test func bothNamesGiveTheSameValueEverywhere() throws {
        for (name, rest) in Self.commands {
            #expect(try Self.ratio(name, rest + ["--mask-ratio", "0.4"]) == 0.4, "\(name) --mask-ratio")
            #expect(try Self.ratio(name, rest + ["--ratio", "0.4"]) == 0.4, "\(name) --ratio")
        }
    }

    @Test func anOutOfRangeRatioIsAUsageErrorUnderItsName() throws {
        for (name, rest) in Self.commands {
            for flag in ["--mask-ratio", "--ratio"] {
                let result = try MaexProcess.run([name] + rest + [flag, "1.5"])
                #expect(result.status == 64, "\(name) \(flag): \(result.stderr)")
                #expect(result.stderr.contains("--mask-ratio"), "\(name) \(flag): \(result.stderr)")
            }
        }
    }

    @Test func helpShowsTheNameAndItsAlias() throws {
        for (name, _) in Self.commands {
            #expect(try MaexProcess.run([name, "--help"]).stdout.contains("--mask-ratio, --ratio <r>"), "\(name)")
        }
    }
}
