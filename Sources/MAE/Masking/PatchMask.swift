/// Which patches of one image are hidden from the encoder: L flags in row-major patch order
/// (k = row·g + col), true = masked (removed), as the authors' mask value 1.
public struct PatchMask: Sendable, Equatable, Hashable {
    public var masked: [Bool]

    public init(masked: [Bool]) {
        self.masked = masked
    }

    /// All of `patches` masked except the indices in `visible` (out-of-range indices are ignored).
    public init(patches: Int, visible: some Sequence<Int>) {
        var flags = [Bool](repeating: true, count: patches)
        for k in visible where k >= 0 && k < patches { flags[k] = false }
        masked = flags
    }

    /// Nothing masked: every patch visible.
    public static func none(patches: Int) -> PatchMask { PatchMask(masked: .init(repeating: false, count: patches)) }
    /// Everything masked: the encoder sees the class token only.
    public static func all(patches: Int) -> PatchMask { PatchMask(masked: .init(repeating: true, count: patches)) }

    /// L, the number of patches.
    public var count: Int { masked.count }
    public var maskedCount: Int { masked.reduce(0) { $0 + ($1 ? 1 : 0) } }
    public var visibleCount: Int { count - maskedCount }
    /// The ratio this mask actually has: masked / L (0 for an empty mask).
    public var ratio: Double { count == 0 ? 0 : Double(maskedCount) / Double(count) }
    /// Indices of the visible patches, ascending.
    public var visibleIndices: [Int] { masked.indices.filter { !masked[$0] } }

    /// The mask a row of the authors' float mask [L] (1 = removed) describes.
    public init(authorsMask row: some Collection<Float>) {
        masked = row.map { $0 > 0.5 }
    }
}
