/// Owns the raw Float and Int buffers of one workspace and frees them together: activations are
/// allocated once per shape, then only read and written.
final class BufferPool {
    private var floats: [UnsafeMutablePointer<Float>] = []
    private var ints: [UnsafeMutablePointer<Int>] = []
    private(set) var bytes = 0

    /// `count` zeroed Floats (at least one, so an empty shape still has a valid address).
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 1)
        let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
        p.initialize(repeating: 0, count: n)
        floats.append(p)
        bytes += n * MemoryLayout<Float>.stride
        return p
    }

    func ints(_ count: Int) -> UnsafeMutablePointer<Int> {
        let n = max(count, 1)
        let p = UnsafeMutablePointer<Int>.allocate(capacity: n)
        p.initialize(repeating: 0, count: n)
        ints.append(p)
        bytes += n * MemoryLayout<Int>.stride
        return p
    }

    deinit {
        for p in floats { p.deallocate() }
        for p in ints { p.deallocate() }
    }
}
