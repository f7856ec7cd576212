/// Validation of a safetensors header against the real file: every claim (header length,
/// dtypes, shapes, offsets) is checked before it is used, and the tensors must tile the data
/// area exactly, with no gaps and no overlaps, as the format requires.
extension SafeTensors {
    static func parseHeader(_ file: MappedFile) throws(CheckpointError) -> ([String: String], [Entry], Int) {
        let path = file.path
        func malformed(_ reason: String) -> CheckpointError { .malformed(path: path, reason: "not a valid safetensors file: " + reason) }

        guard file.count >= 8 else {
            throw malformed("\(file.count) bytes is too short for the 8-byte header length")
        }
        let claimed = UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        if claimed > UInt64(maxHeaderBytes) {
            throw malformed("header length \(claimed) bytes is over the \(maxHeaderBytes / 1_000_000) MB limit")
        }
        let headerBytes = Int(claimed)
        if headerBytes > file.count - 8 {
            throw malformed("header length \(headerBytes) runs past the end of the file (\(file.count) bytes)")
        }
        let dataStart = 8 + headerBytes
        let dataSize = file.count - dataStart

        let json: JSONValue
        do {
            json = try JSONValue.parse(file.slice(8, headerBytes)!)
        } catch {
            throw malformed("header is not valid JSON (\(error.reason) at byte \(8 + error.offset))")
        }
        guard case .object(let pairs) = json else { throw malformed("header is not a JSON object") }
        try checkTensorCount(pairs.count(where: { $0.0 != "__metadata__" }), path: path)

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in pairs {
            if name == "__metadata__" {
                guard case .object(let meta) = value else { throw malformed("__metadata__ is not an object of strings") }
                for (k, v) in meta {
                    guard case .string(let s) = v else { throw malformed("__metadata__ value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try entry(name, value, dataSize: dataSize, path: path))
        }
        try checkCoverage(entries, dataSize: dataSize, path: path)
        return (metadata, entries, dataStart)
    }

    private static func entry(_ name: String, _ value: JSONValue, dataSize: Int, path: String) throws(CheckpointError) -> Entry {
        func bad(_ reason: String) -> CheckpointError { .badTensor(path: path, tensor: name, reason: reason) }
        guard case .object = value else { throw bad("entry is not a JSON object") }
        guard let dtypeValue = value["dtype"] else { throw bad("entry has no dtype") }
        guard let shapeValue = value["shape"] else { throw bad("entry has no shape") }
        guard let offsetsValue = value["data_offsets"] else { throw bad("entry has no data_offsets") }

        guard case .string(let dtypeName) = dtypeValue else { throw bad("dtype is not a string") }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            throw bad("unknown dtype '\(dtypeName)' (maex reads \(TensorDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        guard case .array(let dims) = shapeValue else { throw bad("shape is not an array") }
        var shape: [Int] = []
        for d in dims {
            guard case .integer(let v) = d else { throw bad("shape has a non-integer dimension") }
            if v < 0 { throw bad("negative dimension \(v) in shape") }
            shape.append(Int(v))
        }
        // Bounded before any product of the dimensions is taken: it cannot overflow.
        guard let count = elementCount(shape) else {
            throw bad("shape \(CheckpointError.format(shape)) is impossibly large (more than \(maxTensorElements) elements)")
        }

        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
              case .integer(let begin64) = offsets[0], case .integer(let end64) = offsets[1] else {
            throw bad("data_offsets is not a pair of integers")
        }
        if begin64 < 0 || end64 < begin64 {
            throw bad("data_offsets [\(begin64), \(end64)] are not an increasing pair")
        }
        if end64 > Int64(dataSize) {
            throw bad("data_offsets [\(begin64), \(end64)] lie outside the data area of \(dataSize) bytes")
        }
        let begin = Int(begin64), end = Int(end64)
        let needed = count * dtype.size
        if needed != end - begin {
            throw bad("shape \(CheckpointError.format(shape)) of \(dtype.rawValue) needs \(needed) bytes, data_offsets give \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// A header may list at most `maxTensors` tensors.
    static func checkTensorCount(_ count: Int, path: String) throws(CheckpointError) {
        if count > maxTensors {
            throw .malformed(path: path, reason: "not a valid safetensors file: the header lists \(count) tensors, "
                             + "more than the limit of \(maxTensors)")
        }
    }

    /// The tensors must cover the data area exactly once: sorted by start, each begins where the
    /// previous ended, and the last ends at the end of the file.
    private static func checkCoverage(_ entries: [Entry], dataSize: Int, path: String) throws(CheckpointError) {
        let sorted = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound)
        }
        var covered = 0
        var previous: Entry?
        for e in sorted {
            if e.byteRange.lowerBound < covered, let previous {
                throw .badTensor(path: path, tensor: e.name, reason:
                    "data_offsets [\(e.byteRange.lowerBound), \(e.byteRange.upperBound)] overlap tensor '\(previous.name)' "
                    + "[\(previous.byteRange.lowerBound), \(previous.byteRange.upperBound)]")
            }
            if e.byteRange.lowerBound > covered {
                throw .badTensor(path: path, tensor: e.name, reason:
                    "data_offsets [\(e.byteRange.lowerBound), \(e.byteRange.upperBound)] leave bytes \(covered)..<\(e.byteRange.lowerBound) "
                    + "of the data area unused (tensors must be contiguous)")
            }
            covered = e.byteRange.upperBound
            if !e.byteRange.isEmpty { previous = e }
        }
        if covered != dataSize {
            throw .malformed(path: path, reason: "not a valid safetensors file: the tensors cover \(covered) bytes of a "
                             + "\(dataSize)-byte data area (the file has trailing bytes)")
        }
    }
}
