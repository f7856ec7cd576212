import Testing
@testable import MAE

/// Deterministic test values: standard normal from the project's generator.
func randomArray(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float(g.nextNormal()) * scale }
}

/// Central differences of f at x, one coordinate at a time.
func numericGradient(_ x: [Float], step h: Float = 5e-3, _ f: ([Float]) -> Double) -> [Double] {
    var x = x
    var grad = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        let v = x[i]
        x[i] = v + h
        let up = f(x)
        x[i] = v - h
        let down = f(x)
        x[i] = v
        // The step actually taken in Float arithmetic, not the nominal one.
        grad[i] = (up - down) / (Double(v + h) - Double(v - h))
    }
    return grad
}

/// Max |a − b| relative to the largest magnitude in `reference`.
func relativeError(_ a: [Float], _ reference: [Double]) -> Double {
    precondition(a.count == reference.count, "size mismatch \(a.count) vs \(reference.count)")
    var worst = 0.0, scale = 0.0
    for i in a.indices {
        // NaN must match NaN (a loss with nothing masked); NaN against a number is a failure.
        if a[i].isNaN || reference[i].isNaN {
            if a[i].isNaN != reference[i].isNaN { return .infinity }
            continue
        }
        worst = max(worst, abs(Double(a[i]) - reference[i]))
        scale = max(scale, abs(reference[i]))
    }
    return worst / max(scale, 1e-12)
}

func relativeError(_ a: [Float], _ reference: [Float]) -> Double {
    relativeError(a, reference.map(Double.init))
}

/// Σ out·w in Double: a scalar whose gradient with respect to out is w.
func weightedSum(_ out: [Float], _ w: [Float]) -> Double {
    var s = 0.0
    for i in out.indices { s += Double(out[i]) * Double(w[i]) }
    return s
}

/// How many elements of a and b differ bit for bit (all of them if the sizes differ): a cheap
/// failure for large arrays, where `#expect(a == b)` would spend minutes printing a diff.
func mismatches(_ a: [Float], _ b: [Float]) -> Int {
    guard a.count == b.count else { return max(a.count, b.count) }
    var n = 0
    for i in a.indices where a[i].bitPattern != b[i].bitPattern { n += 1 }
    return n
}
