import MAE

/// The screens of `maex tour`, in order: each one sentence on the paper's findings, and the
/// explorer set up to show it (the explorer's keys keep working on every screen).
public enum TourScreen: Int, CaseIterable, Sendable {
    case patches, randomMasking, decoder, loss, ratioCurve, strategies, ninety

    public var title: String {
        switch self {
        case .patches: "the image as patches"
        case .randomMasking: "random masking at 75%"
        case .decoder: "mask tokens and the decoder"
        case .loss: "the loss is only on hidden patches"
        case .ratioCurve: "the ratio curve"
        case .strategies: "random, block and grid masks"
        case .ninety: "what cannot be known at 90%"
        }
    }

    /// The sentence above the panels; `visible` and `patches` are the current mask's counts.
    public func sentence(visible: Int, patches: Int, grid: Int) -> String {
        switch self {
        case .patches:
            "An MAE cuts the picture into a grid of square patches, here \(grid) × \(grid) = \(patches), and treats each "
                + "patch as one token, the way a language model treats a word."
        case .randomMasking:
            "It hides a random 75% of the patches and shows the encoder only the rest: \(visible) of \(patches) tokens "
                + "(and a class token), a quarter of the work."
        case .decoder:
            "A small decoder takes the encoder's outputs back to their places, puts one shared, learnt mask token "
                + "wherever a patch is missing, and predicts the pixels of every patch."
        case .loss:
            "Training compares the prediction with the original only on the hidden patches (the heatmap shows each "
                + "patch's error): copying the visible ones would teach nothing."
        case .ratioCurve:
            "The more is hidden, the worse the guess, yet the paper learnt its best features at 75%, far above the 15% "
                + "of words BERT hides: pictures repeat themselves, so little must be a lot."
        case .strategies:
            "Where the holes are matters: whole blocks (b) are harder to fill than scattered patches (r), and a regular "
                + "grid (g) is easy to fill but teaches the encoder less."
        case .ninety:
            "With 90% hidden only \(visible) patches remain: the layout and colours can still be guessed, but a detail "
                + "that no visible patch shows cannot be known, only made up."
        }
    }

    /// How the mask is drawn on arrival: strategy and ratio (seed 0).
    var mask: (strategy: MaskStrategy, ratio: Double) {
        switch self {
        case .patches: (.random, 0)
        case .randomMasking, .decoder, .loss, .ratioCurve: (.random, 0.75)
        case .strategies: (.block, 0.75)
        case .ninety: (.random, 0.9)
        }
    }

    var showsGrid: Bool { self == .patches || self == .randomMasking }
    var showsHeatmap: Bool { self == .loss }
    var showsSweep: Bool { self == .ratioCurve }
}

/// Where the tour is, and the encoder times measured when it started.
public struct TourState: Sendable {
    public var screen: TourScreen = .patches
    public var encoderTiming: EncoderTiming?

    public init(encoderTiming: EncoderTiming? = nil) { self.encoderTiming = encoderTiming }
}

/// The encoder's wall time on the tour's image with a 75% random mask and with none.
public struct EncoderTiming: Sendable, Equatable {
    /// Tokens the encoder sees with the mask (visible patches + the class token) and without.
    public var maskedTokens: Int
    public var allTokens: Int
    public var maskedSeconds: Double
    public var fullSeconds: Double

    public init(maskedTokens: Int, allTokens: Int, maskedSeconds: Double, fullSeconds: Double) {
        self.maskedTokens = maskedTokens
        self.allTokens = allTokens
        self.maskedSeconds = maskedSeconds
        self.fullSeconds = fullSeconds
    }

    /// "measured: encoder on 17 tokens 0.4 ms, on all 65 1.5 ms (3.8× longer)".
    public var line: String {
        let ratio = maskedSeconds > 0 ? String(format: " (%.1f× longer)", fullSeconds / maskedSeconds) : ""
        return "measured: encoder on \(maskedTokens) tokens \(StatusBar.milliseconds(maskedSeconds)), "
            + "on all \(allTokens) \(StatusBar.milliseconds(fullSeconds))\(ratio)"
    }
}
