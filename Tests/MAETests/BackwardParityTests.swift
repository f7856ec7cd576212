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

    @Test func extraCases() throws {
        for fixture in try FixtureCase.extra() { check(fixture) }
    }
}
