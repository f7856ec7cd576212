/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of JSON `{"name": {"dtype", "shape", "data_offsets": [begin, end]},
/// "__metadata__": {string: string}}`, then the data area that the offsets index.
///
/// `read` validates the whole header against the real file size before any tensor is touched;
/// the data stay in the read-only mapping until a tensor is asked for.
public struct SafeTensors: Sendable {
    /// One tensor in a file being read: where its bytes lie in the data area.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: TensorDType
        public let shape: [Int]
        /// Byte range inside the data area (after the header).
        public let byteRange: Range<Int>
        /// Elements, the product of `shape` (1 for a scalar).
        public var count: Int { shape.reduce(1, *) }
    }

    /// One tensor to write: raw little-endian bytes of `dtype`, row-major.
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dtype: TensorDType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// Floats stored as F32 (exact), F16 or BF16 (rounded to nearest even); other dtypes store F32.
        public init(name: String, shape: [Int], floats: [Float], storage: TensorDType = .f32) {
            let dtype: TensorDType = storage == .f16 || storage == .bf16 ? storage : .f32
            var bytes = [UInt8](repeating: 0, count: floats.count * dtype.size)
            bytes.withUnsafeMutableBytes { out in
                floats.withUnsafeBufferPointer { SafeTensors.encode($0, as: dtype, into: out.baseAddress!) }
            }
            self.init(name: name, dtype: dtype, shape: shape, bytes: bytes)
        }

        /// 64-bit integers (I64), such as ids_restore.
        public init(name: String, shape: [Int], int64s: [Int64]) {
            var bytes = [UInt8](repeating: 0, count: int64s.count * 8)
            bytes.withUnsafeMutableBytes { out in
                for (i, v) in int64s.enumerated() { out.storeBytes(of: v.littleEndian, toByteOffset: 8 * i, as: Int64.self) }
            }
            self.init(name: name, dtype: .i64, shape: shape, bytes: bytes)
        }
    }

    /// The largest header accepted, as the reference implementation's limit.
    public static let maxHeaderBytes = 100_000_000
    /// The most tensors one file may list. A ViT-H/14 MAE has about 500 and the largest
    /// Hugging Face shards a few thousand; the 100 MB header could otherwise list two million.
    public static let maxTensors = 100_000
    /// The most elements one tensor may have, in either checkpoint format: 2^41 (8 TiB as F32),
    /// far past any real tensor, and small enough that bytes = elements × 8 cannot overflow.
    public static let maxTensorElements = 1 << 41

    public let path: String
    public let metadata: [String: String]
    /// Tensors in the order the header lists them.
    public let entries: [Entry]
    private let index: [String: Int]
    private let file: MappedFile
    /// Offset of the data area in the file: 8 + N.
    private let dataStart: Int

    public var names: [String] { entries.map(\.name) }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// A tensor's values converted to Float, whatever its stored dtype.
    public func floats(_ name: String) throws(CheckpointError) -> [Float] {
        let e = try require(name)
        return [Float](unsafeUninitializedCapacity: e.count) { buffer, initialized in
            decode(e, into: buffer.baseAddress!)
            initialized = e.count
        }
    }

    /// Converts a tensor's values into `out`, which must hold exactly its element count.
    public func floats(_ name: String, into out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) {
        let e = try require(name)
        guard out.count == e.count else {
            throw .badTensor(path: path, tensor: name, reason: "holds \(e.count) values, \(out.count) expected")
        }
        if let base = out.baseAddress { decode(e, into: base) }
    }

    /// A tensor's values as 64-bit integers (integer dtypes exactly; floats truncated).
    public func int64s(_ name: String) throws(CheckpointError) -> [Int64] {
        let e = try require(name)
        guard e.count > 0, let base = file.bytes.baseAddress else { return [] }
        return e.dtype.decodeIntegers(base + dataStart + e.byteRange.lowerBound, count: e.count)
    }

    /// Gives back the memory of a tensor's bytes after they have been converted (see
    /// `MappedFile.release`).
    func releasePages(of name: String) {
        guard let e = entry(name), let slice = file.slice(dataStart + e.byteRange.lowerBound, e.byteRange.count) else { return }
        file.release(slice)
    }

    private func require(_ name: String) throws(CheckpointError) -> Entry {
        guard let e = entry(name) else {
            throw .badTensor(path: path, tensor: name, reason: "not in the file")
        }
        return e
    }

    private func decode(_ e: Entry, into out: UnsafeMutablePointer<Float>) {
        guard e.count > 0, let base = file.bytes.baseAddress else { return }
        e.dtype.decode(base + dataStart + e.byteRange.lowerBound, count: e.count, into: out)
    }

    /// Stores Floats as F32, F16 or BF16 little-endian bytes at `out`.
    static func encode(_ values: UnsafeBufferPointer<Float>, as dtype: TensorDType, into out: UnsafeMutableRawPointer) {
        if dtype == .f16 {
            for (i, v) in values.enumerated() {
                out.storeBytes(of: Float16(v).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        } else if dtype == .bf16 {
            // Round to nearest even on the upper 16 bits; NaN stays a (quiet) NaN.
            for (i, v) in values.enumerated() {
                let bits = v.bitPattern
                let rounded = v.isNaN ? (bits >> 16) | 0x40 : (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
                out.storeBytes(of: UInt16(truncatingIfNeeded: rounded).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        } else if let base = values.baseAddress {
            out.copyMemory(from: base, byteCount: values.count * 4)
        }
    }

    // MARK: reading

    public static func read(path: String) throws(CheckpointError) -> SafeTensors {
        let file = try MappedFile(path: path)
        let (metadata, entries, dataStart) = try parseHeader(file)
        return SafeTensors(path: path, metadata: metadata, entries: entries,
                           index: Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) }),
                           file: file, dataStart: dataStart)
    }

    private init(path: String, metadata: [String: String], entries: [Entry], index: [String: Int],
                 file: MappedFile, dataStart: Int) {
        self.path = path
        self.metadata = metadata
        self.entries = entries
        self.index = index
        self.file = file
        self.dataStart = dataStart
    }
}
