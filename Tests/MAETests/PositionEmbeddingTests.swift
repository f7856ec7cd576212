import Testing
@testable import MAE

@Suite struct PositionEmbeddingTests {
    @Test func valuesByHand() {
        // width 8, grid 2: ω = [1, 10000^(-1/2) = 0.01]; row 1 + k, k = row·2 + col.
        let e = sinCosPositionEmbedding(width: 8, gridSize: 2)
        #expect(e.count == 5 * 8)
        #expect(e[0..<8].allSatisfy { $0 == 0 })                     // class token
        let s1: Float = 0.8414709848, c1: Float = 0.5403023059, s01: Float = 0.0099998333, c01: Float = 0.9999500004
        func row(_ k: Int) -> [Float] { Array(e[((1 + k) * 8)..<((2 + k) * 8)]) }
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 } }
        #expect(close(row(0), [0, 0, 1, 1, 0, 0, 1, 1]))
        // k 1: col 1 in the first half, row 0 in the second.
        #expect(close(row(1), [s1, s01, c1, c01, 0, 0, 1, 1]))
        // k 2: col 0, row 1.
        #expect(close(row(2), [0, 0, 1, 1, s1, s01, c1, c01]))
        #expect(close(row(3), [s1, s01, c1, c01, s1, s01, c1, c01]))

        // width 16, grid 3, k 5 = (row 1, col 2): ω = [1, 0.1, 0.01, 0.001].
        let f = sinCosPositionEmbedding(width: 16, gridSize: 3)
        let r = Array(f[(6 * 16)..<(7 * 16)])
        #expect(abs(r[1] - 0.1986693308) < 1e-6)      // sin(2·0.1)
        #expect(abs(r[7] - 0.9999980000) < 1e-6)      // cos(2·0.001)
        #expect(abs(r[8] - 0.8414709848) < 1e-6)      // sin(1·1)
        #expect(abs(r[14] - 0.9999500004) < 1e-6)     // cos(1·0.01)
    }

    @Test func matchesTheReferenceTables() throws {
        // The fixtures' pos_embed and decoder_pos_embed were written by PyTorch's model.
        for name in ["tiny-a", "tiny-b"] {
            let file = try FixtureFile.bundled("\(name).model")
            let fixture = try FixtureCase.bundled(name)
            let model = try MAEModel(config: fixture.model.config)
            for key in ["pos_embed", "decoder_pos_embed"] {
                #expect(relativeError(Array(model.tensor(key)), file[key]!.floats) < 1e-6, "\(name) \(key)")
            }
        }
    }
}
