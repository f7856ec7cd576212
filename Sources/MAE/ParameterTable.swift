/// The named slices of the one contiguous Float buffer that holds every tensor of a model, in
/// the order of the authors' PyTorch `state_dict()`, with the authors' names and shapes.
///
/// Parameters, gradients and AdamW's m and v all use this table, so a checkpoint is a copy of
/// each slice and the optimizer is one loop over the buffer. Tensors are stored exactly as in
/// PyTorch (row-major, `patch_embed.proj.weight` as [D, C, p, p]).
public struct ParameterTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        /// Index of the first value in the flat buffer.
        public let offset: Int
        /// Number of values, the product of `shape`.
        public let count: Int
        /// False for the fixed sin-cos position embeddings: stored, never optimised.
        public let trainable: Bool

        /// The authors' rule: no weight decay on 1-D tensors and biases. `cls_token` and
        /// `mask_token` are 3-D and so are decayed.
        public var decays: Bool { shape.count > 1 && !name.hasSuffix(".bias") }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public let entries: [Entry]
    /// Values in the whole buffer.
    public let count: Int
    private let index: [String: Int]

    public init(config c: MAEConfig) {
        let D = c.embedDim, Dd = c.decoderEmbedDim, L = c.numPatches, p = c.patchSize
        var list: [(String, [Int], Bool)] = [
            // The model's own parameters come first in a state dict, then its submodules'.
            ("cls_token", [1, 1, D], true),
            ("pos_embed", [1, L + 1, D], false),
            ("mask_token", [1, 1, Dd], true),
            ("decoder_pos_embed", [1, L + 1, Dd], false),
            ("patch_embed.proj.weight", [D, c.inChans, p, p], true),
            ("patch_embed.proj.bias", [D], true),
        ]
        func block(_ prefix: String, width: Int, hidden: Int) {
            list += [
                ("\(prefix).norm1.weight", [width], true),
                ("\(prefix).norm1.bias", [width], true),
                ("\(prefix).attn.qkv.weight", [3 * width, width], true),
                ("\(prefix).attn.qkv.bias", [3 * width], true),
                ("\(prefix).attn.proj.weight", [width, width], true),
                ("\(prefix).attn.proj.bias", [width], true),
                ("\(prefix).norm2.weight", [width], true),
                ("\(prefix).norm2.bias", [width], true),
                ("\(prefix).mlp.fc1.weight", [hidden, width], true),
                ("\(prefix).mlp.fc1.bias", [hidden], true),
                ("\(prefix).mlp.fc2.weight", [width, hidden], true),
                ("\(prefix).mlp.fc2.bias", [width], true),
            ]
        }
        for i in 0..<c.depth { block("blocks.\(i)", width: D, hidden: c.mlpHidden) }
        list += [
            ("norm.weight", [D], true),
            ("norm.bias", [D], true),
            ("decoder_embed.weight", [Dd, D], true),
            ("decoder_embed.bias", [Dd], true),
        ]
        for i in 0..<c.decoderDepth { block("decoder_blocks.\(i)", width: Dd, hidden: c.decoderMlpHidden) }
        list += [
            ("decoder_norm.weight", [Dd], true),
            ("decoder_norm.bias", [Dd], true),
            ("decoder_pred.weight", [c.patchDim, Dd], true),
            ("decoder_pred.bias", [c.patchDim], true),
        ]

        var entries: [Entry] = []
        var offset = 0
        for (name, shape, trainable) in list {
            let n = shape.reduce(1, *)
            entries.append(Entry(name: name, shape: shape, offset: offset, count: n, trainable: trainable))
            offset += n
        }
        self.entries = entries
        self.count = offset
        self.index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    public subscript(name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// Values that the optimizer updates (everything but the position embeddings).
    public var trainableCount: Int { entries.filter(\.trainable).reduce(0) { $0 + $1.count } }
}
