import Foundation

/// The MAE's layers as plain Swift: each forward beside the backward that undoes it, one loop
/// nest per formula, no fusion, no threads, sums in Double. This is the specification the fast
/// path (MAE's call lists over CKernels) is tested against, layer by layer and as a whole model
/// (ReferenceModel.swift); it is slow on purpose and never runs outside tests.
///
/// Tensors are flat [Float] arrays, row-major, with their shapes in the comments; a weight is
/// stored as PyTorch stores it ([out, in] for a Linear). A backward returns fresh gradients
/// (it never accumulates); the caller adds them where a tensor feeds several places.
public enum Reference {
    // MARK: Linear

    /// y [R, O] = x [R, I] · wᵀ + b, with w [O, I] and b [O] (nil: no bias).
    public static func linearForward(_ x: [Float], weight w: [Float], bias b: [Float]?,
                                     rows R: Int, in I: Int, out O: Int) -> [Float] {
        var y = [Float](repeating: 0, count: R * O)
        for r in 0..<R {
            for o in 0..<O {
                var s = Double(b?[o] ?? 0)
                for i in 0..<I { s += Double(x[r * I + i]) * Double(w[o * I + i]) }
                y[r * O + o] = Float(s)
            }
        }
        return y
    }

    /// Undoes `linearForward`: dx [R, I] = dy · w; dw [O, I] = dyᵀ · x; db [O] = Σ_r dy.
    public static func linearBackward(_ dy: [Float], input x: [Float], weight w: [Float],
                                      rows R: Int, in I: Int, out O: Int) -> (dx: [Float], dw: [Float], db: [Float]) {
        var dx = [Float](repeating: 0, count: R * I)
        for r in 0..<R {
            for i in 0..<I {
                var s = 0.0
                for o in 0..<O { s += Double(dy[r * O + o]) * Double(w[o * I + i]) }
                dx[r * I + i] = Float(s)
            }
        }
        var dw = [Float](repeating: 0, count: O * I), db = [Float](repeating: 0, count: O)
        for o in 0..<O {
            for i in 0..<I {
                var s = 0.0
                for r in 0..<R { s += Double(dy[r * O + o]) * Double(x[r * I + i]) }
                dw[o * I + i] = Float(s)
            }
            var s = 0.0
            for r in 0..<R { s += Double(dy[r * O + o]) }
            db[o] = Float(s)
        }
        return (dx, dw, db)
    }

    // MARK: LayerNorm

    /// Per row of x [R, W]: mean, rstd = 1/√(biased variance + eps), y = (x − mean)·rstd·γ + β.
    /// mean [R] and rstd [R] are what the backward needs.
    public static func layerNormForward(_ x: [Float], weight g: [Float], bias b: [Float], rows R: Int,
                                        width W: Int, eps: Float) -> (y: [Float], mean: [Float], rstd: [Float]) {
        var y = [Float](repeating: 0, count: R * W)
        var mean = [Float](repeating: 0, count: R), rstd = mean
        for r in 0..<R {
            var s = 0.0
            for i in 0..<W { s += Double(x[r * W + i]) }
            let m = s / Double(W)
            var v = 0.0
            for i in 0..<W { v += (Double(x[r * W + i]) - m) * (Double(x[r * W + i]) - m) }
            let rs = 1 / (v / Double(W) + Double(eps)).squareRoot()
            for i in 0..<W { y[r * W + i] = Float((Double(x[r * W + i]) - m) * rs * Double(g[i]) + Double(b[i])) }
            mean[r] = Float(m)
            rstd[r] = Float(rs)
        }
        return (y, mean, rstd)
    }

    /// Undoes `layerNormForward`: with x̂ = (x − mean)·rstd and dx̂ = dy·γ,
    /// dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)); dγ = Σ_r dy·x̂; dβ = Σ_r dy.
    public static func layerNormBackward(_ dy: [Float], input x: [Float], weight g: [Float], mean: [Float],
                                         rstd: [Float], rows R: Int, width W: Int)
        -> (dx: [Float], dw: [Float], db: [Float]) {
        var dx = [Float](repeating: 0, count: R * W)
        var dw = [Double](repeating: 0, count: W), db = [Double](repeating: 0, count: W)
        for r in 0..<R {
            let m = Double(mean[r]), rs = Double(rstd[r])
            var meanD = 0.0, meanDX = 0.0
            for i in 0..<W {
                let xh = (Double(x[r * W + i]) - m) * rs, d = Double(dy[r * W + i]) * Double(g[i])
                meanD += d
                meanDX += d * xh
                dw[i] += Double(dy[r * W + i]) * xh
                db[i] += Double(dy[r * W + i])
            }
            meanD /= Double(W)
            meanDX /= Double(W)
            for i in 0..<W {
                let xh = (Double(x[r * W + i]) - m) * rs, d = Double(dy[r * W + i]) * Double(g[i])
                dx[r * W + i] = Float(rs * (d - meanD - xh * meanDX))
            }
        }
        return (dx, dw.map(Float.init), db.map(Float.init))
    }

    // MARK: GELU (exact, erf form)

    /// y = ½·x·(1 + erf(x/√2)), libm's erf.
    public static func geluForward(_ x: [Float]) -> [Float] {
        x.map { Float(0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot()))) }
    }

    /// gelu'(x) = Φ(x) + x·φ(x): the normal CDF and density.
    public static func geluDerivative(_ x: [Float]) -> [Float] {
        x.map {
            let v = Double($0)
            return Float(0.5 * (1 + erf(v / 2.0.squareRoot())) + v * exp(-0.5 * v * v) / (2 * Double.pi).squareRoot())
        }
    }

    /// Undoes `geluForward`: dx = dy · gelu'(x).
    public static func geluBackward(_ dy: [Float], input x: [Float]) -> [Float] {
        zip(dy, geluDerivative(x)).map { $0 * $1 }
    }

    // MARK: attention

    /// Multi-head self-attention after the fused qkv Linear: each token's row of qkv [N, T, 3D]
    /// is q | k | v, each split into `heads` slices of hd = D/heads. Per image n and head h:
    /// att [N, H, T, T] = softmax(q·kᵀ/√hd) (row-wise), out [N, T, D] = att · v.
    public static func attentionForward(_ qkv: [Float], batch N: Int, tokens T: Int, width D: Int, heads H: Int)
        -> (out: [Float], att: [Float]) {
        let hd = D / H, scale = 1 / Double(hd).squareRoot()
        func at(_ n: Int, _ t: Int, _ part: Int, _ h: Int, _ i: Int) -> Int { (n * T + t) * 3 * D + part * D + h * hd + i }
        var out = [Float](repeating: 0, count: N * T * D), att = [Float](repeating: 0, count: N * H * T * T)
        for n in 0..<N {
            for h in 0..<H {
                for i in 0..<T {
                    var scores = [Double](repeating: 0, count: T)
                    for j in 0..<T {
                        var s = 0.0
                        for c in 0..<hd { s += Double(qkv[at(n, i, 0, h, c)]) * Double(qkv[at(n, j, 1, h, c)]) }
                        scores[j] = s * scale
                    }
                    let top = scores.max()!
                    let e = scores.map { exp($0 - top) }, z = e.reduce(0, +)
                    for j in 0..<T { att[((n * H + h) * T + i) * T + j] = Float(e[j] / z) }
                    for c in 0..<hd {
                        var s = 0.0
                        for j in 0..<T { s += e[j] / z * Double(qkv[at(n, j, 2, h, c)]) }
                        out[(n * T + i) * D + h * hd + c] = Float(s)
                    }
                }
            }
        }
        return (out, att)
    }

    /// Undoes `attentionForward`, per image and head with a = att:
    /// dA = dOut·vᵀ; dv = aᵀ·dOut; dS = a∘(dA − Σ_j a·dA) (the softmax); dq = dS·k/√hd; dk = dSᵀ·q/√hd.
    public static func attentionBackward(_ dOut: [Float], qkv: [Float], att: [Float], batch N: Int, tokens T: Int,
                                         width D: Int, heads H: Int) -> [Float] {
        let hd = D / H, scale = 1 / Double(hd).squareRoot()
        func at(_ n: Int, _ t: Int, _ part: Int, _ h: Int, _ i: Int) -> Int { (n * T + t) * 3 * D + part * D + h * hd + i }
        var dqkv = [Double](repeating: 0, count: N * T * 3 * D)
        for n in 0..<N {
            for h in 0..<H {
                func a(_ i: Int, _ j: Int) -> Double { Double(att[((n * H + h) * T + i) * T + j]) }
                func dout(_ i: Int, _ c: Int) -> Double { Double(dOut[(n * T + i) * D + h * hd + c]) }
                for i in 0..<T {
                    var dA = [Double](repeating: 0, count: T)
                    for j in 0..<T {
                        for c in 0..<hd { dA[j] += dout(i, c) * Double(qkv[at(n, j, 2, h, c)]) }
                    }
                    var weighted = 0.0
                    for j in 0..<T { weighted += a(i, j) * dA[j] }
                    for j in 0..<T {
                        let dS = a(i, j) * (dA[j] - weighted) * scale
                        for c in 0..<hd {
                            dqkv[at(n, i, 0, h, c)] += dS * Double(qkv[at(n, j, 1, h, c)])
                            dqkv[at(n, j, 1, h, c)] += dS * Double(qkv[at(n, i, 0, h, c)])
                            dqkv[at(n, j, 2, h, c)] += a(i, j) * dout(i, c)
                        }
                    }
                }
            }
        }
        return dqkv.map(Float.init)
    }

    // MARK: the loss

    /// The authors' loss over pred, target [R, P] and mask [R] (1 = removed):
    /// loss = Σ_r mask·mean_P (pred − target)² / Σ_r mask.
    public static func maskedMSEForward(pred: [Float], target: [Float], mask: [Float], rows R: Int, width P: Int) -> Float {
        var total = 0.0, count = 0.0
        for r in 0..<R {
            var s = 0.0
            for i in 0..<P { s += (Double(pred[r * P + i]) - Double(target[r * P + i])) * (Double(pred[r * P + i]) - Double(target[r * P + i])) }
            total += Double(mask[r]) * s / Double(P)
            count += Double(mask[r])
        }
        return Float(total / count)
    }

    /// Undoes `maskedMSEForward`: dPred = 2·mask·(pred − target) / (P·Σ mask).
    public static func maskedMSEBackward(pred: [Float], target: [Float], mask: [Float], rows R: Int, width P: Int) -> [Float] {
        let count = mask.reduce(0.0) { $0 + Double($1) }
        var d = [Float](repeating: 0, count: R * P)
        for r in 0..<R {
            for i in 0..<P {
                d[r * P + i] = Float(2 * Double(mask[r]) * (Double(pred[r * P + i]) - Double(target[r * P + i])) / (Double(P) * count))
            }
        }
        return d
    }

    // MARK: rows

    /// out [count, W] = x [rows[j], W] for each j.
    public static func gatherRows(_ x: [Float], rows: [Int], width W: Int) -> [Float] {
        rows.flatMap { x[($0 * W)..<(($0 + 1) * W)] }
    }

    /// out [total, W]: row rows[j] = x[j], every other row zero.
    public static func scatterRows(_ x: [Float], rows: [Int], total: Int, width W: Int) -> [Float] {
        var out = [Float](repeating: 0, count: total * W)
        for (j, r) in rows.enumerated() {
            for i in 0..<W { out[r * W + i] = x[j * W + i] }
        }
        return out
    }

    // MARK: AdamW

    /// One step of PyTorch's AdamW (decoupled weight decay, bias-corrected moments) at step t ≥ 1:
    /// p ← p·(1 − lr·wd) when the tensor decays; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
    /// p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps).
    public static func adamW(parameters p: inout [Float], gradients g: [Float], m: inout [Float], v: inout [Float],
                             step t: Int, lr: Double, beta1: Double, beta2: Double, eps: Double,
                             weightDecay: Double, decays: Bool) {
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in p.indices {
            var w = Double(p[i])
            if decays { w *= 1 - lr * weightDecay }
            let mi = beta1 * Double(m[i]) + (1 - beta1) * Double(g[i])
            let vi = beta2 * Double(v[i]) + (1 - beta2) * Double(g[i]) * Double(g[i])
            w -= lr / c1 * mi / (vi.squareRoot() / c2.squareRoot() + eps)
            p[i] = Float(w)
            m[i] = Float(mi)
            v[i] = Float(vi)
        }
    }
}
