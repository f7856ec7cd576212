/// The encoder's input sequence: the kept patches' embeddings plus their position embeddings,
/// after a class token. `pos_embed[0]` is all zeros but is added anyway, as the authors do
/// (`cls_token + pos_embed[:, :1]`), so a loaded table with a non-zero row behaves the same.

/// x [batch, 1+keep, D]: x[n,0] = cls + pos[0];  x[n,1+t] = emb[n,t] + pos[1 + ids[n·idsStride + t]]
/// emb [batch, keep, D], cls [D], pos [1+L, D], ids [batch, idsStride] (the first `keep` are kept).
func encoderTokensForward(x: UnsafeMutablePointer<Float>, emb: UnsafePointer<Float>,
                          cls: UnsafePointer<Float>, pos: UnsafePointer<Float>,
                          ids: UnsafePointer<Int>, idsStride: Int, batch: Int, keep: Int, width D: Int) {
    let T = keep + 1
    for n in 0..<batch {
        residualForward(out: x + n * T * D, a: cls, b: pos, count: D)
        for t in 0..<keep {
            let id = ids[n * idsStride + t]
            residualForward(out: x + (n * T + 1 + t) * D, a: emb + (n * keep + t) * D,
                            b: pos + (1 + id) * D, count: D)
        }
    }
}

/// Undoes `x[n,0] = cls + pos[0]; x[n,1+t] = emb[n,t] + pos[…]` (pos embeddings take no gradient):
/// dCls [D] += Σ_n dX[n,0];  dEmb [batch, keep, D] += dX[n,1+t].
func encoderTokensBackward(dEmb: UnsafeMutablePointer<Float>, dCls: UnsafeMutablePointer<Float>,
                           dX: UnsafePointer<Float>, batch: Int, keep: Int, width D: Int) {
    let T = keep + 1
    for n in 0..<batch {
        let row = dX + n * T * D
        for i in 0..<D { dCls[i] += row[i] }
        let src = row + D, dst = dEmb + n * keep * D
        for i in 0..<(keep * D) { dst[i] += src[i] }
    }
}
