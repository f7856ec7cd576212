import Training

/// One `maex train` option that sets a `TrainingOptions` field: its flag, the field's property
/// and the value given (nil: not given). `TrainCommand.trainingFlags` lists them once; that list
/// makes a run's options and names the fields in errors and in what a resume refuses.
struct TrainingFlag {
    let name: String
    let path: PartialKeyPath<TrainingOptions>
    /// Sets the field when the flag was given.
    let apply: (inout TrainingOptions) -> Void

    init<V>(_ name: String, _ path: WritableKeyPath<TrainingOptions, V>, _ value: V?) {
        self.name = name
        self.path = path
        apply = { if let value { $0[keyPath: path] = value } }
    }

    /// A field that may be unset: the flag sets it, its absence leaves it as it was (a resumed
    /// run's --lr stays; without this overload an absent flag would write nil).
    init<V>(_ name: String, _ path: WritableKeyPath<TrainingOptions, V?>, _ value: V?) {
        self.name = name
        self.path = path
        apply = { if let value { $0[keyPath: path] = value } }
    }
}
