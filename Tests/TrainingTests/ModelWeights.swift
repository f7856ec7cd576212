import MAE

/// The weights of `model` as an array. A helper, not `Array(model.parameters)` inline: the model
/// frees its buffer in deinit, and an inline temporary may be released before the copy is made.
func weights(_ model: MAEModel) -> [Float] {
    withExtendedLifetime(model) { Array(model.parameters) }
}
