import Testing
@testable import MAE

/// Every op's backward against central finite differences of its forward, on tiny shapes, with
/// the scalar Σ out·w for a fixed random w (so dOut = w).
@Suite struct OpsGradientTests {
    @Test func linear() {
        let rows = 3, inDim = 4, outDim = 5
        let x = randomArray(rows * inDim, seed: 1), wt = randomArray(outDim * inDim, seed: 2)
        let b = randomArray(outDim, seed: 3), w = randomArray(rows * outDim, seed: 4)
        func run(_ x: [Float], _ wt: [Float], _ b: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: rows * outDim)
            linearForward(out: &out, inp: x, weight: wt, bias: b, rows: rows, inDim: inDim, outDim: outDim)
            return out
        }
        // Forward against the definition.
        let out = run(x, wt, b)
        var naive = [Double](repeating: 0, count: rows * outDim)
        for r in 0..<rows {
            for o in 0..<outDim {
                var s = Double(b[o])
                for i in 0..<inDim { s += Double(x[r * inDim + i]) * Double(wt[o * inDim + i]) }
                naive[r * outDim + o] = s
            }
        }
        #expect(relativeError(out, naive) < 1e-6)

        // Backward accumulates: start from ones and subtract them afterwards.
        var dx = [Float](repeating: 1, count: x.count), dW = [Float](repeating: 1, count: wt.count)
        var db = [Float](repeating: 1, count: b.count)
        linearBackward(dInp: &dx, dWeight: &dW, dBias: &db, dOut: w, inp: x, weight: wt,
                       rows: rows, inDim: inDim, outDim: outDim)
        #expect(relativeError(dx.map { $0 - 1 }, numericGradient(x) { weightedSum(run($0, wt, b), w) }) < 1e-2)
        #expect(relativeError(dW.map { $0 - 1 }, numericGradient(wt) { weightedSum(run(x, $0, b), w) }) < 1e-2)
        #expect(relativeError(db.map { $0 - 1 }, numericGradient(b) { weightedSum(run(x, wt, $0), w) }) < 1e-2)
    }

    @Test func layerNorm() {
        let rows = 3, width = 6
        let x = randomArray(rows * width, seed: 5, scale: 2), g = randomArray(width, seed: 6)
        let b = randomArray(width, seed: 7), w = randomArray(rows * width, seed: 8)
        func run(_ x: [Float], _ g: [Float], _ b: [Float]) -> ([Float], [Float], [Float]) {
            var out = [Float](repeating: 0, count: rows * width)
            var mean = [Float](repeating: 0, count: rows), rstd = mean
            layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: g, bias: b, rows: rows, width: width,
                             eps: 1e-6)
            return (out, mean, rstd)
        }
        let (out, mean, rstd) = run(x, g, b)
        // Forward against the definition: biased variance, eps 1e-6.
        for r in 0..<rows {
            let row = x[(r * width)..<((r + 1) * width)].map(Double.init)
            let m = row.reduce(0, +) / Double(width)
            let v = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(width)
            for i in 0..<width {
                let want = (row[i] - m) / (v + 1e-6).squareRoot() * Double(g[i]) + Double(b[i])
                #expect(abs(Double(out[r * width + i]) - want) < 1e-5)
            }
        }
        var dx = [Float](repeating: 0, count: x.count), dg = [Float](repeating: 0, count: width), db = dg
        layerNormBackward(dInp: &dx, dWeight: &dg, dBias: &db, dOut: w, inp: x, weight: g,
                          mean: mean, rstd: rstd, rows: rows, width: width)
        #expect(relativeError(dx, numericGradient(x) { weightedSum(run($0, g, b).0, w) }) < 1e-2)
        #expect(relativeError(dg, numericGradient(g) { weightedSum(run(x, $0, b).0, w) }) < 1e-2)
        #expect(relativeError(db, numericGradient(b) { weightedSum(run(x, g, $0).0, w) }) < 1e-2)
    }

    @Test func attention() {
        let batch = 2, T = 3, D = 4, heads = 2, hd = D / heads
        let qkv = randomArray(batch * T * 3 * D, seed: 11), w = randomArray(batch * T * D, seed: 12)
        func run(_ qkv: [Float]) -> ([Float], [Float]) {
            var out = [Float](repeating: 0, count: batch * T * D)
            var att = [Float](repeating: 0, count: batch * heads * T * T)
            attentionForward(out: &out, att: &att, qkv: qkv, batch: batch, tokens: T, width: D, heads: heads)
            return (out, att)
        }
        let (out, att) = run(qkv)
        // Forward against a naive per-head softmax(q·kᵀ/√hd)·v in Double.
        var naive = [Double](repeating: 0, count: out.count)
        for n in 0..<batch {
            for h in 0..<heads {
                func val(_ t: Int, _ part: Int, _ i: Int) -> Double {
                    Double(qkv[(n * T + t) * 3 * D + part * D + h * hd + i])
                }
                for i in 0..<T {
                    var s = (0..<T).map { j in (0..<hd).map { val(i, 0, $0) * val(j, 1, $0) }.reduce(0, +) / Double(hd).squareRoot() }
                    let m = s.max()!
                    s = s.map { _exp($0 - m) }
                    let z = s.reduce(0, +)
                    for c in 0..<hd {
                        naive[(n * T + i) * D + h * hd + c] = (0..<T).map { s[$0] / z * val($0, 2, c) }.reduce(0, +)
                    }
                }
            }
        }
        #expect(relativeError(out, naive) < 1e-5)
        var dqkv = [Float](repeating: 0, count: qkv.count)
        attentionBackward(dQKV: &dqkv, dOut: w, qkv: qkv, att: att, batch: batch, tokens: T, width: D, heads: heads)
        #expect(relativeError(dqkv, numericGradient(qkv) { weightedSum(run($0).0, w) }) < 1e-2)
    }

    @Test func patchEmbed() {
        // 2 images, C 3, S 4, p 2 (g 2, L 4), D 5; embed patches 3 and 0 of image 0, 1 and 2 of image 1.
        let N = 2, C = 3, S = 4, p = 2, D = 5, L = 4, keep = 2, fanIn = C * p * p
        let images = randomArray(N * C * S * S, seed: 16)
        let weight = randomArray(D * fanIn, seed: 17), bias = randomArray(D, seed: 18)
        let ids = [3, 0, 1, 2, 1, 2, 0, 3]
        let w = randomArray(N * keep * D, seed: 19)
        func run(_ weight: [Float], _ bias: [Float]) -> ([Float], [Float]) {
            var cols = [Float](repeating: 0, count: N * keep * fanIn)
            patchColumns(cols: &cols, images: images, ids: ids, idsStride: L, batch: N, count: keep,
                         channels: C, side: S, patch: p)
            var out = [Float](repeating: 0, count: N * keep * D)
            patchEmbedForward(out: &out, cols: cols, weight: weight, bias: bias, rows: N * keep, fanIn: fanIn, width: D)
            return (out, cols)
        }
        let (out, cols) = run(weight, bias)
        // Forward against a direct stride-p convolution with the [D, C, p, p] weight.
        var naive = [Double](repeating: 0, count: out.count)
        for n in 0..<N {
            for t in 0..<keep {
                let id = ids[n * L + t], row = id / 2, col = id % 2
                for d in 0..<D {
                    var s = Double(bias[d])
                    for c in 0..<C { for i in 0..<p { for j in 0..<p {
                        s += Double(weight[((d * C + c) * p + i) * p + j])
                            * Double(images[((n * C + c) * S + row * p + i) * S + col * p + j])
                    } } }
                    naive[(n * keep + t) * D + d] = s
                }
            }
        }
        #expect(relativeError(out, naive) < 1e-6)
        var dW = [Float](repeating: 0, count: weight.count), dB = [Float](repeating: 0, count: D)
        patchEmbedBackward(dWeight: &dW, dBias: &dB, dOut: w, cols: cols, rows: N * keep, fanIn: fanIn, width: D)
        #expect(relativeError(dW, numericGradient(weight) { weightedSum(run($0, bias).0, w) }) < 1e-2)
        #expect(relativeError(dB, numericGradient(bias) { weightedSum(run(weight, $0).0, w) }) < 1e-2)
    }

    @Test func maskedMSE() {
        let rows = 4, P = 3
        let pred = randomArray(rows * P, seed: 20), target = randomArray(rows * P, seed: 21)
        let mask: [Float] = [1, 0, 1, 1]
        let loss = maskedMSEForward(pred: pred, target: target, mask: mask, rows: rows, width: P)
        var want = 0.0
        for r in [0, 2, 3] { for i in 0..<P { let d = Double(pred[r * P + i] - target[r * P + i]); want += d * d / 3 } }
        #expect(abs(Double(loss) - want / 3) < 1e-6)
        // The training head's form: the removed rows alone give the same loss, and its gradient.
        let removed = [0, 2, 3].flatMap { r in (0..<P).map { pred[r * P + $0] } }
        let removedTarget = [0, 2, 3].flatMap { r in (0..<P).map { target[r * P + $0] } }
        #expect(removedPatchMSEForward(pred: removed, target: removedTarget, rows: 3, width: P) == loss)
        var dPred = [Float](repeating: 0, count: removed.count)
        removedPatchMSEBackward(dPred: &dPred, pred: removed, target: removedTarget, rows: 3, width: P)
        let numeric = numericGradient(removed) {
            Double(removedPatchMSEForward(pred: $0, target: removedTarget, rows: 3, width: P))
        }
        #expect(relativeError(dPred, numeric) < 1e-2)
        // Nothing masked gives NaN, as 0/0 in PyTorch.
        #expect(maskedMSEForward(pred: pred, target: target, mask: [0, 0, 0, 0], rows: rows, width: P).isNaN)
        #expect(removedPatchMSEForward(pred: pred, target: target, rows: 0, width: P).isNaN)
    }

    @Test func rowGatherAndScatter() {
        let W = 2, x = (0..<10).map(Float.init)  // 5 rows
        let rows = [1, 3, 4]
        var compact = [Float](repeating: -1, count: 6)
        gatherRows(&compact, from: x, rows: rows, count: 3, width: W)
        #expect(compact == [2, 3, 6, 7, 8, 9])
        var full = [Float](repeating: -1, count: 10)
        scatterRows(&full, total: 5, from: compact, rows: rows, count: 3, width: W)
        #expect(full == [0, 0, 2, 3, 0, 0, 6, 7, 8, 9])
    }

    @Test func tokenAssembly() {
        // Encoder: cls + 2 kept tokens of L 3; decoder: the ids_restore gather with mask tokens.
        let N = 2, D = 3, L = 3, keep = 2, T = keep + 1
        let emb = randomArray(N * keep * D, seed: 22), cls = randomArray(D, seed: 23)
        let pos = randomArray((L + 1) * D, seed: 24)
        let ids = [2, 0, 1, 1, 2, 0]           // ids_shuffle per image
        let restore = [1, 2, 0, 2, 0, 1]       // its inverse per image
        let w = randomArray(N * T * D, seed: 25)
        func enc(_ emb: [Float], _ cls: [Float]) -> [Float] {
            var x = [Float](repeating: 0, count: N * T * D)
            encoderTokensForward(x: &x, emb: emb, cls: cls, pos: pos, ids: ids, idsStride: L, batch: N, keep: keep, width: D)
            return x
        }
        let x = enc(emb, cls)
        // Image 1's first kept token is patch 1: its embedding plus pos_embed[2].
        #expect(abs(x[(1 * T + 1) * D] - (emb[keep * D] + pos[2 * D])) < 1e-6)
        var dEmb = [Float](repeating: 0, count: emb.count), dCls = [Float](repeating: 0, count: D)
        encoderTokensBackward(dEmb: &dEmb, dCls: &dCls, dX: w, batch: N, keep: keep, width: D)
        #expect(relativeError(dEmb, numericGradient(emb) { weightedSum(enc($0, cls), w) }) < 1e-2)
        #expect(relativeError(dCls, numericGradient(cls) { weightedSum(enc(emb, $0), w) }) < 1e-2)

        let y = randomArray(N * T * D, seed: 26), maskToken = randomArray(D, seed: 27)
        let wd = randomArray(N * (L + 1) * D, seed: 28)
        func dec(_ y: [Float], _ m: [Float]) -> [Float] {
            var x = [Float](repeating: 0, count: N * (L + 1) * D)
            decoderTokensForward(x: &x, y: y, maskToken: m, pos: pos, idsRestore: restore, batch: N,
                                 keep: keep, patches: L, width: D)
            return x
        }
        let xd = dec(y, maskToken)
        // Image 0: patch 0 was kept second (restore 1 → y row 2), patch 1 was removed (mask token).
        #expect(abs(xd[1 * D] - (y[2 * D] + pos[1 * D])) < 1e-6)
        #expect(abs(xd[2 * D] - (maskToken[0] + pos[2 * D])) < 1e-6)
        var dY = [Float](repeating: 0, count: y.count), dM = [Float](repeating: 0, count: D)
        decoderTokensBackward(dY: &dY, dMaskToken: &dM, dX: wd, idsRestore: restore, batch: N, keep: keep,
                              patches: L, width: D)
        #expect(relativeError(dY, numericGradient(y) { weightedSum(dec($0, maskToken), wd) }) < 1e-2)
        #expect(relativeError(dM, numericGradient(maskToken) { weightedSum(dec(y, $0), wd) }) < 1e-2)
    }
}

#if canImport(Glibc)
import Glibc
private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#endif
