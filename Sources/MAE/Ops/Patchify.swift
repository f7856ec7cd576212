/// The authors' `patchify`: [N, C, g·p, g·p] → 'nchpwq->nhwpqc' → [N, L, P], so the value index
/// inside a patch is (i·p + j)·C + c (channels fastest), unlike the patch embedding's (c, i, j).

/// patches [batch, L, P] = patchify(images [batch, C, S, S])
func patchify(patches: UnsafeMutablePointer<Float>, images: UnsafePointer<Float>,
              batch: Int, channels C: Int, side S: Int, patch p: Int) {
    let g = S / p, P = p * p * C
    for n in 0..<batch {
        let image = images + n * C * S * S
        for row in 0..<g {
            for col in 0..<g {
                let dst = patches + (n * g * g + row * g + col) * P
                for i in 0..<p {
                    for j in 0..<p {
                        let pixel = (row * p + i) * S + col * p + j
                        for c in 0..<C { dst[(i * p + j) * C + c] = image[c * S * S + pixel] }
                    }
                }
            }
        }
    }
}

/// images [batch, C, S, S] = unpatchify(patches [batch, L, P]), the exact inverse of `patchify`.
func unpatchify(images: UnsafeMutablePointer<Float>, patches: UnsafePointer<Float>,
                batch: Int, channels C: Int, side S: Int, patch p: Int) {
    let g = S / p, P = p * p * C
    for n in 0..<batch {
        let image = images + n * C * S * S
        for row in 0..<g {
            for col in 0..<g {
                let src = patches + (n * g * g + row * g + col) * P
                for i in 0..<p {
                    for j in 0..<p {
                        let pixel = (row * p + i) * S + col * p + j
                        for c in 0..<C { image[c * S * S + pixel] = src[(i * p + j) * C + c] }
                    }
                }
            }
        }
    }
}
