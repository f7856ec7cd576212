#if canImport(Glibc)
import Glibc
#endif

/// The authors' fixed 2-D sin-cos position embedding (`get_2d_sincos_pos_embed` with a class
/// token), computed in float64 and stored as Float: [1 + g², width].
///
/// Row 0 (the class token) is zeros. Row 1 + k, for patch k = row·g + col, holds in
/// [0, width/2) the 1-D embedding of `col` and in [width/2, width) that of `row`, where the 1-D
/// embedding of width d at position x is [sin(x·ω_0), …, sin(x·ω_{d/2−1}), cos(x·ω_0), …],
/// ω_i = 1 / 10000^(i / (d/2)). Width must be a multiple of 4 (`MAEConfig.validate` checks).
public func sinCosPositionEmbedding(width: Int, gridSize g: Int) -> [Float] {
    let half = width / 2, quarter = width / 4
    var out = [Float](repeating: 0, count: (1 + g * g) * width)
    var omega = [Double](repeating: 0, count: quarter)
    for i in 0..<quarter { omega[i] = 1 / pow(10000.0, Double(i) / Double(quarter)) }
    for row in 0..<g {
        for col in 0..<g {
            let base = (1 + row * g + col) * width
            for (part, x) in [(0, Double(col)), (half, Double(row))] {
                for i in 0..<quarter {
                    out[base + part + i] = Float(sin(x * omega[i]))
                    out[base + part + quarter + i] = Float(cos(x * omega[i]))
                }
            }
        }
    }
    return out
}
