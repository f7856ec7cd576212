/// What the restricted unpickler builds: plain data, and for torch's globals, descriptions of
/// tensors and storages. Nothing here runs code from the file; an object of any other class
/// becomes `.opaque` with the class's name, so optimizer settings and the like can be skipped
/// without being constructed; an argparse.Namespace (a checkpoint's `args`) keeps its fields.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer too wide for Int64 (kept only as a marker).
    case bigInt
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A reference to `module.name`, not called.
    case global(String)
    /// `torch.FloatStorage` and friends; nil dtype for a storage class maex does not read.
    case storageType(TensorDType?, String)
    case storage(PickleStorage)
    case tensor(PickleTensor)
    /// An instance of a class maex does not construct, made by calling `global`.
    case opaque(global: String)
    /// An argparse.Namespace: plain data (its fields), kept because the authors' checkpoints
    /// carry their run's arguments in one.
    case namespace(PickleDict)
    /// A tensor or storage that could not be rebuilt, and why: an error only if it is used.
    case invalid(String)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int, .bigInt: "an int"
        case .float: "a float"
        case .string: "a string"
        case .bytes: "bytes"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .global(let g): "a reference to '\(g)'"
        case .storageType(_, let g): "a reference to '\(g)'"
        case .storage: "a storage"
        case .tensor: "a tensor"
        case .opaque(let g): "an object of '\(g)'"
        case .namespace: "an object of 'argparse.Namespace'"
        case .invalid(let reason): "an unreadable tensor (\(reason))"
        }
    }

    var intValue: Int? {
        if case .int(let v) = self { return Int(exactly: v) }
        if case .bool(let b) = self { return b ? 1 : 0 }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements of a tuple or list.
    var elements: [PickleValue]? {
        switch self {
        case .tuple(let items): items
        case .list(let list): list.items
        default: nil
        }
    }
}

/// Lists and dicts are shared through the memo and filled after they are created (APPENDS,
/// SETITEMS), so they are reference types.
final class PickleList {
    var items: [PickleValue] = []
}

final class PickleDict {
    private(set) var pairs: [(key: PickleValue, value: PickleValue)] = []
    private var stringIndex: [String: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        if case .string(let s) = key {
            if let i = stringIndex[s] { pairs[i].value = value; return }
            stringIndex[s] = pairs.count
        }
        pairs.append((key, value))
    }

    subscript(key: String) -> PickleValue? {
        stringIndex[key].map { pairs[$0].value }
    }
}

/// `('storage', torch.FloatStorage, '0', 'cpu', 64)`: the raw bytes live in `<archive>/data/<key>`.
struct PickleStorage: Equatable {
    var dtype: TensorDType?
    var typeName: String
    var key: String
    var location: String
    /// Elements in the storage.
    var numel: Int
}

/// `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)`: a view of a storage.
struct PickleTensor: Equatable {
    var storage: PickleStorage
    /// In elements.
    var offset: Int
    var shape: [Int]
    var stride: [Int]

    var count: Int { shape.reduce(1, *) }

    /// Row-major without gaps; dimensions of size 1 may carry any stride.
    var isContiguous: Bool {
        var expected = 1
        for (size, step) in zip(shape, stride).reversed() {
            if size != 1 && step != expected { return false }
            expected *= size
        }
        return true
    }
}
