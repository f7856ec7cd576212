import CKernels

/// Zeroes a large Float buffer (a gradient buffer before each step: 3 M values for tiny, 112 M
/// for base) in chunks on the kernel pool, so the other cores do not wait while one clears it.
public func zeroInParallel(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    PassThreads.begin()
    defer { PassThreads.end() }
    ck_zero(base, buffer.count)
}
