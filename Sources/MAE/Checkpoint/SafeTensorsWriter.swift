/// Writing safetensors files: the header lists `__metadata__` first and then the tensors in
/// the order their bytes follow; the header is padded with spaces so the data area starts on an
/// 8-byte boundary, and tensors are laid out widest element first (stable otherwise) so every
/// tensor is aligned to its element size, as the reference writer does.
extension SafeTensors {
    /// What the header says about one tensor; the bytes come later, from the caller.
    struct Layout {
        var name: String
        var dtype: TensorDType
        var shape: [Int]
        var byteCount: Int { shape.reduce(1, *) * dtype.size }
    }

    /// Atomically writes `tensors` and `metadata` to `path`.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to path: String) throws(CheckpointError) {
        for t in tensors where t.bytes.count != t.shape.reduce(1, *) * t.dtype.size {
            throw .badTensor(path: path, tensor: t.name, reason:
                "\(t.bytes.count) bytes given for shape \(CheckpointError.format(t.shape)) of \(t.dtype.rawValue)")
        }
        let layouts = tensors.map { Layout(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
        try write(layouts, metadata: metadata, to: path) { (i: Int, sink: inout AtomicFile.Sink) throws(CheckpointError) in
            try sink.write(tensors[i].bytes)
        }
    }

    /// Streams a file: `body(i, sink)` must write exactly the bytes of `layouts[i]`; it is called
    /// in file order, which may differ from the order given (widest dtype first).
    static func write(_ layouts: [Layout], metadata: [String: String], to path: String,
                      body: (Int, inout AtomicFile.Sink) throws(CheckpointError) -> Void) throws(CheckpointError) {
        var seen = Set<String>()
        for l in layouts {
            if l.name == "__metadata__" || l.name.isEmpty {
                throw .badTensor(path: path, tensor: l.name, reason: "is not a valid tensor name")
            }
            if !seen.insert(l.name).inserted { throw .badTensor(path: path, tensor: l.name, reason: "appears twice") }
            if l.shape.contains(where: { $0 < 0 }) {
                throw .badTensor(path: path, tensor: l.name, reason: "negative dimension in shape \(CheckpointError.format(l.shape))")
            }
        }
        let order = layouts.indices.sorted { (layouts[$0].dtype.size, $1) > (layouts[$1].dtype.size, $0) }
        let header = headerBytes(layouts, order: order, metadata: metadata)
        try AtomicFile.write(to: path) { (sink: inout AtomicFile.Sink) throws(CheckpointError) in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { (b) throws(CheckpointError) in try sink.write(b) }
            try sink.write(header)
            for i in order {
                let before = sink.count
                try body(i, &sink)
                if sink.count - before != layouts[i].byteCount {
                    throw .badTensor(path: path, tensor: layouts[i].name,
                                     reason: "wrote \(sink.count - before) bytes, the header promised \(layouts[i].byteCount)")
                }
            }
        }
    }

    /// The JSON header, padded with spaces to a multiple of 8 bytes after the length word.
    static func headerBytes(_ layouts: [Layout], order: [Int], metadata: [String: String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.sorted { $0.key < $1.key }.map { JSONValue.quote($0.key) + ":" + JSONValue.quote($0.value) }
            parts.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        for i in order {
            let l = layouts[i]
            let shape = l.shape.map(String.init).joined(separator: ",")
            parts.append(JSONValue.quote(l.name) + ":{\"dtype\":\"\(l.dtype.rawValue)\",\"shape\":[\(shape)],"
                         + "\"data_offsets\":[\(offset),\(offset + l.byteCount)]}")
            offset += l.byteCount
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }
}
