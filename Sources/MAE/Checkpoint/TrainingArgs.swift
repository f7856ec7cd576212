/// What the authors' `main_pretrain.py` saves beside the weights of a `checkpoint-N.pth`: the
/// epoch and the run's arguments, an argparse.Namespace (`model` such as
/// `mae_vit_large_patch16`, `input_size`, `mask_ratio`, `norm_pix_loss`, `epochs`, …), read as
/// plain data by the restricted unpickler.
public struct TrainingArgs: Equatable, Sendable {
    /// The epoch the checkpoint was saved after (its "epoch" entry).
    public var epoch: Int?
    /// `args.model`: the name of the model function in the authors' models_mae.py.
    public var model: String?
    public var inputSize: Int?
    public var maskRatio: Double?
    public var normPixLoss: Bool?
    /// `args.epochs`: the planned length of the run.
    public var epochs: Int?
    public var batchSize: Int?
    public var accumIter: Int?
    /// Every field of the namespace that is a number, a string or a bool, as Python prints it.
    public var fields: [String: String] = [:]

    public init(epoch: Int? = nil, model: String? = nil, inputSize: Int? = nil, maskRatio: Double? = nil,
                normPixLoss: Bool? = nil, epochs: Int? = nil) {
        self.epoch = epoch
        self.model = model
        self.inputSize = inputSize
        self.maskRatio = maskRatio
        self.normPixLoss = normPixLoss
        self.epochs = epochs
    }

    /// The authors' three models by the names of their functions in models_mae.py.
    public static let authorsModels: [String: MAEPreset] = [
        "mae_vit_base_patch16": .base, "mae_vit_large_patch16": .large, "mae_vit_huge_patch14": .huge,
    ]

    /// The preset `model` names, if it is one of the authors' three.
    public var preset: MAEPreset? { model.flatMap { Self.authorsModels[$0] } }

    /// The largest count read from the args (epoch, input_size, epochs, batch_size, accum_iter):
    /// a value outside 0 (1 for sizes) … 2³¹ − 1, or a mask_ratio outside 0 … 1, is left unread,
    /// so that nothing computed from it (a mask's patch count, an ETA) can overflow.
    public static let maxCount = Int(Int32.max)

    /// The args and epoch of the checkpoint at `path`; nil for a file that has neither (a bare
    /// state dict, a safetensors file). Reading them loads no weights.
    public static func read(path: String) throws(CheckpointError) -> TrainingArgs? {
        guard (try? MappedFile(path: path)).map({ f in withExtendedLifetime(f) { f.slice(0, 2).map(Array.init) == [0x50, 0x4B] } }) == true
        else { return nil }
        let archive = try PthArchive.read(path: path)
        guard case .dict(let top) = archive.root else { return nil }
        var args = TrainingArgs()
        func count(_ value: PickleValue?, from lowest: Int) -> Int? {
            value?.intValue.flatMap { (lowest...maxCount).contains($0) ? $0 : nil }
        }
        args.epoch = count(top["epoch"], from: 0)
        guard case .dict(let ns)? = top["args"], ns.isNamespace else { return args.epoch == nil ? nil : args }
        func double(_ key: String) -> Double? {
            switch ns[key] {
            case .float(let v)?: v
            case .int(let v)?: Double(v)
            default: nil
            }
        }
        args.model = ns["model"]?.stringValue
        args.inputSize = count(ns["input_size"], from: 1)
        args.maskRatio = double("mask_ratio").flatMap { (0...1).contains($0) ? $0 : nil }
        if case .bool(let b)? = ns["norm_pix_loss"] { args.normPixLoss = b }
        args.epochs = count(ns["epochs"], from: 1)
        args.batchSize = count(ns["batch_size"], from: 1)
        args.accumIter = count(ns["accum_iter"], from: 1)
        for (key, value) in ns.pairs {
            guard let name = key.stringValue else { continue }
            switch value {
            case .bool(let b): args.fields[name] = b ? "True" : "False"
            case .int(let v): args.fields[name] = String(v)
            case .float(let v): args.fields[name] = String(v)
            case .string(let s): args.fields[name] = "'\(s)'"
            case .none: args.fields[name] = "None"
            default: continue
            }
        }
        return args
    }
}
