/// The model shapes maex knows by name: its own tiny model and the authors' three ViTs.
/// The raw values are the names `--preset` takes.
public enum MAEPreset: String, CaseIterable, Sendable {
    case tiny, base, large, huge

    public var config: MAEConfig {
        switch self {
        case .tiny: .tiny
        case .base: .base
        case .large: .large
        case .huge: .huge
        }
    }
}
