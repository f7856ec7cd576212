/// The tensors of a checkpoint file, whatever its format: names and shapes up front (from the
/// safetensors header or the unpickled state dict), values converted to Float on request (each
/// tensor's file pages given back once converted, so a load keeps one copy of the weights).
struct TensorSource {
    let path: String
    /// (name, shape) in the file's order.
    let shapes: [(name: String, shape: [Int])]
    /// safetensors metadata (empty for .pth).
    let metadata: [String: String]
    /// Each tensor's stored element type ("F32", "BF16"; a .pth storage maex does not read by its
    /// class name).
    var dtypes: [String: String] = [:]
    /// Entries of a pickle beside the state dict (empty for safetensors).
    var skipped: [SkippedEntry] = []
    /// The authors' `args` of a `checkpoint-N.pth`, as text (empty otherwise).
    var arguments: [String: String] = [:]
    /// "safetensors" or "pytorch".
    var format = "safetensors"
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
        var source = TensorSource(path: path, shapes: st.entries.map { ($0.name, $0.shape) }, metadata: st.metadata) {
            (name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            try st.floats(name, into: out)
            st.releasePages(of: name)
        }
        source.dtypes = Dictionary(st.entries.map { ($0.name, $0.dtype.rawValue) }, uniquingKeysWith: { a, _ in a })
        return source
    }

    static func pth(_ path: String) throws(CheckpointError) -> TensorSource {
        let archive = try PthArchive.read(path: path)
        var tensors = try archive.stateDict()
        // A state dict saved from DistributedDataParallel prefixes every name with "module.".
        if tensors.allSatisfy({ $0.name.hasPrefix("module.") }) {
            tensors = tensors.map { (String($0.name.dropFirst("module.".count)), $0.tensor) }
        }
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        var source = TensorSource(path: path, shapes: tensors.map { ($0.name, $0.tensor.shape) }, metadata: [:]) {
            (name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            guard let t = byName[name] else { throw .badTensor(path: path, tensor: name, reason: "not in the file") }
            try archive.floats(name, t, into: out)
        }
        source.dtypes = byName.mapValues { $0.storage.dtype?.rawValue ?? $0.storage.typeName }
        source.skipped = archive.skippedEntries
        source.arguments = archive.arguments
        source.format = "pytorch"
        return source
    }

    /// The same file seen under other names: `shapes` are the new names, and `read(name, out)`
    /// fills a new name's values from the file (several tensors, or none, may make one).
    func renamed(shapes: [(name: String, shape: [Int])], dtypes: [String: String],
                 read: @escaping (TensorSource, String, UnsafeMutableBufferPointer<Float>) throws(CheckpointError) -> Void)
        -> TensorSource {
        let original = self
        var source = TensorSource(path: path, shapes: shapes, metadata: metadata) {
            (name: String, out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            try read(original, name, out)
        }
        source.dtypes = dtypes
        source.skipped = skipped
        source.arguments = arguments
        source.format = format
        return source
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
