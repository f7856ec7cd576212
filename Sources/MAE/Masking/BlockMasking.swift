#if canImport(Glibc)
import Glibc
#endif

/// BEiT-style block-wise masking: rectangles of random area (uniform between a minimum and the
/// patches still to mask) and random aspect (log-uniform in [0.3, 1/0.3]) are placed at random
/// and merged until `target` patches are masked; a rectangle is accepted only if it adds at least
/// one and at most the remaining number of patches. If rectangles stop fitting before the target,
/// the blocks grow by neighbouring patches, so the count is exactly `target`.
func blockMask(gridSize g: Int, target requested: Int, rng: inout SeededGenerator) -> [Bool] {
    let L = g * g
    let target = min(max(requested, 0), L)
    var mask = [Bool](repeating: false, count: L)
    var count = 0
    // BEiT uses 16 of 196 patches; scale with the grid, never below 4.
    let minArea = max(4.0, Double(L) / 12)
    let logAspect = (log(0.3), log(1 / 0.3))
    func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * rng.nextDouble() }
    func randint(_ a: Int, _ b: Int) -> Int { a + min(Int(rng.nextDouble() * Double(b - a + 1)), b - a) }

    var failures = 0
    while count < target && failures < 10 {
        let remaining = target - count
        var delta = 0
        for _ in 0..<10 {
            let area = uniform(min(minArea, Double(remaining)), Double(remaining))
            let aspect = exp(uniform(logAspect.0, logAspect.1))
            let h = Int((area * aspect).squareRoot().rounded())
            let w = Int((area / aspect).squareRoot().rounded())
            guard h >= 1, w >= 1, h <= g, w <= g else { continue }
            let top = randint(0, g - h), left = randint(0, g - w)
            var fresh = 0
            for i in top..<(top + h) { for j in left..<(left + w) where !mask[i * g + j] { fresh += 1 } }
            if fresh > 0 && fresh <= remaining {
                for i in top..<(top + h) { for j in left..<(left + w) { mask[i * g + j] = true } }
                delta = fresh
                break
            }
        }
        if delta == 0 { failures += 1 } else { failures = 0; count += delta }
    }

    // Grow the blocks one neighbouring patch at a time (any patch if nothing is masked yet).
    while count < target {
        var frontier: [Int] = []
        for k in 0..<L where !mask[k] {
            let r = k / g, c = k % g
            if (r > 0 && mask[k - g]) || (r < g - 1 && mask[k + g]) || (c > 0 && mask[k - 1]) || (c < g - 1 && mask[k + 1]) {
                frontier.append(k)
            }
        }
        if frontier.isEmpty { frontier = (0..<L).filter { !mask[$0] } }
        mask[frontier[randint(0, frontier.count - 1)]] = true
        count += 1
    }
    return mask
}
