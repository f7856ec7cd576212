import Foundation
import MAEReference
import Testing
@testable import MAE

/// The reference MAE is the specification the fast path is held to, so it is checked itself:
/// against PyTorch's autograd on the parity cases, and its layers against finite differences.
@Suite struct ReferenceModelTests {
    @Test(arguments: ["tiny-a", "tiny-b"])
    func matchesPyTorch(_ name: String) throws {
        let f = try FixtureCase.bundled(name)
        let images = f.expected("input.imgs"), noise = f.expected("input.noise")
        let reference = ReferenceMAE(config: f.model.config, parameters: f.model.weights())
        let pass = reference.forward(images: images, noise: noise, batch: f.batch, maskRatio: f.maskRatio)
        #expect(relativeError([pass.loss], f.expected("expected.loss")) < 1e-5, "\(name) loss")
        #expect(relativeError(pass.latent, f.expected("expected.latent")) < 1e-5, "\(name) latent")
        #expect(relativeError(pass.pred, f.expected("expected.pred")) < 1e-5, "\(name) pred")
        #expect(pass.mask == f.expected("expected.mask"), "\(name) mask")
        #expect(pass.idsRestore.map(Float.init) == f.expected("expected.ids_restore"), "\(name) ids_restore")
        let g = reference.gradients(pass, images: images, batch: f.batch)
        for e in reference.table.entries where e.trainable {
            let err = relativeError(Array(g[e.range]), f.expected("grad." + e.name))
            #expect(err < 1e-4, "\(name) grad.\(e.name): \(err)")
        }
    }

    @Test func layersMatchFiniteDifferences() {
        // GELU: the reference's derivative formula against its own forward.
        let x = randomArray(9, seed: 1, scale: 2), w = randomArray(9, seed: 2)
        let dx = Reference.geluBackward(w, input: x)
        #expect(relativeError(dx, numericGradient(x) { weightedSum(Reference.geluForward($0), w) }) < 1e-2)
        // LayerNorm and attention: their backward against their forward.
        let R = 2, W = 5, g = randomArray(W, seed: 3), b = randomArray(W, seed: 4)
        let y = randomArray(R * W, seed: 5, scale: 2), wy = randomArray(R * W, seed: 6)
        let f = Reference.layerNormForward(y, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        let back = Reference.layerNormBackward(wy, input: y, weight: g, mean: f.mean, rstd: f.rstd, rows: R, width: W)
        #expect(relativeError(back.dx, numericGradient(y) {
            weightedSum(Reference.layerNormForward($0, weight: g, bias: b, rows: R, width: W, eps: 1e-6).y, wy)
        }) < 1e-2)
        let N = 1, T = 3, D = 4, H = 2
        let qkv = randomArray(N * T * 3 * D, seed: 7), wo = randomArray(N * T * D, seed: 8)
        let att = Reference.attentionForward(qkv, batch: N, tokens: T, width: D, heads: H).att
        let dqkv = Reference.attentionBackward(wo, qkv: qkv, att: att, batch: N, tokens: T, width: D, heads: H)
        #expect(relativeError(dqkv, numericGradient(qkv) {
            weightedSum(Reference.attentionForward($0, batch: N, tokens: T, width: D, heads: H).out, wo)
        }) < 1e-2)
    }
}
