import Foundation
import MAE

/// Everything a `Trainer` starts from: a new run (fresh weights from the seed, zero moments)
/// or a resumed one (the run directory's checkpoint, moments and data position).
public struct TrainingSession: @unchecked Sendable {
    public let config: RunConfig
    public let model: MAEModel
    public let optimizer: AdamW
    public let dataset: ImageDataset
    public let state: TrainingState
    /// Where checkpoints and metrics go; nil trains in memory only.
    public let run: RunDirectory?
    public let resumed: Bool
    /// The save a resumed run continues from (it may have completed an interrupted one).
    public var resumedFrom: SavedPair?
    /// The run folder's lock, held while the session lives (and so by the process that trains).
    public let lock: RunLock?

    public var plan: TrainingPlan { config.plan }
    public var options: TrainingOptions { config.training }

    /// A new run on the images of `data`. With a run directory, it is created (it must not hold
    /// a checkpoint yet), locked (`RunLock`: no other trainer may use it) and config.json
    /// written before any training.
    ///
    /// `weights`: a model to start from (and its file, recorded in config.json) instead of the
    /// seeded random initialisation; its config must be `modelConfig`. Its weights are copied:
    /// the file it came from is never written.
    public static func fresh(data: String, model modelConfig: MAEConfig, options: TrainingOptions,
                             run: RunDirectory?, weights: (model: MAEModel, path: String)? = nil) throws(RunError) -> TrainingSession {
        do { try options.validate() } catch { throw .options(error) }
        let model: MAEModel
        if let weights {
            guard weights.model.config == modelConfig else {
                throw .badConfig(path: weights.path, reason: "its model config is not the run's")
            }
            model = weights.model.copy()
        } else {
            do {
                model = try MAEModel(config: modelConfig, seed: options.seed)
            } catch {
                throw .badConfig(path: "model config", reason: error.description)
            }
        }
        let dataset: ImageDataset
        do {
            dataset = try ImageDataset.open(folder: data, cacheBudget: options.cacheBytes,
                                            maxShorterSide: shrinkSide(modelConfig))
        } catch {
            throw .data(error)
        }
        var config = RunConfig(model: modelConfig, training: options, data: data,
                               plan: TrainingPlan(options: options, images: dataset.count))
        config.weights = weights?.path
        let lock = try run.map { (r: RunDirectory) throws(RunError) in try r.lock(creating: true) }
        try run?.create(config: config)
        return TrainingSession(config: config, model: model,
                               optimizer: AdamW(table: model.table, weightDecay: options.weightDecay),
                               dataset: dataset, state: TrainingState(seed: options.seed), run: run, resumed: false,
                               lock: lock)
    }

    /// Decoded images are kept no larger than this on their shorter side (see `ImageDataset`).
    static func shrinkSide(_ model: MAEConfig) -> Int { 4 * model.imgSize }

    /// Continues the run in `run`, which it locks first (`RunLock`). `adjust` may change what a resume may change (length, saving
    /// and logging intervals, threads, the data folder's path); the plan is recomputed from it.
    public static func resume(run: RunDirectory,
                              adjust: (inout RunConfig) throws(RunError) -> Void = { (_: inout RunConfig) throws(RunError) in }
    ) throws(RunError) -> TrainingSession {
        var config = try run.readConfig()
        let lock = try run.lock()
        try adjust(&config)
        do { try config.training.validate() } catch { throw .options(error) }
        let dataset: ImageDataset
        do {
            dataset = try ImageDataset.open(folder: config.data, cacheBudget: config.training.cacheBytes,
                                            maxShorterSide: shrinkSide(config.model))
        } catch {
            throw .data(error)
        }
        if dataset.count != config.plan.images {
            throw .notResumable(path: run.path, reason: "\(config.data) now has \(dataset.count) usable images, the run "
                + "began with \(config.plan.images); the data order cannot continue (start a new run)")
        }
        config.plan = TrainingPlan(options: config.training, images: dataset.count)
        let (model, optimizer, state, pair) = try run.load(config: config)
        try run.writeConfig(config)
        try run.trimMetrics(toStep: state.step)
        return TrainingSession(config: config, model: model, optimizer: optimizer, dataset: dataset,
                               state: state, run: run, resumed: true, resumedFrom: pair, lock: lock)
    }
}
