/// A PyTorch checkpoint in the zip format `torch.save` writes: `<name>/data.pkl` (a pickle whose
/// tensors point at storages by key) and `<name>/data/<key>` (each storage's raw little-endian
/// bytes). Reads the state dict at the top level or under "model" / "state_dict" (the authors'
/// `checkpoint-N.pth` keeps its weights under "model" beside optimizer, epoch, scaler and args).
struct PthArchive {
    let path: String
    let zip: ZipReader
    /// The archive's folder name, the part before `/data.pkl`.
    let prefix: String
    /// The whole unpickled object.
    let root: PickleValue

    /// Pickle protocol 2 and the start of the LONG1 magic number of pre-1.6 torch files; as a
    /// safetensors header length these bytes would exceed the 100 MB limit, so no clash.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A]

    /// The largest data.pkl read. torch.save pickles about 100 bytes a tensor (the authors'
    /// checkpoint-N.pth of ViT-L, weights and AdamW state, has a data.pkl of about 0.1 MB), so
    /// 16 MiB holds over 100,000 tensors, and bounds what unpickling can build to about a GB.
    static let maxPickleBytes = 16 << 20
    /// The largest byteorder entry read ("little" or "big").
    static let maxByteOrderBytes = 16

    static func read(path: String) throws(CheckpointError) -> PthArchive {
        let file = try MappedFile(path: path)
        if withExtendedLifetime(file, { file.slice(0, 4).map { Array($0) } }) == legacyMagic {
            throw .malformed(path: path, reason: "is a legacy (pre-1.6) PyTorch file, not the zip format; "
                             + "re-save it with a current torch.save")
        }
        let zip = try ZipReader(file: file)
        let pickles = zip.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard let pkl = pickles.first else {
            throw .malformed(path: path, reason: "is a zip archive without <name>/data.pkl: not a PyTorch checkpoint")
        }
        let prefix = String(pkl.name.dropLast("/data.pkl".count))
        if let order = zip.entry(prefix + "/byteorder") {
            let raw = try zip.data(order)
            guard raw.count <= maxByteOrderBytes else {
                throw .malformed(path: path, reason: "\(order.name) has \(raw.count) bytes, more than the \(maxByteOrderBytes) "
                                 + "of \"little\" or \"big\"")
            }
            let text = String(decoding: raw, as: UTF8.self)
            if text != "little" {
                throw .malformed(path: path, reason: "stores tensors in '\(text)' byte order; maex reads little-endian only")
            }
        }
        guard pkl.size <= maxPickleBytes else {
            throw .malformed(path: path, reason: "\(pkl.name) has \(pkl.size) bytes, more than the limit of "
                             + "\(maxPickleBytes >> 20) MiB for a pickle of tensors")
        }
        let bytes = try zip.data(pkl)
        if crc32(bytes) != pkl.crc32 { throw .malformed(path: path, reason: "\(pkl.name) fails its CRC check (the file is damaged)") }
        var unpickler = Unpickler(path: path, bytes: bytes)
        let root = try unpickler.load()
        return PthArchive(path: path, zip: zip, prefix: prefix, root: root)
    }

    /// The key under which the state dict lies ("model" or "state_dict"), nil when the whole
    /// pickle is the state dict.
    var stateDictKey: String? {
        guard case .dict(let top) = root else { return nil }
        return ["model", "state_dict"].first { top[$0] != nil }
    }

    /// The top-level entries beside the state dict, which are not read as weights.
    var skippedEntries: [SkippedEntry] {
        guard let key = stateDictKey, case .dict(let top) = root else { return [] }
        return top.pairs.compactMap { pair in
            guard let name = pair.key.stringValue, name != key else { return nil }
            return SkippedEntry(name: name, value: pair.value)
        }
    }

    /// The plain values of the authors' `args` (an argparse.Namespace beside the weights of a
    /// `checkpoint-N.pth`), as text: "model" → "mae_vit_base_patch16", "norm_pix_loss" → "true".
    var arguments: [String: String] {
        guard case .dict(let top) = root, case .dict(let args)? = top["args"], args.isNamespace else { return [:] }
        var out: [String: String] = [:]
        for pair in args.pairs {
            guard let name = pair.key.stringValue else { continue }
            switch pair.value {
            case .bool(let b): out[name] = b ? "true" : "false"
            case .int(let v): out[name] = String(v)
            case .float(let v): out[name] = String(v)
            case .string(let s): out[name] = s
            default: continue
            }
        }
        return out
    }

    /// The tensors of the model's state dict, in the file's order.
    func stateDict() throws(CheckpointError) -> [(name: String, tensor: PickleTensor)] {
        var dict: PickleDict
        switch root {
        case .dict(let top):
            dict = top
            for key in ["model", "state_dict"] {
                switch top[key] {
                case .dict(let inner)?: dict = inner
                case .opaque(let global)?, .global(let global)?, .call(let global)?:
                    throw .unsupportedGlobal(path: path, global: global)
                default: continue
                }
                break
            }
        case .opaque(let global), .global(let global), .call(let global):
            // torch.save(model) pickles the module itself: its class would have to run.
            throw .unsupportedGlobal(path: path, global: global)
        default:
            throw .unusable(path: path, reason: "holds \(root.kind), not a state dict")
        }
        var out: [(name: String, tensor: PickleTensor)] = []
        for (key, value) in dict.pairs {
            guard let name = key.stringValue else {
                throw .unusable(path: path, reason: "the state dict has a key that is \(key.kind), not a tensor name")
            }
            switch value {
            case .tensor(let t):
                out.append((name, t))
            case .invalid(let reason):
                throw .badTensor(path: path, tensor: name, reason: reason)
            default:
                // For an object this names its class ('an object of 'argparse.Namespace''): the
                // file and the global, and nothing of it is constructed.
                throw .badTensor(path: path, tensor: name, reason: "is \(value.kind), not a tensor")
            }
        }
        if out.isEmpty { throw .unusable(path: path, reason: "holds no tensors") }
        return out
    }

    /// The values of a tensor as Float, checked against its storage's real size.
    func floats(_ name: String, _ t: PickleTensor, into out: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) {
        func bad(_ reason: String) -> CheckpointError { .badTensor(path: path, tensor: name, reason: reason) }
        guard let dtype = t.storage.dtype else { throw bad("has storage type \(t.storage.typeName), which maex does not read") }
        guard t.isContiguous else {
            throw bad("is not contiguous (shape \(CheckpointError.format(t.shape)), stride \(CheckpointError.format(t.stride))); "
                      + "save it with .contiguous()")
        }
        let count = t.count
        guard out.count == count else { throw bad("holds \(count) values, \(out.count) expected") }
        guard t.offset <= t.storage.numel, count <= t.storage.numel - t.offset else {
            let (end, overflow) = t.offset.addingReportingOverflow(count)
            throw bad("elements \(t.offset)..<\(overflow ? "\(t.offset) + \(count)" : String(end)) lie outside its storage of "
                      + "\(t.storage.numel)")
        }
        let entryName = prefix + "/data/" + t.storage.key
        guard let entry = zip.entry(entryName) else { throw bad("its storage \(entryName) is missing from the archive") }
        let bytes = try zip.data(entry)
        // The storage's claimed size is checked against its real bytes before it is multiplied.
        guard t.storage.numel <= bytes.count / dtype.size else {
            let (needed, overflow) = t.storage.numel.multipliedReportingOverflow(by: dtype.size)
            throw bad("storage \(entryName) has \(bytes.count) bytes, \(t.storage.numel) \(dtype.rawValue) values need "
                      + (overflow ? "more than the largest file" : "\(needed)"))
        }
        guard count > 0, let base = bytes.baseAddress, let target = out.baseAddress else { return }
        dtype.decode(base + t.offset * dtype.size, count: count, into: target)
        zip.file.release(bytes)
    }
}
