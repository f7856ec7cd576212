/// A perceptually ordered colour ramp (dark purple → red → yellow, after matplotlib's
/// "inferno"), for per-patch errors.
public enum Heatmap {
    static let stops: [(Float, Float, Float)] = [
        (0.00, 0.00, 0.02), (0.34, 0.06, 0.43), (0.73, 0.21, 0.33),
        (0.97, 0.55, 0.04), (0.99, 1.00, 0.64),
    ]

    /// The ramp at t in 0...1 (clamped; NaN gives the lowest colour).
    public static func color(_ t: Float) -> (Float, Float, Float) {
        let v = t == t ? max(0, min(1, t)) : 0
        let f = v * Float(stops.count - 1)
        let i = min(stops.count - 2, Int(f))
        let w = f - Float(i)
        let a = stops[i], b = stops[i + 1]
        return (a.0 + (b.0 - a.0) * w, a.1 + (b.1 - a.1) * w, a.2 + (b.2 - a.2) * w)
    }
}
