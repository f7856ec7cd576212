/// The explorer's own colour-pair numbers: a map (fg, bg) → pair, reference-counted by the
/// cells on screen. ncurses 6.4's alloc_pair is not an LRU and fails for good after 65,536
/// allocations, so pairs are handed out here and reused only when no cell uses them.
///
/// Pair 0 (the terminal's default colours) is never handed out; numbers run 1..<capacity.
public struct ColorPairTable: Sendable {
    public struct Colors: Hashable, Sendable {
        public var fg: Int32
        public var bg: Int32
        public init(fg: Int32, bg: Int32) { self.fg = fg; self.bg = bg }
    }

    public let capacity: Int
    private var pairOf: [Colors: Int] = [:]
    private var colorsOf: [Colors?]
    private var refs: [Int]
    private var nextFresh = 1
    /// Pairs whose count fell to zero, oldest first; they keep their colours (so the same
    /// colours come back without redefining) until someone needs a new pair.
    private var idle: [Int] = []
    private var idleHead = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        colorsOf = Array(repeating: nil, count: self.capacity)
        refs = Array(repeating: 0, count: self.capacity)
    }

    /// Pairs some cell uses now.
    public var inUse: Int { refs.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// The pair for these colours, counted once more. `define` is true when the caller must
    /// (re)define the pair in the terminal (init_extended_pair). nil when every pair is used.
    public mutating func acquire(_ c: Colors) -> (pair: Int, define: Bool)? {
        if let p = pairOf[c] {
            refs[p] += 1
            return (p, false)
        }
        var pair: Int?
        if nextFresh < capacity {
            pair = nextFresh
            nextFresh += 1
        } else {
            while idleHead < idle.count {
                let p = idle[idleHead]
                idleHead += 1
                if refs[p] == 0 { pair = p; break }  // entries revived since they went idle are skipped
            }
            if idleHead > 1024 && idleHead * 2 > idle.count {
                idle.removeFirst(idleHead)
                idleHead = 0
            }
        }
        guard let p = pair else { return nil }
        if let old = colorsOf[p] { pairOf[old] = nil }
        colorsOf[p] = c
        pairOf[c] = p
        refs[p] = 1
        return (p, true)
    }

    /// One cell stopped using `pair`.
    public mutating func release(_ pair: Int) {
        guard pair > 0, pair < capacity, refs[pair] > 0 else { return }
        refs[pair] -= 1
        if refs[pair] == 0 { idle.append(pair) }
    }

    public func references(_ pair: Int) -> Int { pair > 0 && pair < capacity ? refs[pair] : 0 }
    public func colors(of pair: Int) -> Colors? { pair > 0 && pair < capacity ? colorsOf[pair] : nil }

    /// Forgets every count (after the screen was cleared); definitions stay valid.
    public mutating func releaseAll() {
        for p in 1..<capacity where refs[p] > 0 {
            refs[p] = 0
            idle.append(p)
        }
    }
}
