/// Element types of stored tensors, under the names the safetensors format uses.
public enum TensorDType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }

    /// Decodes `count` little-endian elements starting at `base` into Floats (integers convert
    /// exactly where Float can hold them). `base` needs no alignment.
    func decode(_ base: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            // Alignment-free copy; the host is little-endian like the format (x86-64, arm64).
            out.withMemoryRebound(to: UInt8.self, capacity: count * 4) { $0.update(from: base.assumingMemoryBound(to: UInt8.self), count: count * 4) }
        case .f16:
            for i in 0..<count {
                out[i] = Float(Float16(bitPattern: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            // bfloat16 is the upper half of a float32.
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .f64:
            for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
        case .i64:
            for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
        case .i32:
            for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        case .i16:
            for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        case .i8:
            for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: Int8.self)) }
        case .u8, .bool:
            for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: UInt8.self)) }
        }
    }

    /// Decodes integer (or integral float) elements into Int64.
    func decodeIntegers(_ base: UnsafeRawPointer, count: Int) -> [Int64] {
        (0..<count).map { i -> Int64 in
            switch self {
            case .i64: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
            case .i32: Int64(base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
            case .i16: Int64(base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
            case .i8: Int64(base.load(fromByteOffset: i, as: Int8.self))
            case .u8, .bool: Int64(base.load(fromByteOffset: i, as: UInt8.self))
            case .f64, .f32, .f16, .bf16:
                // Out-of-range or NaN floats must not trap: clamp through Double.
                Self.clampedInt64(Double(self.floatAt(base, i)))
            }
        }
    }

    private func floatAt(_ base: UnsafeRawPointer, _ i: Int) -> Float {
        var f: Float = 0
        decode(base + i * size, count: 1, into: &f)
        return f
    }

    private static func clampedInt64(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9.2e18 { return .max }
        if d <= -9.2e18 { return .min }
        return Int64(d.rounded(.towardZero))
    }
}

/// The elements of a tensor of `shape` (non-negative dimensions), or nil when there would be more
/// than `SafeTensors.maxTensorElements`. Zero dimensions count as ones in the bound, so that no
/// product of some of the dimensions, taken in any order, can overflow (a shape such as
/// [2^40, 2^40, 0] holds nothing, but `2^40 * 2^40` would trap).
func elementCount(_ shape: [Int]) -> Int? {
    var bound = 1, count = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (product, overflow) = bound.multipliedReportingOverflow(by: max(d, 1))
        if overflow || product > SafeTensors.maxTensorElements { return nil }
        bound = product
        count *= d
    }
    return count
}
