import CKernels
import Foundation
import MAEReference
import Testing
@testable import MAE

/// Every fused kernel the model calls against the plain layers of MAEReference, at the presets'
/// widths with a few rows (and the whole model against ReferenceMAE), once per kernel table
/// this CPU runs. A table the CPU lacks is reported as skipped.
@Suite struct KernelDifferentialTests {
    @Test(.enabled(if: KernelTable.generic.runsHere, "this CPU does not run the generic kernels"))
    func genericTable() throws { try checkEveryKernel(on: .generic) }

    @Test(.enabled(if: KernelTable.avx2.runsHere, "this CPU does not run AVX2 + FMA: avx2 table skipped"))
    func avx2Table() throws { try checkEveryKernel(on: .avx2) }

    @Test(.enabled(if: KernelTable.avx512.runsHere, "this CPU does not run AVX-512: avx512 table skipped"))
    func avx512Table() throws { try checkEveryKernel(on: .avx512) }

    @Test func forcingATableTheCPULacksChangesNothing() {
        let before = KernelTable.current
        for table in KernelTable.allCases where !table.runsHere {
            #expect(table.run { 1 } == nil)
        }
        #expect(KernelTable.current == before)
        #expect(KernelTable.generic.run { KernelTable.current } == .generic)
        #expect(KernelTable.current == before, "the thread gets the process's table back")
    }

    @Test func anUnknownOrUnsupportedRequestIsReported() {
        #expect(KernelTable.ignoredRequest(environment: [:]) == nil)
        #expect(KernelTable.ignoredRequest(environment: ["MAEX_ISA": "generic"]) == nil)
        #expect(KernelTable.ignoredRequest(environment: ["MAEX_ISA": "sse9"])?.contains("names no kernel table") == true)
    }

    func checkEveryKernel(on table: KernelTable) throws {
        let ran: Void? = table.run {
            #expect(KernelTable.current == table)
            PassThreads.begin()
            defer { PassThreads.end() }
            // Encoder tokens: 1 + the kept patches at 75% for tiny (17), fewer for base.
            for (name, c, rows, tokens) in [("tiny", MAEConfig.tiny, 5, 17), ("base", MAEConfig.base, 3, 9)] {
                linears(width: c.embedDim, hidden: c.mlpHidden, rows: rows, "\(table) \(name) encoder")
                linears(width: c.decoderEmbedDim, hidden: c.decoderMlpHidden, rows: rows, "\(table) \(name) decoder")
                layerNorm(width: c.embedDim, rows: rows, "\(table) \(name) encoder")
                layerNorm(width: c.decoderEmbedDim, rows: rows, "\(table) \(name) decoder")
                attention(batch: 2, tokens: tokens, width: c.embedDim, heads: c.numHeads, "\(table) \(name) encoder")
                attention(batch: 1, tokens: 9, width: c.decoderEmbedDim, heads: c.decoderNumHeads,
                          "\(table) \(name) decoder")
            }
            geluPolynomial("\(table)")
            softmaxExp("\(table)")
            adamW("\(table)")
            rows("\(table)")
        }
        #expect(ran != nil)
        try wholeModel(on: table)
    }

    /// Every mode of the fused Linears of a block of this width: qkv (bias), proj + residual +
    /// LayerNorm, fc1 + GELU (inference and training), fc2 + residual, and the backward with and
    /// without GELU's derivative, accumulating and not.
    func linears(width W: Int, hidden H: Int, rows R: Int, _ label: String) {
        let x = randomArray(R * W, seed: 1), xh = randomArray(R * H, seed: 2)
        let wQKV = randomArray(3 * W * W, seed: 3, scale: 0.05), bQKV = randomArray(3 * W, seed: 4)
        let wFC1 = randomArray(H * W, seed: 5, scale: 0.05), bFC1 = randomArray(H, seed: 6)
        let wFC2 = randomArray(W * H, seed: 7, scale: 0.05), bFC2 = randomArray(W, seed: 8)
        let residual = randomArray(R * W, seed: 9), g = randomArray(W, seed: 10), b = randomArray(W, seed: 11)

        // qkv = x · wᵀ + b
        var qkv = [Float](repeating: .nan, count: R * 3 * W)
        linearForward(out: &qkv, inp: x, weight: wQKV, bias: bQKV, rows: R, inDim: W, outDim: 3 * W)
        #expect(relativeError(qkv, Reference.linearForward(x, weight: wQKV, bias: bQKV, rows: R, in: W, out: 3 * W)) < 1e-5, "\(label) linear")

        // out = residual + xh · wᵀ + b (fc2), then LayerNorm of out (proj and norm2)
        let fc2 = zip(residual, Reference.linearForward(xh, weight: wFC2, bias: bFC2, rows: R, in: H, out: W)).map { $0 + $1 }
        var out = [Float](repeating: .nan, count: R * W)
        linearResidualForward(out: &out, residual: residual, inp: xh, weight: wFC2, bias: bFC2, rows: R, inDim: H, outDim: W)
        #expect(relativeError(out, fc2) < 1e-5, "\(label) linear + residual")
        var normOut = out, mean = [Float](repeating: 0, count: R), rstd = mean
        out = [Float](repeating: .nan, count: R * W)
        linearResidualLayerNormForward(out: &out, residual: residual, inp: xh, weight: wFC2, bias: bFC2, rows: R, inDim: H,
                                       outDim: W, normOut: &normOut, normMean: &mean, normRstd: &rstd, normWeight: g,
                                       normBias: b, normEps: 1e-6)
        let norm = Reference.layerNormForward(fc2, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        #expect(relativeError(out, fc2) < 1e-5 && relativeError(normOut, norm.y) < 1e-5, "\(label) linear + LayerNorm")
        #expect(relativeError(mean, norm.mean) < 1e-5 && relativeError(rstd, norm.rstd) < 1e-4, "\(label) LayerNorm cache")

        // act = gelu(x · wᵀ + b); training keeps gelu'(pre) in pre
        let pre = Reference.linearForward(x, weight: wFC1, bias: bFC1, rows: R, in: W, out: H)
        for training in [false, true] {
            var p = [Float](repeating: .nan, count: R * H), act = p
            linearGELUForward(pre: &p, out: &act, inp: x, weight: wFC1, bias: bFC1, rows: R, inDim: W, hidden: H,
                              training: training)
            #expect(relativeError(act, Reference.geluForward(pre)) < 1e-5, "\(label) linear + GELU")
            #expect(relativeError(p, training ? Reference.geluDerivative(pre) : pre) < 1e-5, "\(label) GELU cache")
        }

        // Backward of fc1: dx (=, +=, or none), dW +=, db += (from non-zero starts)
        let dy = randomArray(R * H, seed: 12)
        let want = Reference.linearBackward(dy, input: x, weight: wFC1, rows: R, in: W, out: H)
        for (accumulate, start) in [(false, Float.nan), (true, 0.5)] {
            var dx = [Float](repeating: start, count: R * W)
            var dW = [Float](repeating: 0.25, count: H * W), db = [Float](repeating: -1, count: H)
            linearBackward(dInp: &dx, dWeight: &dW, dBias: &db, dOut: dy, inp: x, weight: wFC1, rows: R, inDim: W,
                           outDim: H, accumulateInput: accumulate)
            #expect(relativeError(dx, want.dx.map { accumulate ? $0 + 0.5 : $0 }) < 1e-5, "\(label) linear backward dx")
            #expect(relativeError(dW, want.dw.map { $0 + 0.25 }) < 1e-5, "\(label) linear backward dW")
            #expect(relativeError(db, want.db.map { $0 - 1 }) < 1e-5, "\(label) linear backward db")
        }
        var dW = [Float](repeating: 0, count: H * W)
        ck_linear_backward(nil, &dW, nil, dy, x, wFC1, R, W, H, 0)
        #expect(relativeError(dW, want.dw) < 1e-5, "\(label) linear backward without dx and db")

        // Backward of fc2 followed by GELU's: dPre = (dOut · w) ∘ gelu'(pre), in place and apart
        let dOut = randomArray(R * W, seed: 13), derivative = Reference.geluDerivative(xh)
        let want2 = Reference.linearBackward(dOut, input: xh, weight: wFC2, rows: R, in: H, out: W)
        var dIn = [Float](repeating: .nan, count: R * H), dW2 = [Float](repeating: 0, count: W * H)
        var db2 = [Float](repeating: 0, count: W)
        dIn.withUnsafeMutableBufferPointer { d in
            linearGELUBackward(dInp: d.baseAddress!, dPre: d.baseAddress!, derivative: derivative, dWeight: &dW2,
                               dBias: &db2, dOut: dOut, inp: xh, weight: wFC2, rows: R, inDim: H, outDim: W)
        }
        let dPre = zip(want2.dx, derivative).map { $0 * $1 }
        #expect(relativeError(dIn, dPre) < 1e-5, "\(label) linear + GELU backward in place")
        #expect(relativeError(dW2, want2.dw) < 1e-5 && relativeError(db2, want2.db) < 1e-5, "\(label) fc2 backward")
        var plain = [Float](repeating: .nan, count: R * H), scaled = plain
        dW2 = [Float](repeating: 0, count: W * H)
        ck_linear_backward_scaled(&plain, &dW2, nil, dOut, xh, wFC2, R, H, W, 0, &scaled, derivative)
        #expect(relativeError(plain, want2.dx) < 1e-5 && relativeError(scaled, dPre) < 1e-5, "\(label) scaled apart")
    }

    func layerNorm(width W: Int, rows R: Int, _ label: String) {
        let x = randomArray(R * W, seed: 21, scale: 3).map { $0 + 2 }, g = randomArray(W, seed: 22)
        let b = randomArray(W, seed: 23), dy = randomArray(R * W, seed: 24)
        var y = [Float](repeating: .nan, count: R * W), mean = [Float](repeating: 0, count: R), rstd = mean
        layerNormForward(out: &y, mean: &mean, rstd: &rstd, inp: x, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        let want = Reference.layerNormForward(x, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        #expect(relativeError(y, want.y) < 1e-5, "\(label) LayerNorm")
        // Rows of variance ~1e-8, where eps 1e-6 (the authors') and 1e-12 (Hugging Face's) give
        // different outputs: the kernel must use the eps it is given.
        let flat = randomArray(R * W, seed: 25, scale: 1e-4)
        var yFlat = y
        layerNormForward(out: &yFlat, mean: &mean, rstd: &rstd, inp: flat, weight: g, bias: b, rows: R, width: W, eps: 1e-12)
        let wantFlat = Reference.layerNormForward(flat, weight: g, bias: b, rows: R, width: W, eps: 1e-12)
        let otherEps = Reference.layerNormForward(flat, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        #expect(relativeError(yFlat, wantFlat.y) < 1e-3, "\(label) LayerNorm eps 1e-12")
        #expect(relativeError(otherEps.y, wantFlat.y) > 1e-2, "\(label) the eps matters for these rows")
        layerNormForward(out: &y, mean: &mean, rstd: &rstd, inp: x, weight: g, bias: b, rows: R, width: W, eps: 1e-6)
        let back = Reference.layerNormBackward(dy, input: x, weight: g, mean: want.mean, rstd: want.rstd, rows: R, width: W)
        for accumulate in [false, true] {
            var dx = [Float](repeating: accumulate ? 1 : .nan, count: R * W)
            var dg = [Float](repeating: 2, count: W), db = [Float](repeating: 3, count: W)
            layerNormBackward(dInp: &dx, dWeight: &dg, dBias: &db, dOut: dy, inp: x, weight: g, mean: mean, rstd: rstd,
                              rows: R, width: W, accumulate: accumulate)
            #expect(relativeError(dx, back.dx.map { accumulate ? $0 + 1 : $0 }) < 1e-4, "\(label) LayerNorm dx")
            #expect(relativeError(dg, back.dw.map { $0 + 2 }) < 1e-5 && relativeError(db, back.db.map { $0 + 3 }) < 1e-5,
                    "\(label) LayerNorm dγ, dβ")
        }
    }

    func attention(batch N: Int, tokens T: Int, width D: Int, heads H: Int, _ label: String) {
        let qkv = randomArray(N * T * 3 * D, seed: 31, scale: 2), dOut = randomArray(N * T * D, seed: 32)
        var out = [Float](repeating: .nan, count: N * T * D), att = [Float](repeating: .nan, count: N * H * T * T)
        attentionForward(out: &out, att: &att, qkv: qkv, batch: N, tokens: T, width: D, heads: H)
        let want = Reference.attentionForward(qkv, batch: N, tokens: T, width: D, heads: H)
        #expect(relativeError(out, want.out) < 1e-5 && relativeError(att, want.att) < 1e-5, "\(label) attention")
        let dqkv = Reference.attentionBackward(dOut, qkv: qkv, att: want.att, batch: N, tokens: T, width: D, heads: H)
        for accumulate in [false, true] {
            var got = [Float](repeating: accumulate ? 1 : .nan, count: qkv.count)
            attentionBackward(dQKV: &got, dOut: dOut, qkv: qkv, att: att, batch: N, tokens: T, width: D, heads: H,
                              accumulate: accumulate)
            #expect(relativeError(got, dqkv.map { accumulate ? $0 + 1 : $0 }) < 1e-5, "\(label) attention backward")
        }
    }

    /// The GELU epilogue's erf polynomial against libm over [−8, 8] (an identity weight makes pre
    /// the input exactly), and a NaN row stays NaN without trapping.
    func geluPolynomial(_ label: String) {
        let W = 64, R = 250
        var x = (0..<(R * W)).map { Float(-8 + 16 * Double($0) / Double(R * W)) }
        x.replaceSubrange(0..<W, with: [Float](repeating: .nan, count: W))
        let identity = (0..<(W * W)).map { $0 / W == $0 % W ? Float(1) : 0 }, zero = [Float](repeating: 0, count: W)
        for training in [false, true] {
            var pre = [Float](repeating: 0, count: R * W), act = pre
            linearGELUForward(pre: &pre, out: &act, inp: x, weight: identity, bias: zero, rows: R, inDim: W, hidden: W,
                              training: training)
            var worst = 0.0, worstDerivative = 0.0
            for i in W..<(R * W) {
                let v = Double(x[i])
                worst = max(worst, abs(Double(act[i]) - 0.5 * v * (1 + erf(v / 2.0.squareRoot()))) / max(1, abs(v)))
                if training {
                    let d = 0.5 * (1 + erf(v / 2.0.squareRoot())) + v * exp(-v * v / 2) / (2 * Double.pi).squareRoot()
                    worstDerivative = max(worstDerivative, abs(Double(pre[i]) - d))
                }
            }
            #expect(worst < 1e-6 && worstDerivative < 2e-6, "\(label) GELU polynomial: \(worst), \(worstDerivative)")
            #expect(act[0..<W].allSatisfy { $0.isNaN } && act[W..<(R * W)].allSatisfy { $0.isFinite }, "\(label) GELU NaN")
            if training { #expect(pre[0..<W].allSatisfy { $0.isNaN }, "\(label) GELU derivative NaN") }
        }
    }

    /// The softmax's exp polynomial against libm: scores −87 … 0 in one row (one head of width 1:
    /// q = 1, k = the score), −200 clamped to ~1e-38, and a NaN score making its row NaN.
    func softmaxExp(_ label: String) {
        let T = 64
        func row(_ scores: [Float]) -> [Float] {
            var qkv = [Float](repeating: 0, count: T * 3)
            for j in 0..<T { qkv[j * 3] = 1; qkv[j * 3 + 1] = scores[j]; qkv[j * 3 + 2] = Float(j) }
            var out = [Float](repeating: 0, count: T), att = [Float](repeating: 0, count: T * T)
            attentionForward(out: &out, att: &att, qkv: qkv, batch: 1, tokens: T, width: 1, heads: 1)
            return Array(att[0..<T])
        }
        let scores = (0..<T).map { Float(-87 + 87 * Double($0) / Double(T - 1)) }
        let got = row(scores), z = scores.reduce(0.0) { $0 + exp(Double($1)) }
        var worst = 0.0
        for j in 0..<T { worst = max(worst, abs(Double(got[j]) - exp(Double(scores[j])) / z) / (exp(Double(scores[j])) / z)) }
        #expect(worst < 2e-6, "\(label) softmax exp relative error \(worst)")
        var low = scores
        low[0] = -200
        let clamped = row(low)[0]
        #expect(clamped >= 0 && clamped < 1e-37, "\(label) exp clamp")
        var bad = scores
        bad[5] = .nan
        #expect(row(bad).allSatisfy { $0.isNaN }, "\(label) a NaN score makes its row NaN")
    }

    /// One AdamW step with and without decay: the kernel's arithmetic against PyTorch's formula.
    func adamW(_ label: String) {
        let n = 4099, lr = 1.5e-4, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, wd = 0.05
        let g = randomArray(n, seed: 41, scale: 0.1)
        for (step, decays) in [(1, true), (7, false)] {
            var p = randomArray(n, seed: 42), m = randomArray(n, seed: 43, scale: 0.01)
            var v = randomArray(n, seed: 44, scale: 0.01).map { $0 * $0 }
            var p2 = p, m2 = m, v2 = v
            Reference.adamW(parameters: &p2, gradients: g, m: &m2, v: &v2, step: step, lr: lr, beta1: beta1,
                            beta2: beta2, eps: eps, weightDecay: wd, decays: decays)
            AdamWKernel.update(parameters: &p, gradients: g, m: &m, v: &v, count: n,
                               stepSize: Float(lr / (1 - pow(beta1, Double(step)))), beta2: Float(beta2),
                               oneMinusBeta1: Float(1 - beta1), oneMinusBeta2: Float(1 - beta2),
                               biasCorrection2Sqrt: Float((1 - pow(beta2, Double(step))).squareRoot()), eps: Float(eps),
                               decayFactor: decays ? Float(1 - lr * wd) : nil)
            #expect(relativeError(p, p2) < 1e-6 && relativeError(m, m2) < 1e-6 && relativeError(v, v2) < 1e-5,
                    "\(label) AdamW step \(step)")
        }
    }

    /// The training head's gather of removed rows and the scatter of their gradients back, and
    /// the element-wise add (the token assembly's residual on large buffers) and the zeroing of
    /// a gradient buffer.
    func rows(_ label: String) {
        let n = 40_000, a = randomArray(n, seed: 52), b = randomArray(n, seed: 53)
        var sum = [Float](repeating: .nan, count: n)
        residualForward(out: &sum, a: a, b: b, count: n)
        #expect(mismatches(sum, zip(a, b).map { $0 + $1 }) == 0, "\(label) add")
        ck_zero(&sum, n - 1)
        #expect(sum[0..<(n - 1)].allSatisfy { $0 == 0 } && sum[n - 1] == a[n - 1] + b[n - 1], "\(label) zero")

        let W = 7, total = 9, x = randomArray(total * W, seed: 51), picked = [0, 3, 4, 8]
        var compact = [Float](repeating: .nan, count: picked.count * W)
        gatherRows(&compact, from: x, rows: picked, count: picked.count, width: W)
        #expect(compact == Reference.gatherRows(x, rows: picked, width: W), "\(label) gather")
        var back = [Float](repeating: .nan, count: total * W)
        scatterRows(&back, total: total, from: compact, rows: picked, count: picked.count, width: W)
        #expect(back == Reference.scatterRows(compact, rows: picked, total: total, width: W), "\(label) scatter")
    }

    /// The fast model's loss and every gradient against ReferenceMAE on both parity cases (the
    /// training head, token assembly and call lists included), with norm-pix on and off.
    func wholeModel(on table: KernelTable) throws {
        for name in ["tiny-a", "tiny-b"] {
            let f = try FixtureCase.bundled(name)
            let images = f.expected("input.imgs"), noise = f.expected("input.noise")
            let reference = ReferenceMAE(config: f.model.config, parameters: f.model.weights())
            let pass = reference.forward(images: images, noise: noise, batch: f.batch, maskRatio: f.maskRatio)
            let want = reference.gradients(pass, images: images, batch: f.batch)
            let result: (Float, [Float])? = table.run {
                var g = [Float](repeating: 0, count: f.model.table.count)
                let loss = g.withUnsafeMutableBufferPointer {
                    f.model.lossAndGradients(images: images, noise: noise, batch: f.batch, maskRatio: f.maskRatio, gradients: $0)
                }
                return (loss, g)
            }
            let (loss, got) = try #require(result)
            #expect(abs(loss - pass.loss) < 1e-5 * max(1, abs(pass.loss)), "\(table) \(name) loss")
            for e in f.model.table.entries {
                let err = relativeError(Array(got[e.range]), Array(want[e.range]))
                #expect(e.trainable ? err < 1e-4 : got[e.range].allSatisfy { $0 == 0 }, "\(table) \(name) \(e.name): \(err)")
            }
        }
    }
}
