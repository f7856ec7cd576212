import MAE

/// One optimizer step, the only one: the trainer, `maex bench` and the allocation test all run
/// it, so what is measured and what is checked for allocations is what trains.
///
///     begin()                          gradients = 0
///     accumulate(images, noise, …)     gradients += dLoss/dParam of one micro-batch (× accum)
///     finish(microBatches:lr:)         gradients /= accum; AdamW(parameters, gradients, lr)
///
/// Nothing is allocated after the first step of a shape: the gradient buffer is made once, the
/// model's workspaces are reused, AdamW works in place.
public final class TrainingStep {
    public let model: MAEModel
    public let optimizer: AdamW
    /// dLoss/dParam in the model's table layout [table.count].
    public let gradients: UnsafeMutableBufferPointer<Float>

    public init(model: MAEModel, optimizer: AdamW) {
        precondition(optimizer.table == model.table, "the optimizer's table is not the model's")
        self.model = model
        self.optimizer = optimizer
        gradients = .allocate(capacity: model.table.count)
        gradients.initialize(repeating: 0)
    }

    deinit { gradients.deallocate() }

    /// Starts a step: the gradients of the last one are cleared (in parallel: 3 M values for
    /// tiny, 112 M for base).
    public func begin() {
        zeroInParallel(gradients)
    }

    /// Adds one micro-batch's gradients; returns its loss. images [N, C, S, S] normalised,
    /// noise [N, L] (the authors' random masking).
    public func accumulate(images: UnsafePointer<Float>, noise: UnsafePointer<Float>, batch: Int,
                           maskRatio: Double) -> Float {
        model.lossAndGradients(images: images, noise: noise, batch: batch, maskRatio: maskRatio, gradients: gradients)
    }

    /// Ends the step: the mean gradient of the micro-batches, then one AdamW update at `lr`.
    public func finish(microBatches: Int, lr: Double) {
        precondition(microBatches >= 1, "a step has at least one micro-batch")
        if microBatches > 1 {
            // The authors divide each micro-batch's loss by accum_iter; scaling the sum is the same.
            let scale = 1 / Float(microBatches)
            for i in 0..<gradients.count { gradients[i] *= scale }
        }
        optimizer.update(parameters: model.parameters, gradients: UnsafeBufferPointer(gradients), lr: lr)
    }
}
