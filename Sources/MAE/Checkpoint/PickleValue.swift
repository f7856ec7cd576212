/// What the restricted unpickler builds: plain data, and for torch's globals, descriptions of
/// tensors and storages. Nothing here runs code from the file: an object of any other class
/// becomes `.opaque` with the class's name, and a call of any other function `.call` with the
/// function's name, so such entries can be named and skipped without being built or run.
/// (An `argparse.Namespace`, the authors' `args`, is plain data and is read as a dict.)
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
    /// An instance of a class maex does not construct (NEWOBJ of `global`).
    case opaque(global: String)
    /// The result of calling a function maex does not run (REDUCE of `global`: `os.system`,
    /// `builtins.eval`, a class's `__reduce__`).
    case call(global: String)
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
        case .call(let g): "a call to '\(g)'"
        case .invalid(let reason): "an unreadable tensor (\(reason))"
        }
    }

    var intValue: Int? {
        if case .int(let v) = self { return Int(exactly: v) }
        if case .bool(let b) = self { return b ? 1 : 0 }
        return nil
    }

    /// The list or dict itself, whose depth and place the unpickler tracks.
    var nesting: (any PickleNesting)? {
        switch self {
        case .list(let l): l
        case .dict(let d): d
        default: nil
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The globals this value refers to, calls or builds (depth first, each once): what a
    /// pickle would run if a Python unpickler read it.
    ///
    /// Each list, dict and tuple is visited once, however often the memo shares it: a pickle of
    /// 140 bytes can build a tuple of two copies of a tuple of two copies … 70 deep, 2^70 leaves
    /// as a tree. A tuple is known by its items' storage, which every copy of it shares (tuples
    /// are never changed after they are built) and which stays alive, and so unique, while
    /// `self` holds it.
    var globals: [String] {
        var found: [String] = []
        var stack: [PickleValue] = [self]
        var seen = Set<ObjectIdentifier>()
        var seenTuples = Set<UnsafeRawPointer>()
        while let v = stack.popLast() {
            switch v {
            case .global(let g), .opaque(let g), .call(let g):
                if !found.contains(g) { found.append(g) }
            case .tuple(let items):
                let storage = items.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
                if let storage, !seenTuples.insert(storage).inserted { continue }
                stack += items.reversed()
            case .list(let l):
                if seen.insert(ObjectIdentifier(l)).inserted { stack += l.items.reversed() }
            case .dict(let d):
                if seen.insert(ObjectIdentifier(d)).inserted {
                    for pair in d.pairs.reversed() { stack += [pair.value, pair.key] }
                }
            default:
                break
            }
        }
        return found
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

/// A list or dict as the unpickler builds it, with how deeply it nests (1 when it holds only
/// scalars) and whether it is inside another container yet (`Unpickler.Limits.depth`).
protocol PickleNesting: AnyObject {
    var depth: Int { get set }
    var isInside: Bool { get set }
    /// Items (pairs for a dict).
    var count: Int { get }
}

/// Lists and dicts are shared through the memo and filled after they are created (APPENDS,
/// SETITEMS), so they are reference types.
final class PickleList: PickleNesting {
    var items: [PickleValue] = []
    var depth = 1
    var isInside = false
    var count: Int { items.count }
}

final class PickleDict: PickleNesting {
    /// Made for an `argparse.Namespace`, whose attributes BUILD adds as items. (Other objects'
    /// state, such as the `_metadata` torch keeps on a state dict, is not its items.)
    var isNamespace = false
    var depth = 1
    var isInside = false
    var count: Int { pairs.count }
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

    /// Elements, the product of `shape`. The unpickler builds a tensor only when its shape's
    /// product (zeros counted as ones) is at most `SafeTensors.maxTensorElements`, so no partial
    /// product overflows, in any order.
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
