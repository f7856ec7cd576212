/// The decoder's input sequence: `decoder_embed` outputs of the class token and the kept patches,
/// `mask_token` copies appended for the removed ones, un-shuffled to spatial order with
/// ids_restore, class token re-prepended, plus `decoder_pos_embed`:
///
///     x_ = cat(y[:, 1:], mask_tokens); x_ = gather(x_, 1, ids_restore)
///     x  = cat(y[:, :1], x_) + decoder_pos_embed

/// x [batch, 1+L, Dd] from y [batch, 1+keep, Dd], maskToken [Dd], pos [1+L, Dd],
/// idsRestore [batch, L]: x[n,1+j] = (r < keep ? y[n,1+r] : maskToken) + pos[1+j], r = idsRestore[n,j].
func decoderTokensForward(x: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>,
                          maskToken: UnsafePointer<Float>, pos: UnsafePointer<Float>,
                          idsRestore: UnsafePointer<Int>, batch: Int, keep: Int, patches L: Int,
                          width D: Int) {
    let T = keep + 1, Td = L + 1
    for n in 0..<batch {
        let yn = y + n * T * D, xn = x + n * Td * D
        residualForward(out: xn, a: yn, b: pos, count: D)
        for j in 0..<L {
            let r = idsRestore[n * L + j]
            let src = r < keep ? UnsafePointer(yn + (1 + r) * D) : maskToken
            residualForward(out: xn + (1 + j) * D, a: src, b: pos + (1 + j) * D, count: D)
        }
    }
}

/// Undoes the ids_restore gather as a scatter: dY [batch, 1+keep, Dd] += dX at the gathered rows,
/// dMaskToken [Dd] += Σ dX over the rows that held a mask token (pos embeddings take none).
func decoderTokensBackward(dY: UnsafeMutablePointer<Float>, dMaskToken: UnsafeMutablePointer<Float>,
                           dX: UnsafePointer<Float>, idsRestore: UnsafePointer<Int>,
                           batch: Int, keep: Int, patches L: Int, width D: Int) {
    let T = keep + 1, Td = L + 1
    for n in 0..<batch {
        let dyn = dY + n * T * D, dxn = dX + n * Td * D
        for i in 0..<D { dyn[i] += dxn[i] }
        for j in 0..<L {
            let r = idsRestore[n * L + j]
            let dst = r < keep ? dyn + (1 + r) * D : dMaskToken
            let src = dxn + (1 + j) * D
            for i in 0..<D { dst[i] += src[i] }
        }
    }
}
