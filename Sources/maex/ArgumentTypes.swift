import ArgumentParser
import Explorer
import MAE

// The names and choices shared by maex's commands.
//
// The choices of maex's options are the modules' own enums. They learn to parse here, in the
// only target that imports ArgumentParser, so the lower layers stay free of it; help then lists
// each option's values and anything else is a usage error (exit 64) that names them.

/// Any case, as `maex train --strategy` has always taken.
extension MaskStrategy: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Any case, as `--preset` has always taken.
extension MAEPreset: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Parsed by `ColorMode.init(argument:)`, which also takes other spellings (truecolour, 24bit,
/// monochrome, …); help lists the raw values.
extension ColorMode: ExpressibleByArgument {}

extension Dither: ExpressibleByArgument {}

/// Parsed by `GlyphMode.init(argument:)`. `--glyphs` offers half and sextant only: ascii is what
/// the explorer falls back to by itself on a terminal without UTF-8.
extension GlyphMode: ExpressibleByArgument {
    public static var allValueStrings: [String] { [GlyphMode.halfBlock, .sextant].map(\.rawValue) }
}

extension NameSpecification {
    /// The fraction of patches hidden, in every command that takes one: `--mask-ratio`, the
    /// authors' mask_ratio (and config.json's key), with `--ratio` kept as an alias for the
    /// scripts that explore, reconstruct and eval used to take.
    static var maskRatio: NameSpecification { [.customLong("mask-ratio"), .customLong("ratio")] }
}
