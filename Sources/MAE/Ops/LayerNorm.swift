/// `nn.LayerNorm(width, eps=1e-6)` over the last dimension, biased variance, as the authors'
/// blocks use it. The forward caches each row's mean and 1/σ for the backward.

let layerNormEpsilon: Float = 1e-6

/// out [rows, width] = (x − mean) · rstd · weight + bias; mean [rows], rstd [rows] cached.
func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                      rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                      weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                      rows: Int, width: Int) {
    let invWidth = 1 / Float(width)
    for r in 0..<rows {
        let x = inp + r * width
        let y = out + r * width
        var sum: Float = 0
        for i in 0..<width { sum += x[i] }
        let m = sum * invWidth
        // Two passes: the variance of centred values does not cancel catastrophically.
        var sq: Float = 0
        for i in 0..<width {
            let d = x[i] - m
            sq += d * d
        }
        let s = 1 / (sq * invWidth + layerNormEpsilon).squareRoot()
        for i in 0..<width { y[i] = (x[i] - m) * s * weight[i] + bias[i] }
        mean[r] = m
        rstd[r] = s
    }
}

/// Undoes `out = (x − mean)·rstd·weight + bias`. Accumulates (+=) into dInp [rows, width],
/// dWeight [width], dBias [width], from dOut [rows, width], the input and the cached mean, rstd.
func layerNormBackward(dInp: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                       dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                       inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                       mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                       rows: Int, width: Int) {
    let invWidth = 1 / Float(width)
    for r in 0..<rows {
        let x = inp + r * width
        let dy = dOut + r * width
        let dx = dInp + r * width
        let m = mean[r], s = rstd[r]
        // norm = (x − m)·s, dnorm = dy·w; dx = s·(dnorm − mean(dnorm) − norm·mean(dnorm·norm))
        var meanD: Float = 0, meanDN: Float = 0
        for i in 0..<width {
            let norm = (x[i] - m) * s
            let dn = dy[i] * weight[i]
            meanD += dn
            meanDN += dn * norm
        }
        meanD *= invWidth
        meanDN *= invWidth
        for i in 0..<width {
            let norm = (x[i] - m) * s
            let dn = dy[i] * weight[i]
            dBias[i] += dy[i]
            dWeight[i] += dy[i] * norm
            dx[i] += s * (dn - meanD - norm * meanDN)
        }
    }
}
