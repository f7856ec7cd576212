#if canImport(Glibc)
import Glibc
#endif

/// Multi-head self-attention of the authors' `Attention` after its fused `qkv` Linear and before
/// `proj`: each token's qkv row [3D] is laid out q | k | v, each of those split into `heads`
/// contiguous slices of hd = D/heads. Per image and head: out = softmax(q·kᵀ·hd^−½)·v, heads
/// concatenated back into [T, D]. The matmuls are strided views of the qkv buffer (lda = 3D).

/// out [batch, T, D] = attention(qkv [batch, T, 3D]); att [batch, heads, T, T] caches the softmax.
func attentionForward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                      qkv: UnsafePointer<Float>, batch: Int, tokens T: Int, width D: Int, heads: Int) {
    let hd = D / heads
    let scale = 1 / Float(hd).squareRoot()
    for n in 0..<batch {
        let base = qkv + n * T * 3 * D
        for h in 0..<heads {
            let q = base + h * hd, k = q + D, v = q + 2 * D
            let a = att + (n * heads + h) * T * T
            // a [T, T] = scale · q [T, hd] · kᵀ [hd, T]
            sgemm(transB: true, m: T, n: T, k: hd, alpha: scale, a: q, lda: 3 * D, b: k, ldb: 3 * D,
                  beta: 0, c: a, ldc: T)
            softmaxRows(a, rows: T, width: T)
            // out[:, h·hd ..< (h+1)·hd] [T, hd] = a [T, T] · v [T, hd]
            sgemm(m: T, n: hd, k: T, a: a, lda: T, b: v, ldb: 3 * D,
                  beta: 0, c: out + n * T * D + h * hd, ldc: D)
        }
    }
}

/// Undoes `out = softmax(scale·q·kᵀ)·v`. Accumulates (+=) into dQKV [batch, T, 3D] from
/// dOut [batch, T, D], the forward's qkv and cached att. scratch holds T·T floats.
func attentionBackward(dQKV: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                       qkv: UnsafePointer<Float>, att: UnsafePointer<Float>,
                       scratch: UnsafeMutablePointer<Float>,
                       batch: Int, tokens T: Int, width D: Int, heads: Int) {
    let hd = D / heads
    let scale = 1 / Float(hd).squareRoot()
    for n in 0..<batch {
        let base = qkv + n * T * 3 * D
        let dBase = dQKV + n * T * 3 * D
        for h in 0..<heads {
            let q = base + h * hd, k = q + D, v = q + 2 * D
            let dq = dBase + h * hd, dk = dq + D, dv = dq + 2 * D
            let a = att + (n * heads + h) * T * T
            let dy = dOut + n * T * D + h * hd
            let dA = scratch  // [T, T]
            // out = a · v:  dA [T, T] = dOut_h [T, hd] · vᵀ ;  dv [T, hd] += aᵀ · dOut_h
            sgemm(transB: true, m: T, n: T, k: hd, a: dy, lda: D, b: v, ldb: 3 * D, beta: 0, c: dA, ldc: T)
            sgemm(transA: true, m: T, n: hd, k: T, a: a, lda: T, b: dy, ldb: D, beta: 1, c: dv, ldc: 3 * D)
            // a = softmax(s):  ds_ij = a_ij·(dA_ij − Σ_k a_ik·dA_ik), in place in dA
            for i in 0..<T {
                let ar = a + i * T, dr = dA + i * T
                var dot: Float = 0
                for j in 0..<T { dot += ar[j] * dr[j] }
                for j in 0..<T { dr[j] = ar[j] * (dr[j] - dot) }
            }
            // s = scale·q·kᵀ:  dq [T, hd] += scale·ds·k ;  dk [T, hd] += scale·dsᵀ·q
            sgemm(m: T, n: hd, k: T, alpha: scale, a: dA, lda: T, b: k, ldb: 3 * D, beta: 1, c: dq, ldc: 3 * D)
            sgemm(transA: true, m: T, n: hd, k: T, alpha: scale, a: dA, lda: T, b: q, ldb: 3 * D,
                  beta: 1, c: dk, ldc: 3 * D)
        }
    }
}

/// In place over each row of x [rows, width]: x = exp(x − max) / Σ exp(x − max).
func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    for r in 0..<rows {
        let row = x + r * width
        var maxValue = -Float.infinity
        for j in 0..<width where row[j] > maxValue { maxValue = row[j] }
        var sum: Float = 0
        for j in 0..<width {
            let e = expf(row[j] - maxValue)
            row[j] = e
            sum += e
        }
        let inv = 1 / sum
        for j in 0..<width { row[j] *= inv }
    }
}
