/// How a mask is chosen when a person does not paint one.
/// - random: the authors' sampling: uniform noise from `SeededGenerator(seed)`, argsort, the
///   first ⌊L·(1 − ratio)⌋ kept (exactly `MAEConfig.keepCount(maskRatio:)`).
/// - block: BEiT-style rectangles until round(ratio·L) patches are masked.
/// - grid: keep the top-left patch of every 2×2 cell (the paper's regular grid sampling); the
///   ratio is fixed by the grid (exactly 0.75 for an even grid side) and `ratio` is ignored.
/// The raw values are the names on the command line and in a run's config.json.
public enum MaskStrategy: String, CaseIterable, Codable, Sendable {
    case random, block, grid
}

/// A mask of gridSize² patches; the same arguments give the same mask on every machine.
/// `PatchMask.ratio` reports the ratio the mask actually has.
public func makeMask(_ strategy: MaskStrategy, ratio: Double, gridSize: Int, seed: UInt64) -> PatchMask {
    let g = max(gridSize, 0), L = g * g
    let r = ratio.isNaN ? 0 : min(max(ratio, 0), 1)
    if L == 0 { return PatchMask(masked: []) }
    var rng = SeededGenerator(seed: seed)
    switch strategy {
    case .random:
        let noise = (0..<L).map { _ in rng.nextUniform() }
        let keep = Int((Double(L) * (1 - r)).rounded(.towardZero))
        var ids = [Int](repeating: 0, count: L)
        noise.withUnsafeBufferPointer { noise in
            ids.withUnsafeMutableBufferPointer { ids in
                argsortAscending(noise.baseAddress!, count: L, into: ids.baseAddress!)
            }
        }
        return PatchMask(patches: L, visible: ids.prefix(keep))
    case .block:
        return PatchMask(masked: blockMask(gridSize: g, target: Int((r * Double(L)).rounded()), rng: &rng))
    case .grid:
        var masked = [Bool](repeating: true, count: L)
        for row in stride(from: 0, to: g, by: 2) { for col in stride(from: 0, to: g, by: 2) { masked[row * g + col] = false } }
        return PatchMask(masked: masked)
    }
}
