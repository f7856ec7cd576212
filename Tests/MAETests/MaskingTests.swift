import Testing
@testable import MAE

@Suite struct MaskingTests {
    static let ratios = [0.0, 0.5, 0.75, 0.9, 0.95]
    static let grids = [4, 8, 14]   // L = 16, 64, 196

    @Test(arguments: grids)
    func randomKeepsTheAuthorsCount(_ g: Int) {
        let L = g * g
        for r in Self.ratios {
            let mask = makeMask(.random, ratio: r, gridSize: g, seed: 1)
            let keep = Int(Double(L) * (1 - r))   // the authors' int(L * (1 - mask_ratio))
            #expect(mask.count == L)
            #expect(mask.visibleCount == keep, "L \(L) ratio \(r)")
            #expect(abs(mask.ratio - Double(L - keep) / Double(L)) < 1e-12)
        }
        // 49 of 196 at 0.75, as the paper.
        #expect(makeMask(.random, ratio: 0.75, gridSize: 14, seed: 3).visibleCount == 49)
    }

    @Test(arguments: grids)
    func blockReachesTheRoundedCountInBlocks(_ g: Int) {
        let L = g * g
        for r in Self.ratios {
            for seed: UInt64 in 0..<5 {
                let mask = makeMask(.block, ratio: r, gridSize: g, seed: seed)
                #expect(mask.maskedCount == Int((r * Double(L)).rounded()), "L \(L) ratio \(r) seed \(seed)")
            }
        }
        // Blocks, not scattered patches: at 50% on 14×14 nearly every masked patch touches another.
        let mask = makeMask(.block, ratio: 0.5, gridSize: 14, seed: 9)
        var touching = 0
        for k in 0..<196 where mask.masked[k] {
            let r = k / 14, c = k % 14
            let n = [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)].filter { $0.0 >= 0 && $0.0 < 14 && $0.1 >= 0 && $0.1 < 14 }
            if n.contains(where: { mask.masked[$0.0 * 14 + $0.1] }) { touching += 1 }
        }
        #expect(Double(touching) / Double(mask.maskedCount) > 0.9)
    }

    @Test(arguments: grids)
    func gridKeepsOneOfEveryTwoByTwo(_ g: Int) {
        let mask = makeMask(.grid, ratio: 0.3, gridSize: g, seed: 0)
        #expect(mask.ratio == 0.75)
        for k in 0..<(g * g) { #expect(mask.masked[k] == !((k / g) % 2 == 0 && (k % g) % 2 == 0)) }
        // An odd grid keeps the corner cells too: 4 of 9 on 3×3.
        #expect(makeMask(.grid, ratio: 0.75, gridSize: 3, seed: 0).visibleCount == 4)
    }

    @Test func sameSeedSameMask() {
        for s in MaskStrategy.allCases {
            #expect(makeMask(s, ratio: 0.75, gridSize: 8, seed: 5) == makeMask(s, ratio: 0.75, gridSize: 8, seed: 5))
        }
        #expect(makeMask(.random, ratio: 0.75, gridSize: 8, seed: 5) != makeMask(.random, ratio: 0.75, gridSize: 8, seed: 6))
        #expect(makeMask(.block, ratio: 0.75, gridSize: 8, seed: 5) != makeMask(.block, ratio: 0.75, gridSize: 8, seed: 6))
    }

    @Test func randomMaskingIsTheAuthorsArgsort() {
        // noise [2, 5]; keep 2. ids_shuffle = argsort(noise), ids_restore = argsort(ids_shuffle).
        let noise: [Float] = [0.5, 0.1, 0.9, 0.3, 0.7,
                              0.2, 0.2, 0.0, 0.8, 0.2]   // ties keep index order
        var shuffle = [Int](repeating: -1, count: 10), restore = shuffle
        var mask = [Float](repeating: -1, count: 10)
        randomMasking(noise: noise, batch: 2, patches: 5, keep: 2, idsShuffle: &shuffle, idsRestore: &restore, mask: &mask)
        #expect(shuffle == [1, 3, 0, 4, 2, 2, 0, 1, 4, 3])
        #expect(restore == [2, 0, 4, 1, 3, 1, 2, 0, 4, 3])
        #expect(mask == [1, 0, 1, 0, 1, 0, 1, 0, 1, 1])
    }

    @Test func argsortOrdersAnyRowTotally() {
        // Against a stable sort of (value, index) for rows with ties and NaN, of many lengths.
        var g = SeededGenerator(seed: 4)
        for count in [0, 1, 2, 3, 7, 16, 64, 196] {
            var values = (0..<count).map { _ in Float(Int(g.nextUniform() * 8)) / 8 }
            if count > 3 { values[2] = .nan }
            var ids = [Int](repeating: -1, count: count)
            argsortAscending(values, count: count, into: &ids)
            let want = (0..<count).sorted { a, b in
                let x = values[a], y = values[b]
                if x.isNaN != y.isNaN { return y.isNaN }
                if x.isNaN || x == y { return a < b }
                return x < y
            }
            #expect(ids == want, "count \(count)")
        }
    }

    @Test func explicitMaskOrderAndRatio() {
        let m = PatchMask(patches: 6, visible: [4, 1, 9])
        #expect(m.masked == [true, false, true, true, false, true])
        #expect(m.visibleCount == 2 && m.ratio == 4.0 / 6.0)
        var ids = [Int](repeating: -1, count: 6)
        m.writeShuffle(into: &ids)
        #expect(ids == [1, 4, 0, 2, 3, 5])
        #expect(PatchMask.all(patches: 4).visibleCount == 0 && PatchMask.none(patches: 4).ratio == 0)
    }
}
