import Foundation
import Testing
@testable import MAE

/// The vector kernels behind the fast paths, on the shapes the presets use (head widths 64 and
/// 32, token counts 17 and 65, widths that are not multiples of a vector) against plain Double
/// references, and the promise that the thread count never changes a result.
@Suite(.serialized) struct PerformanceKernelTests {
    /// Attention per head in Double: out = softmax(q·kᵀ/√hd)·v, and the gradients of Σ out·w.
    func referenceAttention(_ qkv: [Float], _ w: [Float], batch N: Int, tokens T: Int, width D: Int, heads H: Int)
        -> (out: [Double], dqkv: [Double]) {
        let hd = D / H, scale = 1 / Double(hd).squareRoot()
        var out = [Double](repeating: 0, count: N * T * D), dqkv = [Double](repeating: 0, count: N * T * 3 * D)
        func at(_ n: Int, _ t: Int, _ part: Int, _ h: Int, _ i: Int) -> Int { (n * T + t) * 3 * D + part * D + h * hd + i }
        for n in 0..<N {
            for h in 0..<H {
                var a = [[Double]](repeating: [Double](repeating: 0, count: T), count: T)
                for i in 0..<T {
                    var s = (0..<T).map { j in (0..<hd).reduce(0.0) { $0 + Double(qkv[at(n, i, 0, h, $1)]) * Double(qkv[at(n, j, 1, h, $1)]) } * scale }
                    let m = s.max()!
                    s = s.map { Foundation.exp($0 - m) }
                    let z = s.reduce(0, +)
                    a[i] = s.map { $0 / z }
                    for c in 0..<hd {
                        out[(n * T + i) * D + h * hd + c] = (0..<T).reduce(0.0) { $0 + a[i][$1] * Double(qkv[at(n, $1, 2, h, c)]) }
                    }
                }
                // dy = w; dA = dy·vᵀ; dv = aᵀ·dy; ds = a∘(dA − Σ a·dA); dq = scale·ds·k; dk = scale·dsᵀ·q
                for i in 0..<T {
                    let dA = (0..<T).map { j in (0..<hd).reduce(0.0) { $0 + Double(w[(n * T + i) * D + h * hd + $1]) * Double(qkv[at(n, j, 2, h, $1)]) } }
                    let dot = (0..<T).reduce(0.0) { $0 + a[i][$1] * dA[$1] }
                    for j in 0..<T {
                        let ds = a[i][j] * (dA[j] - dot)
                        for c in 0..<hd {
                            dqkv[at(n, j, 2, h, c)] += a[i][j] * Double(w[(n * T + i) * D + h * hd + c])
                            dqkv[at(n, i, 0, h, c)] += scale * ds * Double(qkv[at(n, j, 1, h, c)])
                            dqkv[at(n, j, 1, h, c)] += scale * ds * Double(qkv[at(n, i, 0, h, c)])
                        }
                    }
                }
            }
        }
        return (out, dqkv)
    }

    @Test(arguments: [(1, 17, 192, 3), (2, 65, 128, 4), (1, 9, 96, 2), (2, 11, 80, 2), (1, 5, 16, 2)])
    func attentionMatchesTheDefinition(shape: (Int, Int, Int, Int)) {
        let (N, T, D, H) = shape
        let qkv = randomArray(N * T * 3 * D, seed: 31, scale: 2), w = randomArray(N * T * D, seed: 32)
        var out = [Float](repeating: 0, count: N * T * D), att = [Float](repeating: 0, count: N * H * T * T)
        attentionForward(out: &out, att: &att, qkv: qkv, batch: N, tokens: T, width: D, heads: H)
        var dqkv = [Float](repeating: 7, count: qkv.count)
        attentionBackward(dQKV: &dqkv, dOut: w, qkv: qkv, att: att, batch: N, tokens: T, width: D, heads: H,
                          accumulate: false)
        let reference = referenceAttention(qkv, w, batch: N, tokens: T, width: D, heads: H)
        #expect(relativeError(out, reference.out) < 1e-5, "forward \(shape)")
        #expect(relativeError(dqkv, reference.dqkv) < 1e-5, "backward \(shape)")
        // Accumulating adds the same gradient to what was there.
        var twice = dqkv
        attentionBackward(dQKV: &twice, dOut: w, qkv: qkv, att: att, batch: N, tokens: T, width: D, heads: H)
        #expect(relativeError(twice, dqkv.map { 2 * $0 }) < 1e-6)
    }

    @Test(arguments: [37, 64, 200])
    func layerNormAndGELUMatchTheDefinition(width: Int) {
        let rows = 5
        let x = randomArray(rows * width, seed: 41, scale: 3), g = randomArray(width, seed: 42)
        let b = randomArray(width, seed: 43)
        var out = [Float](repeating: 0, count: x.count), mean = [Float](repeating: 0, count: rows)
        var rstd = [Float](repeating: 0, count: rows)
        layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: g, bias: b, rows: rows, width: width)
        var want = [Double](repeating: 0, count: x.count)
        for r in 0..<rows {
            let row = (0..<width).map { Double(x[r * width + $0]) }
            let m = row.reduce(0, +) / Double(width)
            let v = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(width)
            for c in 0..<width { want[r * width + c] = (row[c] - m) / (v + 1e-6).squareRoot() * Double(g[c]) + Double(b[c]) }
        }
        #expect(relativeError(out, want) < 1e-6)

        var gelu = [Float](repeating: 0, count: x.count)
        geluForward(out: &gelu, inp: x, count: x.count)
        let exact = x.map { 0.5 * Double($0) * (1 + Foundation.erf(Double($0) / 2.0.squareRoot())) }
        #expect(relativeError(gelu, exact) < 1e-6)
    }

    @Test func adamWKernelIsTheScalarLoopExactly() {
        let n = 50_000
        let g = randomArray(n, seed: 51, scale: 0.1)
        for decay in [Float?.none, 0.999_925] {
            var p = randomArray(n, seed: 52), m = randomArray(n, seed: 53, scale: 0.01)
            var v = randomArray(n, seed: 54, scale: 0.001).map { $0 * $0 }
            var p2 = p, m2 = m, v2 = v
            let step: Float = 1.5e-4 / 0.1, b2: Float = 0.95, omb1: Float = 0.1, omb2 = Float(1 - 0.95)
            let bc2: Float = 0.223_606_8, eps: Float = 1e-8
            AdamWKernel.update(parameters: &p, gradients: g, m: &m, v: &v, count: n, stepSize: step, beta2: b2,
                               oneMinusBeta1: omb1, oneMinusBeta2: omb2, biasCorrection2Sqrt: bc2, eps: eps,
                               decayFactor: decay)
            for i in 0..<n {
                var w = p2[i]
                if let decay { w *= decay }
                let gi = g[i]
                let mi = m2[i] + (gi - m2[i]) * omb1
                let vi = b2 * v2[i] + omb2 * gi * gi
                m2[i] = mi
                v2[i] = vi
                p2[i] = w - step * (mi / (vi.squareRoot() / bc2 + eps))
            }
            #expect(p == p2 && m == m2 && v == v2)
        }
    }

    /// Products, kernels and reductions are cut by shape, never by thread count: one and two
    /// threads give the same bits.
    @Test func gradientsDoNotDependOnTheThreadCount() throws {
        let c = MAEConfig(imgSize: 32, patchSize: 4, embedDim: 96, depth: 2, numHeads: 3,
                          decoderEmbedDim: 64, decoderDepth: 1, decoderNumHeads: 2)
        let N = 6, L = c.numPatches
        let images = randomArray(N * c.inChans * c.imgSize * c.imgSize, seed: 61)
        let noise = randomArray(N * L, seed: 62).map { abs($0) }
        func gradients(threads: Int) throws -> ([Float], Float) {
            let saved = Threads.current
            Threads.set(threads)
            defer { Threads.set(saved) }
            let model = try MAEModel(config: c, seed: 9)
            var g = [Float](repeating: 0, count: model.table.count)
            let loss = g.withUnsafeMutableBufferPointer {
                model.lossAndGradients(images: images, noise: noise, batch: N, maskRatio: 0.75, gradients: $0)
            }
            return (g, loss)
        }
        let one = try gradients(threads: 1), two = try gradients(threads: 2)
        #expect(one.1 == two.1)
        #expect(one.0 == two.0)
    }
}
