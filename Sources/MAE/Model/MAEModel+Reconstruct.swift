/// One image, one explicit mask: the forward pass at batch 1 with the encoder seeing exactly the
/// visible patches (none at all: the class token alone), and the prediction put back into image
/// space.
extension MAEModel {
    /// image [C, S, S] normalised; mask of L patches with any number 0…L visible.
    public func reconstruct(image: [Float], mask: PatchMask) -> Reconstruction {
        let start = ContinuousClock.now
        let c = config
        let count = c.inChans * c.imgSize * c.imgSize
        precondition(image.count == count, "reconstruct: image has \(image.count) values, the model needs \(count)")
        var prediction = [Float](repeating: 0, count: count)
        var pasted = [Float](repeating: 0, count: count)
        let scores = image.withUnsafeBufferPointer { image in
            prediction.withUnsafeMutableBufferPointer { prediction in
                pasted.withUnsafeMutableBufferPointer { pasted in
                    reconstruct(image: image.baseAddress!, mask: mask, prediction: prediction.baseAddress!,
                                pasted: pasted.baseAddress!)
                }
            }
        }
        let elapsed = start.duration(to: .now).components
        return Reconstruction(prediction: prediction, pasted: pasted, mask: mask, loss: scores.loss,
                              maskedMSE: scores.maskedMSE, leaksMaskedStatistics: c.normPixLoss,
                              seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
    }

    /// The same into caller-owned buffers, allocating nothing once this mask's visible count has
    /// been seen (the workspace is reused): image, prediction and pasted are [C, S, S].
    public func reconstruct(image: UnsafePointer<Float>, mask: PatchMask, prediction: UnsafeMutablePointer<Float>,
                            pasted: UnsafeMutablePointer<Float>) -> (loss: Float, maskedMSE: Float) {
        let c = config, L = c.numPatches, P = c.patchDim
        let C = c.inChans, S = c.imgSize, p = c.patchSize, g = c.gridSize
        precondition(mask.count == L, "reconstruct: mask has \(mask.count) patches, the model has \(L)")

        let ws = explicitWorkspace(mask: mask)
        let loss = forwardPass(ws, images: image)

        // prediction [C, S, S] = unpatchify(pred [L, P]), de-normalised per patch for norm-pix; the
        // workspace's target [L, P] is free after the loss and holds the de-normalised patches.
        var patches = UnsafePointer(ws.pred)
        if c.normPixLoss {
            // The original patches' own mean and std, which the loss's targets were made with.
            ws.target.update(from: ws.pred, count: L * P)
            denormalizePatches(ws.target, mean: ws.targetMean, std: ws.targetStd, rows: L, width: P)
            patches = UnsafePointer(ws.target)
        }
        unpatchify(images: prediction, patches: patches, batch: 1, channels: C, side: S, patch: p)

        // pasted: visible patches from the input, masked from the prediction; MSE over masked pixels.
        pasted.update(from: image, count: C * S * S)
        var squared = 0.0
        var maskedCount = 0
        for k in 0..<L where mask.masked[k] {
            maskedCount += 1
            let row = k / g, col = k % g
            for ch in 0..<C {
                for i in 0..<p {
                    let base = (ch * S + row * p + i) * S + col * p
                    for j in base..<(base + p) {
                        pasted[j] = prediction[j]
                        let d = Double(prediction[j] - image[j])
                        squared += d * d
                    }
                }
            }
        }
        let maskedPixels = maskedCount * P
        let maskedMSE = maskedPixels == 0 ? Float.nan : Float(squared / Double(maskedPixels))
        return (loss, maskedMSE)
    }
}
