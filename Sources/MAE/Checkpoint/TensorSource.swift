/// The tensors of a checkpoint file, whatever its format: names and shapes up front (from the
/// safetensors header or the unpickled state dict), values converted to Float on request.
struct TensorSource {
    let path: String
    /// (name, shape) in the file's order.
    let shapes: [(name: String, shape: [Int])]
    /// safetensors metadata (empty for .pth).
    let metadata: [String: String]
    private let reader: (String, UnsafeMutableBufferPointer<Float>) throws(CheckpointError) -> Void

    func floats(_ name: String, into out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) {
        try reader(name, out)
    }

    func shape(_ name: String) -> [Int]? { shapes.first { $0.name == name }?.shape }

    /// Opens a checkpoint by its content, not its extension: zip archives (`PK\3\4`) are PyTorch
    /// files, anything else must be safetensors.
    static func open(path: String) throws(CheckpointError) -> TensorSource {
        let file = try MappedFile(path: path)
        // Copy the bytes while the mapping is certainly alive.
        let magic = withExtendedLifetime(file) { file.slice(0, 4).map { Array($0) } ?? [] }
        if magic == [0x50, 0x4B, 0x03, 0x04] || magic == PthArchive.legacyMagic { return try pth(path) }
        return try safetensors(path)
    }

    static func safetensors(_ path: String) throws(CheckpointError) -> TensorSource {
        let st = try SafeTensors.read(path: path)
        return TensorSource(path: path, shapes: st.entries.map { ($0.name, $0.shape) }, metadata: st.metadata) {
            (name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            try st.floats(name, into: out)
        }
    }

    static func pth(_ path: String) throws(CheckpointError) -> TensorSource {
        let archive = try PthArchive.read(path: path)
        var tensors = try archive.stateDict()
        // A state dict saved from DistributedDataParallel prefixes every name with "module.".
        if tensors.allSatisfy({ $0.name.hasPrefix("module.") }) {
            tensors = tensors.map { (String($0.name.dropFirst("module.".count)), $0.tensor) }
        }
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        return TensorSource(path: path, shapes: tensors.map { ($0.name, $0.tensor.shape) }, metadata: [:]) {
            (name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            guard let t = byName[name] else { throw .badTensor(path: path, tensor: name, reason: "not in the file") }
            try archive.floats(name, t, into: out)
        }
    }

    /// Names and shapes alone (values cannot be read): for checking configs against shapes.
    init(path: String, shapes: [(name: String, shape: [Int])]) {
        self.init(path: path, shapes: shapes, metadata: [:]) { (name: String, _: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            throw .badTensor(path: path, tensor: name, reason: "has no values here")
        }
    }

    private init(path: String, shapes: [(name: String, shape: [Int])], metadata: [String: String],
                 reader: @escaping (String, UnsafeMutableBufferPointer<Float>) throws(CheckpointError) -> Void) {
        self.path = path
        self.shapes = shapes
        self.metadata = metadata
        self.reader = reader
    }
}
