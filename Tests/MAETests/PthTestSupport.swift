@testable import MAE

/// Builds PyTorch-style archives byte by byte, so each malformed .pth class can be made inside a
/// test: a zip writer (stored entries, or any method number to fake compression) and a pickle
/// writer with the opcodes torch.save uses.
enum PthTestSupport {
    struct ZipEntry {
        var name: String
        var data: [UInt8]
        var method: UInt16 = 0
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// A zip of stored entries. With `zip64`, the central directory saturates every size and
    /// offset and carries the real values in ZIP64 extra fields and end records, as writers do
    /// past 4 GB (here on a small archive, so the test stays small).
    static func zip(_ entries: [ZipEntry], zip64: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        let saturated = UInt32.max
        for e in entries {
            let offset = out.count
            let name = Array(e.name.utf8)
            let crc = e.data.withUnsafeBytes { crc32($0) }
            let head: [UInt8] = le(UInt16(0)) + le(e.method) + le(UInt16(0)) + le(UInt16(0)) + le(crc)
            let sizes = le(UInt32(e.data.count)) + le(UInt32(e.data.count))
            out += le(UInt32(0x0403_4b50)) + le(UInt16(20)) + head + sizes + le(UInt16(name.count)) + le(UInt16(0)) + name + e.data
            let extra: [UInt8] = zip64 ? le(UInt16(1)) + le(UInt16(24)) + le(UInt64(e.data.count)) + le(UInt64(e.data.count))
                + le(UInt64(offset)) : []
            central += le(UInt32(0x0201_4b50)) + le(UInt16(45)) + le(UInt16(45)) + head
                + (zip64 ? le(saturated) + le(saturated) : sizes) + le(UInt16(name.count)) + le(UInt16(extra.count))
                + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0))
                + (zip64 ? le(saturated) : le(UInt32(offset))) + name + extra
        }
        let cdOffset = out.count
        out += central
        if zip64 {
            let record = out.count
            out += le(UInt32(0x0606_4b50)) + le(UInt64(44)) + le(UInt16(45)) + le(UInt16(45)) + le(UInt32(0)) + le(UInt32(0))
                + le(UInt64(entries.count)) + le(UInt64(entries.count)) + le(UInt64(central.count)) + le(UInt64(cdOffset))
            out += le(UInt32(0x0706_4b50)) + le(UInt32(0)) + le(UInt64(record)) + le(UInt32(1))
            out += le(UInt32(0x0605_4b50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16.max) + le(UInt16.max)
                + le(saturated) + le(saturated) + le(UInt16(0))
        } else {
            out += le(UInt32(0x0605_4b50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(entries.count)) + le(UInt16(entries.count))
                + le(UInt32(central.count)) + le(UInt32(cdOffset)) + le(UInt16(0))
        }
        return out
    }

    struct Pickle {
        var bytes: [UInt8] = [0x80, 2]

        mutating func op(_ b: UInt8) { bytes.append(b) }
        mutating func string(_ s: String) { op(0x58); bytes += le(UInt32(s.utf8.count)) + Array(s.utf8) }
        /// BININT, or LONG1 for a value outside Int32.
        mutating func int(_ v: Int) {
            if let small = Int32(exactly: v) { op(0x4A); bytes += le(small); return }
            op(0x8A); op(8); bytes += le(Int64(v))
        }
        /// BINFLOAT (big-endian, as pickle stores it).
        mutating func float(_ v: Double) { op(0x47); bytes += withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        mutating func global(_ module: String, _ name: String) { op(0x63); bytes += Array("\(module)\n\(name)\n".utf8) }
        mutating func tuple(_ ints: [Int]) { op(0x28); for v in ints { int(v) }; op(0x74) }
        mutating func mark() { op(0x28) }
        mutating func stop() { op(0x2E) }

        /// `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, shape, stride, False, OrderedDict())`.
        mutating func tensor(key: String, type: String = "FloatStorage", numel: Int, offset: Int = 0,
                             shape: [Int], stride: [Int]? = nil) {
            global("torch._utils", "_rebuild_tensor_v2")
            mark()
            mark(); string("storage"); global("torch", type); string(key); string("cpu"); int(numel); op(0x74)
            op(0x51)                                        // BINPERSID
            int(offset)
            tuple(shape)
            tuple(stride ?? contiguousStride(shape))
            op(0x89)                                        // NEWFALSE
            global("collections", "OrderedDict"); op(0x29); op(0x52)
            op(0x74)
            op(0x52)                                        // REDUCE
        }

        /// `{name: tensor, ...}` built by `entries`, as the top-level object.
        static func stateDict(_ entries: (inout Pickle) -> Void) -> [UInt8] {
            var p = Pickle()
            p.op(0x7D)
            p.mark()
            entries(&p)
            p.op(0x75)
            p.stop()
            return p.bytes
        }
    }

    static func contiguousStride(_ shape: [Int]) -> [Int] {
        var stride = [Int](repeating: 1, count: shape.count)
        var step = 1
        for k in shape.indices.reversed() { stride[k] = step; step = step &* shape[k] }
        return stride
    }

    /// The offset of the first central-directory header of `zip` (of its first entry).
    static func centralDirectory(_ zip: [UInt8]) -> Int {
        (0..<(zip.count - 4)).first { zip[$0] == 0x50 && zip[$0 + 1] == 0x4B && zip[$0 + 2] == 1 && zip[$0 + 3] == 2 }!
    }

    /// `zip` with `value` written little-endian at `offset`.
    static func patched<T: FixedWidthInteger>(_ zip: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
        var out = zip
        out.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: le(value))
        return out
    }

    static func floats(_ values: [Float]) -> [UInt8] { values.flatMap { le($0.bitPattern) } }

    /// A complete archive: `archive/data.pkl`, `archive/byteorder` and `archive/data/<key>` storages.
    static func archive(pickle: [UInt8], storages: [String: [UInt8]], pickleMethod: UInt16 = 0, zip64: Bool = false) -> [UInt8] {
        var entries = [ZipEntry(name: "archive/data.pkl", data: pickle, method: pickleMethod),
                       ZipEntry(name: "archive/byteorder", data: Array("little".utf8))]
        for (key, data) in storages.sorted(by: { $0.key < $1.key }) {
            entries.append(ZipEntry(name: "archive/data/\(key)", data: data))
        }
        return zip(entries, zip64: zip64)
    }
}
