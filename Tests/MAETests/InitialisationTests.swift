import Testing
@testable import MAE

@Suite struct InitialisationTests {
    static let config = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                                  decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 4)

    @Test func zeroModelHasOnlyPositionEmbeddings() throws {
        let model = try MAEModel(config: Self.config)
        for entry in model.table.entries {
            let values = model.tensor(entry.name)
            if entry.name.hasSuffix("pos_embed") {
                #expect(values.contains { $0 != 0 })
            } else {
                #expect(values.allSatisfy { $0 == 0 }, "\(entry.name)")
            }
        }
    }

    @Test func followsTheAuthorsScheme() throws {
        let c = Self.config
        let model = try MAEModel(config: c, seed: 42)
        for entry in model.table.entries {
            let v = Array(model.tensor(entry.name)).map(Double.init)
            let maxAbs = v.map(abs).max() ?? 0
            let variance = v.map { $0 * $0 }.reduce(0, +) / Double(v.count)
            switch entry.name {
            case "cls_token", "mask_token":
                #expect(maxAbs < 0.1 && variance.squareRoot() > 0.01 && variance.squareRoot() < 0.03, "\(entry.name)")
            case "pos_embed", "decoder_pos_embed":
                // The fixed sin-cos table, the same from any seed. The other model must outlive
                // the copy: `tensor` points into its memory.
                let other = try MAEModel(config: c)
                let fixed = withExtendedLifetime(other) { Array(other.tensor(entry.name)) }
                #expect(Array(model.tensor(entry.name)) == fixed)
            case "patch_embed.proj.bias":
                let bound = 1 / Double(3 * 8 * 8).squareRoot()
                #expect(maxAbs <= bound && maxAbs > bound / 2)
            case let n where n.hasSuffix(".bias"):
                #expect(maxAbs == 0, "\(n)")
            case let n where n.contains("norm"):
                #expect(v.allSatisfy { $0 == 1 }, "\(n)")
            default:
                // xavier_uniform: U(±b), b = √(6/(fan_in + fan_out)), variance b²/3.
                let fanOut = entry.shape[0], fanIn = entry.shape.dropFirst().reduce(1, *)
                let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
                #expect(maxAbs <= bound && maxAbs > 0.9 * bound, "\(entry.name)")
                #expect(abs(variance / (bound * bound / 3) - 1) < 0.15, "\(entry.name) variance")
            }
        }
    }

    @Test func sameSeedSameModel() throws {
        let a = try MAEModel(config: Self.config, seed: 7), b = try MAEModel(config: Self.config, seed: 7)
        let c = try MAEModel(config: Self.config, seed: 8)
        #expect(a.weights() == b.weights())
        #expect(a.weights() != c.weights())
        // A copy is equal and independent.
        let d = a.copy()
        #expect(d.weights() == a.weights())
        d.parameters[0] += 1
        #expect(d.parameters[0] != a.parameters[0])
    }

    @Test func invalidConfigIsAnError() {
        var c = Self.config
        c.numHeads = 5
        #expect(throws: MAEConfigError.self) { try MAEModel(config: c) }
    }
}
