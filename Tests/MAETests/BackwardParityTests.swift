import Testing
@testable import MAE

/// Every `grad.<name>` of a fixture case (PyTorch autograd in float64) within 1e-3 of the
/// tensor's largest magnitude; the position embeddings get none.
@Suite struct BackwardParityTests {
    func check(_ f: FixtureCase) {
        let model = f.model
        let images = f.expected("input.imgs"), noise = f.expected("input.noise")
        var grads = [Float](repeating: 0, count: model.table.count)
        let loss = grads.withUnsafeMutableBufferPointer {
            model.lossAndGradients(images: images, noise: noise, batch: f.batch, maskRatio: f.maskRatio, gradients: $0)
        }
        #expect(relativeError([loss], f.expected("expected.loss")) < 1e-4, "\(f.name): loss")
        for entry in model.table.entries {
            let got = Array(grads[entry.range])
            if !entry.trainable {
                #expect(got.allSatisfy { $0 == 0 }, "\(f.name): \(entry.name) must get no gradient")
                continue
            }
            let err = relativeError(got, f.expected("grad." + entry.name))
            #expect(err < 1e-3, "\(f.name): grad.\(entry.name) relative error \(err)")
        }
        // Accumulation: a second call adds the same gradients again.
        var twice = grads
        _ = twice.withUnsafeMutableBufferPointer {
            model.lossAndGradients(images: images, noise: noise, batch: f.batch, maskRatio: f.maskRatio, gradients: $0)
        }
        #expect(relativeError(twice, grads.map { 2 * $0 }) < 1e-5, "\(f.name): gradients accumulate")
    }

    @Test(arguments: ["tiny-a", "tiny-b"])
    func shippedCase(_ name: String) throws {
        check(try FixtureCase.bundled(name))
    }

    /// The case's own masks given explicitly (kept tokens then in spatial order, not noise order)
    /// give the same loss and gradients: the path a block or grid training batch takes.
    @Test func explicitMasksGiveTheSameGradients() throws {
        let f = try FixtureCase.bundled("tiny-b")
        let L = f.model.config.numPatches
        let maskRows = f.expected("expected.mask")
        let masks = (0..<f.batch).map { PatchMask(authorsMask: maskRows[($0 * L)..<(($0 + 1) * L)]) }
        var grads = [Float](repeating: 0, count: f.model.table.count)
        let loss = grads.withUnsafeMutableBufferPointer {
            f.model.lossAndGradients(images: f.expected("input.imgs"), masks: masks, gradients: $0)
        }
        #expect(relativeError([loss], f.expected("expected.loss")) < 1e-4)
        #expect(f.model.loss(images: f.expected("input.imgs"), masks: masks) == loss)
        for entry in f.model.table.entries where entry.trainable {
            #expect(relativeError(Array(grads[entry.range]), f.expected("grad." + entry.name)) < 1e-3, "\(entry.name)")
        }
    }

    /// A diverged model (NaN weights) gives a NaN loss the trainer can report; nothing traps.
    @Test func nanWeightsGiveANaNLoss() throws {
        let f = try FixtureCase.bundled("tiny-a")
        let model = f.model.copy()
        model.tensor("blocks.0.mlp.fc1.bias")[0] = .nan
        var grads = [Float](repeating: 0, count: model.table.count)
        let loss = grads.withUnsafeMutableBufferPointer {
            model.lossAndGradients(images: f.expected("input.imgs"), noise: f.expected("input.noise"),
                                   batch: f.batch, maskRatio: f.maskRatio, gradients: $0)
        }
        #expect(loss.isNaN)
    }

    // Only with cases to compare: skipped (and shown as skipped) when MAEX_EXTRA_CASES is unset.
    @Test(.enabled(if: FixtureCase.extraFolder != nil, "MAEX_EXTRA_CASES is not set"))
    func extraCases() throws {
        // With nothing masked the loss is 0/0 = NaN and PyTorch's gradients are NaN too; ours are
        // zero (nothing to learn from), so such cases are compared forward only.
        let cases = try FixtureCase.extra().filter { !$0.expected("expected.loss")[0].isNaN }
        #expect(!cases.isEmpty, "no case with a finite loss in \(FixtureCase.extraFolder ?? "")")
        for fixture in cases { check(fixture) }
    }
}
