/// The authors' `random_masking` from a noise tensor, without the gather (the encoder embeds the
/// kept patches directly): ids_shuffle = argsort(noise) ascending, ids_restore =
/// argsort(ids_shuffle), kept = ids_shuffle[:keep] in noise order, mask 1 = removed.

/// For each of `batch` rows of noise [batch, L]: idsShuffle, idsRestore [batch, L] and
/// mask [batch, L] as the authors compute them with len_keep = keep.
func randomMasking(noise: UnsafePointer<Float>, batch: Int, patches L: Int, keep: Int,
                   idsShuffle: UnsafeMutablePointer<Int>, idsRestore: UnsafeMutablePointer<Int>,
                   mask: UnsafeMutablePointer<Float>) {
    for n in 0..<batch {
        argsortAscending(noise + n * L, count: L, into: idsShuffle + n * L)
        completeMasking(idsShuffle: idsShuffle + n * L, idsRestore: idsRestore + n * L,
                        mask: mask + n * L, patches: L, keep: keep)
    }
}

/// ids [count] = the indices that sort values ascending. Equal values keep their index order and
/// NaN sorts last, as in torch.sort, so the order is a total one and never depends on the sort's
/// internals. An in-place heapsort: no allocation inside a training step.
func argsortAscending(_ values: UnsafePointer<Float>, count: Int, into ids: UnsafeMutablePointer<Int>) {
    for i in 0..<count { ids[i] = i }
    @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
        let x = values[a], y = values[b]
        if x.isNaN || y.isNaN {
            if x.isNaN && y.isNaN { return a < b }
            return y.isNaN
        }
        return x < y || (x == y && a < b)
    }
    // Sift the element at `root` down a max-heap of `end` elements.
    func siftDown(_ root: Int, _ end: Int) {
        var parent = root
        while true {
            var child = 2 * parent + 1
            if child >= end { return }
            if child + 1 < end && less(ids[child], ids[child + 1]) { child += 1 }
            if !less(ids[parent], ids[child]) { return }
            (ids[parent], ids[child]) = (ids[child], ids[parent])
            parent = child
        }
    }
    if count < 2 { return }
    for root in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(root, count) }
    for end in stride(from: count - 1, to: 0, by: -1) {
        (ids[0], ids[end]) = (ids[end], ids[0])
        siftDown(0, end)
    }
}

/// From one row's idsShuffle [L]: idsRestore [L] (its inverse permutation) and mask [L]
/// (0 for the first `keep` of idsShuffle, 1 for the rest, in spatial order).
func completeMasking(idsShuffle: UnsafePointer<Int>, idsRestore: UnsafeMutablePointer<Int>,
                     mask: UnsafeMutablePointer<Float>, patches L: Int, keep: Int) {
    for j in 0..<L {
        let k = idsShuffle[j]
        idsRestore[k] = j
        mask[k] = j < keep ? 0 : 1
    }
}

extension PatchMask {
    /// The masking order for an explicit mask: visible patches ascending, then masked ones
    /// ascending. The model's output does not depend on the order of the kept tokens (attention
    /// is permutation-equivariant and the decoder un-shuffles), so any order is as good.
    func writeShuffle(into ids: UnsafeMutablePointer<Int>) {
        var next = 0
        for k in masked.indices where !masked[k] { ids[next] = k; next += 1 }
        for k in masked.indices where masked[k] { ids[next] = k; next += 1 }
    }
}
