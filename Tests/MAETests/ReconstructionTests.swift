import Testing
@testable import MAE

@Suite struct ReconstructionTests {
    /// Image n of a case and its mask row as an explicit mask: the kept set is the same as the
    /// random masking's, so the prediction must be the case's expected pred for that image (the
    /// order of the kept tokens does not change the result).
    func firstImage(_ f: FixtureCase) -> (image: [Float], mask: PatchMask, pred: [Float]) {
        let c = f.model.config, L = c.numPatches
        let image = Array(f.expected("input.imgs")[0..<(c.inChans * c.imgSize * c.imgSize)])
        let mask = PatchMask(authorsMask: f.expected("expected.mask")[0..<L])
        return (image, mask, Array(f.expected("expected.pred")[0..<(L * c.patchDim)]))
    }

    func unpatchified(_ patches: [Float], _ c: MAEConfig) -> [Float] {
        var out = [Float](repeating: 0, count: c.inChans * c.imgSize * c.imgSize)
        unpatchify(images: &out, patches: patches, batch: 1, channels: c.inChans, side: c.imgSize, patch: c.patchSize)
        return out
    }

    @Test func pixelModelPredictsTheReference() throws {
        let f = try FixtureCase.bundled("tiny-a")
        let c = f.model.config
        let (image, mask, pred) = firstImage(f)
        let r = f.model.reconstruct(image: image, mask: mask)
        #expect(!r.leaksMaskedStatistics)
        #expect(relativeError(r.prediction, unpatchified(pred, c)) < 1e-4)
        // Loss of this one image, from the reference prediction, in Double.
        var target = [Float](repeating: 0, count: pred.count)
        patchify(patches: &target, images: image, batch: 1, channels: c.inChans, side: c.imgSize, patch: c.patchSize)
        let P = c.patchDim
        var total = 0.0
        for k in 0..<c.numPatches where mask.masked[k] {
            for i in 0..<P { let d = Double(pred[k * P + i] - target[k * P + i]); total += d * d / Double(P) }
        }
        #expect(abs(Double(r.loss) - total / Double(mask.maskedCount)) < 1e-4)
        // For a pixel model the masked-pixel MSE is the loss.
        #expect(abs(r.maskedMSE - r.loss) < 1e-4)
        // pasted: input where visible, prediction where masked.
        let g = c.gridSize, p = c.patchSize, S = c.imgSize
        for ch in 0..<c.inChans { for y in 0..<S { for x in 0..<S {
            let i = (ch * S + y) * S + x
            let hidden = mask.masked[(y / p) * g + x / p]
            let want: Float = hidden ? r.prediction[i] : image[i]
            #expect(r.pasted[i] == want)
        } } }
    }

    @Test func normPixModelIsDenormalisedWithEachPatchsOwnStatistics() throws {
        let f = try FixtureCase.bundled("tiny-b")
        let c = f.model.config, P = c.patchDim
        let (image, mask, pred) = firstImage(f)
        let r = f.model.reconstruct(image: image, mask: mask)
        #expect(r.leaksMaskedStatistics)
        var raw = [Float](repeating: 0, count: pred.count)
        patchify(patches: &raw, images: image, batch: 1, channels: c.inChans, side: c.imgSize, patch: c.patchSize)
        var want = pred
        for k in 0..<c.numPatches {
            let patch = raw[(k * P)..<((k + 1) * P)].map(Double.init)
            let m = patch.reduce(0, +) / Double(P)
            let v = patch.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(P - 1)
            for i in 0..<P { want[k * P + i] = Float(Double(pred[k * P + i]) * (v + 1e-6).squareRoot() + m) }
        }
        #expect(relativeError(r.prediction, unpatchified(want, c)) < 1e-4)
    }

    @Test func anyVisibleCountRuns() throws {
        let f = try FixtureCase.bundled("tiny-a")
        let c = f.model.config, L = c.numPatches
        let image = Array(f.expected("input.imgs")[0..<(c.inChans * c.imgSize * c.imgSize)])
        // Nothing visible: the encoder sees the class token alone.
        let none = f.model.reconstruct(image: image, mask: .all(patches: L))
        #expect(none.prediction.allSatisfy { $0.isFinite } && none.loss.isFinite && none.maskedMSE.isFinite)
        // One visible patch: it is pasted from the input.
        let one = f.model.reconstruct(image: image, mask: PatchMask(patches: L, visible: [5]))
        #expect(one.loss.isFinite && one.mask.visibleCount == 1)
        let corner = (5 / c.gridSize * c.patchSize) * c.imgSize + 5 % c.gridSize * c.patchSize
        #expect(one.pasted[corner] == image[corner] && one.prediction[corner] != image[corner])
        // Everything visible: no loss to speak of, the pasted image is the input.
        let all = f.model.reconstruct(image: image, mask: .none(patches: L))
        #expect(all.loss.isNaN && all.maskedMSE.isNaN && all.pasted == image)
        #expect(all.prediction.allSatisfy { $0.isFinite })
        // The workspace of each shape is reused: the same call gives the same answer.
        let again = f.model.reconstruct(image: image, mask: .all(patches: L))
        #expect(again.prediction == none.prediction && again.seconds > 0)
    }
}
