/// A training option that cannot make a run. It names the option by its field; the caller says
/// the field in its own words (`maex train`: the command-line flag). `description` uses
/// config.json's keys.
public enum TrainingOptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value is outside what a run can use: it must be `requirement` ("at least 1").
    case invalid(TrainingOptions.Field, requirement: String, value: String)
    /// Two options that give the same length in different units, both set.
    case bothGiven(TrainingOptions.Field, TrainingOptions.Field)

    /// The options the error is about.
    public var fields: [TrainingOptions.Field] {
        switch self {
        case .invalid(let field, _, _): [field]
        case .bothGiven(let a, let b): [a, b]
        }
    }

    /// The sentence, with each option called `name(field)`.
    public func message(naming name: (TrainingOptions.Field) -> String) -> String {
        switch self {
        case .invalid(let field, let requirement, let value): "\(name(field)) must be \(requirement), got \(value)"
        case .bothGiven(let a, let b): "give \(name(a)) or \(name(b)), not both"
        }
    }

    public var description: String { message { $0.key } }
}
