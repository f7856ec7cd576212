import MAE

/// Everything maex does with a checkpoint file or folder before a model runs: what `maex info`
/// reads, the authors' args, the metadata, and a full load into a model. Errors are the expected
/// outcome for almost every input; only a crash, a hang or a sanitizer report is a finding.
public func openCheckpointEveryWay(_ path: String) {
    _ = try? CheckpointContents.read(path: path)
    _ = try? TrainingArgs.read(path: path)
    _ = try? Checkpoint.metadata(path: path)
    _ = try? Checkpoint.load(path: path)
}
