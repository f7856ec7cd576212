import MAE

/// config.json of a run directory: the model's constructor arguments (the authors' names), every
/// training argument, the data folder and the plan derived from them.
public struct RunConfig: Codable, Equatable, Sendable {
    public static let currentFormat = "maex-run/1"
    public var format: String = RunConfig.currentFormat
    public var model: MAEConfig
    public var training: TrainingOptions
    /// The --data folder as given.
    public var data: String
    public var plan: TrainingPlan
    /// The model file the run started from (`--init`), nil for random weights.
    public var weights: String?

    public init(model: MAEConfig, training: TrainingOptions, data: String, plan: TrainingPlan) {
        self.model = model
        self.training = training
        self.data = data
        self.plan = plan
    }
}
