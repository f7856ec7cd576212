/// The Masked Autoencoder: one flat parameter buffer in the authors' state-dict layout
/// (`ParameterTable`), plus activation workspaces reused across calls of the same shape.
///
/// Not thread-safe: one caller at a time (the trainer thread, or a reconstruction worker on its
/// own `copy()`).
public final class MAEModel: @unchecked Sendable {
    public let config: MAEConfig
    public let table: ParameterTable
    /// table.count values, every tensor in PyTorch layout; freed in deinit, so valid only while
    /// the model is: `Array(model.copy().parameters)` may read freed memory (the copy can go
    /// before the array is made), `weights()` cannot.
    public let parameters: UnsafeMutableBufferPointer<Float>

    let layout: ModelLayout
    /// The most recently used workspaces, newest last: a trainer's batch and an occasional
    /// batch-1 preview do not evict each other.
    private var workspaces: [Workspace] = []
    private static let workspaceLimit = 2

    /// Zeros everywhere but the fixed sin-cos position embeddings (a model to load weights into).
    public init(config: MAEConfig) throws(MAEConfigError) {
        try config.validate()
        self.config = config
        table = ParameterTable(config: config)
        layout = ModelLayout(table: table, config: config)
        parameters = .allocate(capacity: table.count)
        parameters.initialize(repeating: 0)
        for name in ["pos_embed", "decoder_pos_embed"] {
            guard let entry = table[name] else { continue }
            let width = name == "pos_embed" ? config.embedDim : config.decoderEmbedDim
            copyPositionEmbedding(parameters, entry, width: width, gridSize: config.gridSize)
        }
    }

    /// Initialised from scratch as the authors' code does, from the project's seeded generator.
    public convenience init(config: MAEConfig, seed: UInt64) throws(MAEConfigError) {
        try self.init(config: config)
        initialiseParameters(parameters, table: table, config: config, seed: seed)
    }

    deinit {
        parameters.deallocate()
    }

    /// The slice of `parameters` that holds the tensor `name` (an authors' state-dict name that
    /// the table holds; asking for another is a programming error).
    public func tensor(_ name: String) -> UnsafeMutableBufferPointer<Float> {
        guard let entry = table[name] else {
            preconditionFailure("MAEModel has no tensor named \(name)")
        }
        return UnsafeMutableBufferPointer(rebasing: parameters[entry.range])
    }

    /// The weights as an array (a copy made while the model is certainly alive).
    public func weights() -> [Float] {
        Array(parameters)
    }

    /// A snapshot of the weights in a new model (no workspaces are shared).
    public func copy() -> MAEModel {
        // The config validated once already; it cannot fail now.
        let other = try! MAEModel(config: config)
        other.parameters.baseAddress!.update(from: parameters.baseAddress!, count: table.count)
        return other
    }

    /// The workspace for this shape, allocated on first use and kept for the next call.
    /// (Plain index loops here and in the passes: the generic collection algorithms allocate in
    /// unoptimised builds, and a step must not allocate in any build.)
    func workspace(batch: Int, keep: Int) -> Workspace {
        for i in 0..<workspaces.count where workspaces[i].batch == batch && workspaces[i].keep == keep {
            let w = workspaces.remove(at: i)
            workspaces.append(w)
            return w
        }
        let w = Workspace(config: config, batch: batch, keep: keep)
        if workspaces.count >= Self.workspaceLimit { workspaces.removeFirst() }
        workspaces.append(w)
        return w
    }
}
