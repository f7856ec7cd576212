/// The patch embedding `Conv2d(C → D, kernel = stride = p)` as im2col + a Linear whose weight is
/// `patch_embed.proj.weight` [D, C, p, p] exactly as stored: its fan-in order is (c, i, j), so the
/// columns are gathered in that order and the weight needs no permutation.
///
/// Only the patches named in `ids` are embedded: the encoder sees the kept patches alone, and a
/// convolution with stride = kernel treats every patch independently.

/// cols [batch, count, C·p·p]: row (n, t) is patch ids[n·idsStride + t] of images[n] [C, S, S],
/// value index (c·p + i)·p + j = images[n, c, row·p + i, col·p + j] with patch = row·g + col.
func patchColumns(cols: UnsafeMutablePointer<Float>, images: UnsafePointer<Float>,
                  ids: UnsafePointer<Int>, idsStride: Int, batch: Int, count: Int,
                  channels C: Int, side S: Int, patch p: Int) {
    let g = S / p
    let fanIn = C * p * p
    for n in 0..<batch {
        let image = images + n * C * S * S
        for t in 0..<count {
            let id = ids[n * idsStride + t]
            let row = id / g, col = id % g
            var dst = cols + (n * count + t) * fanIn
            for c in 0..<C {
                for i in 0..<p {
                    let src = image + (c * S + row * p + i) * S + col * p
                    dst.update(from: src, count: p)
                    dst += p
                }
            }
        }
    }
}

/// out [rows, D] = cols [rows, C·p·p] · weight[D, C·p·p]ᵀ + bias [D]
func patchEmbedForward(out: UnsafeMutablePointer<Float>, cols: UnsafePointer<Float>,
                       weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                       rows: Int, fanIn: Int, width: Int) {
    linearForward(out: out, inp: cols, weight: weight, bias: bias, rows: rows, inDim: fanIn, outDim: width)
}

/// Undoes `out = cols · Wᵀ + b` for the parameters only (images take no gradient):
/// dWeight [D, C·p·p] += dOutᵀ · cols, dBias [D] += Σ dOut.
func patchEmbedBackward(dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                        dOut: UnsafePointer<Float>, cols: UnsafePointer<Float>,
                        rows: Int, fanIn: Int, width: Int) {
    // The weight is only read by the dInp product, which is skipped: any pointer will do.
    linearBackward(dInp: nil, dWeight: dWeight, dBias: dBias, dOut: dOut, inp: cols, weight: cols,
                   rows: rows, inDim: fanIn, outDim: width)
}
