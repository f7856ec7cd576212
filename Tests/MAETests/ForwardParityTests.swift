import Testing
@testable import MAE

/// The forward pass against PyTorch (float64 reference stored as float32): latent, pred, mask,
/// ids_restore and loss within 1e-4 of each tensor's largest magnitude.
@Suite struct ForwardParityTests {
    static let tolerance = 1e-4

    func check(_ fixture: FixtureCase) {
        let images = fixture.expected("input.imgs"), noise = fixture.expected("input.noise")
        #expect(fixture.batch >= 1, "\(fixture.name): batch metadata")
        let out = fixture.model.forward(images: images, noise: noise, batch: fixture.batch,
                                        maskRatio: fixture.maskRatio)
        let name = fixture.name
        #expect(out.latent.count == fixture.expected("expected.latent").count, "\(name): latent shape")
        #expect(relativeError(out.latent, fixture.expected("expected.latent")) < Self.tolerance, "\(name): latent")
        #expect(relativeError(out.pred, fixture.expected("expected.pred")) < Self.tolerance, "\(name): pred")
        #expect(out.mask == fixture.expected("expected.mask"), "\(name): mask")
        #expect(out.idsRestore.map(Float.init) == fixture.expected("expected.ids_restore"), "\(name): ids_restore")
        #expect(relativeError([out.loss], fixture.expected("expected.loss")) < Self.tolerance, "\(name): loss")
        // The loss on its own agrees with the full forward.
        let loss = fixture.model.loss(images: images, noise: noise, batch: fixture.batch, maskRatio: fixture.maskRatio)
        #expect(loss == out.loss || (loss.isNaN && out.loss.isNaN))
    }

    @Test(arguments: ["tiny-a", "tiny-b"])
    func shippedCase(_ name: String) throws {
        check(try FixtureCase.bundled(name))
    }

    // Only with cases to compare: skipped (and shown as skipped) when MAEX_EXTRA_CASES is unset.
    @Test(.enabled(if: FixtureCase.extraFolder != nil, "MAEX_EXTRA_CASES is not set"))
    func extraCases() throws {
        let cases = try FixtureCase.extra()
        #expect(!cases.isEmpty, "no *.case.safetensors in \(FixtureCase.extraFolder ?? "")")
        for fixture in cases { check(fixture) }
    }
}
