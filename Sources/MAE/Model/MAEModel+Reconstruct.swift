/// One image, one explicit mask: the forward pass at batch 1 with the encoder seeing exactly the
/// visible patches (none at all: the class token alone), and the prediction put back into image
/// space.
extension MAEModel {
    /// image [C, S, S] normalised; mask of L patches with any number 0…L visible.
    public func reconstruct(image: [Float], mask: PatchMask) -> Reconstruction {
        let start = ContinuousClock.now
        let c = config, L = c.numPatches, P = c.patchDim
        let C = c.inChans, S = c.imgSize, p = c.patchSize, g = c.gridSize
        precondition(image.count == C * S * S, "reconstruct: image has \(image.count) values, the model needs \(C * S * S)")
        precondition(mask.count == L, "reconstruct: mask has \(mask.count) patches, the model has \(L)")

        let ws = explicitWorkspace(masks: [mask])
        let loss = image.withUnsafeBufferPointer { forwardPass(ws, images: $0.baseAddress!) }

        // prediction [C, S, S] = unpatchify(pred [L, P]), de-normalised per patch for norm-pix.
        var patches = Array(UnsafeBufferPointer(start: ws.pred, count: L * P))
        var prediction = [Float](repeating: 0, count: C * S * S)
        patches.withUnsafeMutableBufferPointer { patches in
            if c.normPixLoss {
                // The original patches' own mean and std, which the loss's targets were made with.
                denormalizePatches(patches.baseAddress!, mean: ws.targetMean, std: ws.targetStd, rows: L, width: P)
            }
            unpatchify(images: &prediction, patches: patches.baseAddress!, batch: 1, channels: C, side: S, patch: p)
        }

        // pasted: visible patches from the input, masked from the prediction; MSE over masked pixels.
        var pasted = image
        var squared = 0.0
        for k in 0..<L where mask.masked[k] {
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
        let maskedPixels = mask.maskedCount * P
        let maskedMSE = maskedPixels == 0 ? Float.nan : Float(squared / Double(maskedPixels))
        let elapsed = start.duration(to: .now).components
        return Reconstruction(prediction: prediction, pasted: pasted, mask: mask, loss: loss, maskedMSE: maskedMSE,
                              leaksMaskedStatistics: c.normPixLoss,
                              seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
    }
}
