import Testing
@testable import Explorer

@Suite struct ColorPairTableTests {
    typealias C = ColorPairTable.Colors

    @Test func sameColoursShareAPair() {
        var t = ColorPairTable(capacity: 16)
        let a = t.acquire(C(fg: 1, bg: 2))!, b = t.acquire(C(fg: 1, bg: 2))!
        #expect(a.pair == b.pair && a.define && !b.define)
        #expect(t.references(a.pair) == 2)
        #expect(a.pair != 0)
    }

    /// A pair is reused only when no cell uses it, and comes back without redefinition while
    /// nobody else took it.
    @Test func reuseOnlyUnusedPairs() {
        var t = ColorPairTable(capacity: 4)  // pairs 1, 2, 3
        let p1 = t.acquire(C(fg: 1, bg: 1))!.pair
        let p2 = t.acquire(C(fg: 2, bg: 2))!.pair
        let p3 = t.acquire(C(fg: 3, bg: 3))!.pair
        #expect(Set([p1, p2, p3]).count == 3)
        #expect(t.acquire(C(fg: 4, bg: 4)) == nil)  // all in use
        t.release(p2)
        let revived = t.acquire(C(fg: 2, bg: 2))!
        #expect(revived.pair == p2 && !revived.define)
        t.release(p2)
        let fresh = t.acquire(C(fg: 4, bg: 4))!
        #expect(fresh.pair == p2 && fresh.define)
        #expect(t.colors(of: p2) == C(fg: 4, bg: 4))
        // The old colours are forgotten: asking for them needs a free pair again.
        #expect(t.acquire(C(fg: 2, bg: 2)) == nil)
        t.release(p1)
        #expect(t.acquire(C(fg: 2, bg: 2))!.pair == p1)
    }

    /// Many more allocations than pairs, as a long session makes: never fails while the cells
    /// on screen need fewer pairs than exist (alloc_pair in ncurses 6.4 stops after 65,536).
    @Test func survivesLongSessions() {
        var t = ColorPairTable(capacity: 64)
        var onScreen: [Int] = []
        for i in 0..<100_000 {
            if onScreen.count == 40 { t.release(onScreen.removeFirst()) }
            guard let p = t.acquire(C(fg: Int32(i % 997), bg: Int32(i % 101))) else {
                Issue.record("allocation \(i) failed with \(t.inUse) in use")
                return
            }
            onScreen.append(p.pair)
        }
        #expect(t.inUse <= 40)
    }
}
