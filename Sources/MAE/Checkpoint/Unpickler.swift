/// A restricted reader of Python pickles (protocols 2 to 5) that never executes code: it knows
/// the opcodes a `torch.save` of a state dict uses and a short list of torch globals, which it
/// interprets itself. Any other class becomes an opaque marker carrying its name, so a caller
/// can refuse it by name where it matters (inside the model's weights) and skip it elsewhere.
///
/// Safety: every length is checked against the bytes that remain before anything is read or
/// allocated; the memo is a dictionary (a hostile index allocates nothing); the machine is a
/// loop, not a recursion. What the pickle can make grow is bounded by `Limits`: the stack, the
/// memo, the items of one container and how deeply values nest (Swift frees a nested value
/// recursively, so a tuple nested a million deep, one byte a level, would overflow the thread's
/// stack when it is released).
struct Unpickler {
    /// How much a pickle may build. The defaults are far above what torch.save writes and far
    /// below what would exhaust memory or the stack; tests lower them to reach them cheaply.
    struct Limits {
        /// Values and marks on the stack at once. torch.save's pickles keep a few dozen there
        /// (one container's batch of 1,000 items at most).
        var stack = 1_000_000
        /// Memo entries. torch.save memoizes each container, string and storage once: a few per
        /// tensor, so about 10,000 for a checkpoint-N.pth of ViT-H with its AdamW state.
        var memo = 1_000_000
        /// Items in one list, tuple or dict (the largest state dict, an optimizer's, has a few
        /// thousand).
        var items = 1_000_000
        /// Levels of nesting: a state dict of tensors nests under 10; Python's own pickler stops
        /// near 1,000 (its recursion limit). 100 keeps releasing a value far from the stack's end.
        var depth = 100
    }

    let path: String
    let bytes: UnsafeRawBufferPointer
    let limits: Limits
    private var i = 0
    private var stack: [Slot] = []
    private var marks: [Int] = []
    private var memo: [Int: Slot] = [:]

    /// A value on the stack or in the memo, with how deeply it nests (0 for a scalar). A list's
    /// or dict's depth is its own (`PickleNesting`), which grows as items are added.
    private struct Slot {
        var value: PickleValue
        var depth = 0
    }

    init(path: String, bytes: UnsafeRawBufferPointer, limits: Limits = Limits()) {
        self.path = path
        self.bytes = bytes
        self.limits = limits
    }

    /// The globals interpreted here; every other class becomes `.opaque`, every other call `.call`.
    static let storageTypes: [String: TensorDType?] = [
        "torch.FloatStorage": .f32, "torch.HalfStorage": .f16, "torch.BFloat16Storage": .bf16,
        "torch.DoubleStorage": .f64, "torch.LongStorage": .i64, "torch.IntStorage": .i32,
        "torch.ShortStorage": .i16, "torch.CharStorage": .i8, "torch.ByteStorage": .u8, "torch.BoolStorage": .bool,
    ]
    static let rebuildTensor = "torch._utils._rebuild_tensor_v2"
    static let rebuildParameter = "torch._utils._rebuild_parameter"
    static let rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    static let orderedDict = "collections.OrderedDict"
    /// The authors' `args`: plain attributes, read as a dict (BUILD fills it).
    static let namespace = "argparse.Namespace"

    private func damaged(_ reason: String) -> CheckpointError {
        .malformed(path: path, reason: "the pickle is damaged at byte \(max(i - 1, 0)): \(reason)")
    }

    // MARK: reading the byte stream

    private mutating func take(_ n: Int) throws(CheckpointError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - i else { throw damaged("\(n) bytes claimed, \(bytes.count - i) left") }
        defer { i += n }
        return UnsafeRawBufferPointer(rebasing: bytes[i..<(i + n)])
    }

    private mutating func uint<T: FixedWidthInteger>(_: T.Type) throws(CheckpointError) -> T {
        try take(MemoryLayout<T>.size).loadLE(T.self, at: 0)
    }

    private mutating func line() throws(CheckpointError) -> String {
        var n = 0
        while i + n < bytes.count, bytes[i + n] != 0x0A { n += 1 }
        guard i + n < bytes.count else { throw damaged("unterminated text argument") }
        let text = String(decoding: try take(n), as: UTF8.self)
        i += 1
        return text
    }

    private mutating func push(_ value: PickleValue, depth: Int = 0) throws(CheckpointError) {
        try push(Slot(value: value, depth: depth))
    }

    private mutating func push(_ slot: Slot) throws(CheckpointError) {
        try checkRoom()
        stack.append(slot)
    }

    private mutating func mark() throws(CheckpointError) {
        try checkRoom()
        marks.append(stack.count)
    }

    /// Values and marks share `limits.stack`.
    private func checkRoom() throws(CheckpointError) {
        guard stack.count + marks.count < limits.stack else {
            throw damaged("more than \(limits.stack) values and marks on the stack")
        }
    }

    private mutating func pop() throws(CheckpointError) -> Slot {
        guard let v = stack.popLast() else { throw damaged("stack underflow") }
        if let m = marks.last, stack.count < m { throw damaged("stack underflow past a mark") }
        return v
    }

    private mutating func popMark() throws(CheckpointError) -> [Slot] {
        guard let m = marks.popLast(), m <= stack.count else { throw damaged("no mark on the stack") }
        defer { stack.removeSubrange(m...) }
        return Array(stack[m...])
    }

    private func top() throws(CheckpointError) -> Slot {
        guard let v = stack.last else { throw damaged("stack underflow") }
        return v
    }

    private mutating func store(_ key: Int) throws(CheckpointError) {
        guard memo.count < limits.memo || memo[key] != nil else { throw damaged("more than \(limits.memo) memo entries") }
        memo[key] = try top()
    }

    // MARK: nesting

    private func depth(_ s: Slot) -> Int { s.value.nesting?.depth ?? s.depth }

    /// The depth of a container that holds `items`, which from now on are inside another.
    private func depth(holding items: [Slot]) throws(CheckpointError) -> Int {
        var deepest = 0
        for s in items {
            deepest = max(deepest, depth(s))
            s.value.nesting?.isInside = true
        }
        guard deepest < limits.depth else { throw damaged("values nest deeper than \(limits.depth) levels") }
        return deepest + 1
    }

    /// Adds `items` (`added` of them) to a list or dict. One that is already inside another may
    /// not grow deeper, or the depths recorded above it would be wrong: only a cycle does that,
    /// which no state dict has.
    private func grow(_ container: any PickleNesting, by items: [Slot], added: Int) throws(CheckpointError) {
        guard container.count <= limits.items - added else {
            throw damaged("a list or dict of more than \(limits.items) items")
        }
        let d = try depth(holding: items)
        if d > container.depth {
            if container.isInside { throw damaged("a list or dict grows deeper after it was put inside another (a cycle)") }
            container.depth = d
        }
    }

    /// A tuple of `items`.
    private func tuple(_ items: [Slot]) throws(CheckpointError) -> Slot {
        guard items.count <= limits.items else { throw damaged("a tuple of more than \(limits.items) items") }
        return Slot(value: .tuple(items.map(\.value)), depth: try depth(holding: items))
    }

    private func string(_ raw: UnsafeRawBufferPointer) throws(CheckpointError) -> PickleValue {
        guard let s = String(validating: raw, as: UTF8.self) else { throw damaged("string is not valid UTF-8") }
        return .string(s)
    }

    private func longValue(_ raw: UnsafeRawBufferPointer) -> PickleValue {
        // Two's complement, little-endian, any width.
        if raw.isEmpty { return .int(0) }
        if raw.count > 8 { return .bigInt }
        var v: UInt64 = 0
        for (k, byte) in raw.enumerated() { v |= UInt64(byte) << (8 * UInt64(k)) }
        if raw.count < 8, raw[raw.count - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(raw.count)) }
        return .int(Int64(bitPattern: v))
    }

    // MARK: the machine

    mutating func load() throws(CheckpointError) -> PickleValue {
        while i < bytes.count {
            let op = bytes[i]
            i += 1
            switch op {
            case 0x80: _ = try take(1)                                        // PROTO
            case 0x95: _ = try take(8)                                        // FRAME
            case 0x2E:                                                        // STOP
                guard stack.count == 1, marks.isEmpty else { throw damaged("STOP with \(stack.count) values on the stack") }
                return stack[0].value
            case 0x28: try mark()                                             // MARK
            case 0x30: _ = try pop()                                          // POP
            case 0x31: _ = try popMark()                                      // POP_MARK
            case 0x32: try push(try top())                                    // DUP
            case 0x4E: try push(.none)                                        // NONE
            case 0x88: try push(.bool(true))                                  // NEWTRUE
            case 0x89: try push(.bool(false))                                 // NEWFALSE
            case 0x4B: try push(.int(Int64(try uint(UInt8.self))))            // BININT1
            case 0x4D: try push(.int(Int64(try uint(UInt16.self))))           // BININT2
            case 0x4A: try push(.int(Int64(Int32(bitPattern: try uint(UInt32.self)))))  // BININT
            case 0x8A: try push(longValue(try take(Int(try uint(UInt8.self)))))          // LONG1
            case 0x8B:                                                        // LONG4
                let n = Int32(bitPattern: try uint(UInt32.self))
                try push(longValue(try take(Int(n))))
            case 0x49:                                                        // INT (text)
                let text = try line()
                if text == "01" { try push(.bool(true)) } else if text == "00" { try push(.bool(false)) }
                else if let v = Int64(text) { try push(.int(v)) } else { throw damaged("bad INT '\(text)'") }
            case 0x47:                                                        // BINFLOAT (big-endian)
                try push(.float(Double(bitPattern: UInt64(bigEndian: try take(8).loadUnaligned(as: UInt64.self)))))
            case 0x58: try push(try string(try take(Int(try uint(UInt32.self)))))     // BINUNICODE
            case 0x8C: try push(try string(try take(Int(try uint(UInt8.self)))))      // SHORT_BINUNICODE
            case 0x8D: try push(try string(try take(try length64())))                 // BINUNICODE8
            case 0x54: try push(.string(String(decoding: try take(Int(try uint(UInt32.self))), as: UTF8.self)))  // BINSTRING
            case 0x55: try push(.string(String(decoding: try take(Int(try uint(UInt8.self))), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x42: try push(.bytes(Array(try take(Int(try uint(UInt32.self))))))  // BINBYTES
            case 0x43: try push(.bytes(Array(try take(Int(try uint(UInt8.self))))))   // SHORT_BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try length64()))))             // BINBYTES8
            case 0x29: try push(.tuple([]), depth: 1)                         // EMPTY_TUPLE
            case 0x85: try push(try tuple([try pop()]))                       // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); try push(try tuple([a, b]))          // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try push(try tuple([a, b, c]))  // TUPLE3
            case 0x74: try push(try tuple(try popMark()))                     // TUPLE
            case 0x5D, 0x8F: try push(.list(PickleList()))                    // EMPTY_LIST, EMPTY_SET (kept as a list)
            case 0x6C, 0x91:                                                  // LIST, FROZENSET
                let items = try popMark()
                let l = PickleList()
                try grow(l, by: items, added: items.count)
                l.items = items.map(\.value)
                try push(.list(l))
            case 0x7D: try push(.dict(PickleDict()))                          // EMPTY_DICT
            case 0x64:                                                        // DICT
                let items = try popMark()
                let d = PickleDict()
                try fill(d, items)
                try push(.dict(d))
            case 0x61:                                                        // APPEND
                let v = try pop()
                guard case .list(let l) = try top().value else { throw damaged("APPEND to \(try top().value.kind)") }
                try grow(l, by: [v], added: 1)
                l.items.append(v.value)
            case 0x65, 0x90:                                                  // APPENDS, ADDITEMS
                let items = try popMark()
                guard case .list(let l) = try top().value else { throw damaged("APPENDS to \(try top().value.kind)") }
                try grow(l, by: items, added: items.count)
                l.items += items.map(\.value)
            case 0x73:                                                        // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = try top().value else { throw damaged("SETITEM on \(try top().value.kind)") }
                try fill(d, [k, v])
            case 0x75:                                                        // SETITEMS
                let items = try popMark()
                guard case .dict(let d) = try top().value else { throw damaged("SETITEMS on \(try top().value.kind)") }
                try fill(d, items)
            case 0x71: try store(Int(try uint(UInt8.self)))                   // BINPUT
            case 0x72: try store(Int(try uint(UInt32.self)))                  // LONG_BINPUT
            case 0x94: try store(memo.count)                                  // MEMOIZE
            case 0x70:                                                        // PUT (text)
                guard let k = Int(try line()) else { throw damaged("bad PUT index") }
                try store(k)
            case 0x68: try push(try recall(Int(try uint(UInt8.self))))       // BINGET
            case 0x6A: try push(try recall(Int(try uint(UInt32.self))))      // LONG_BINGET
            case 0x67:                                                        // GET (text)
                guard let k = Int(try line()) else { throw damaged("bad GET index") }
                try push(try recall(k))
            case 0x63:                                                        // GLOBAL
                let module = try line(), name = try line()
                try push(Self.resolve(module + "." + name))
            case 0x93:                                                        // STACK_GLOBAL
                let name = try pop().value, module = try pop().value
                guard let n = name.stringValue, let m = module.stringValue else { throw damaged("STACK_GLOBAL without names") }
                try push(Self.resolve(m + "." + n))
            case 0x52:                                                        // REDUCE
                let args = try pop(), callable = try pop()
                try push(called(callable, args, constructing: false))
            case 0x81:                                                        // NEWOBJ
                let args = try pop(), cls = try pop()
                try push(called(cls, args, constructing: true))
            case 0x92:                                                        // NEWOBJ_EX
                _ = try pop()
                let args = try pop(), cls = try pop()
                try push(called(cls, args, constructing: true))
            case 0x62:                                                        // BUILD
                // An object's state: kept for a Namespace (a dict here), ignored for anything else.
                let state = try pop()
                if case .dict(let object) = try top().value, object.isNamespace, case .dict(let attributes) = state.value {
                    try grow(object, by: [state], added: attributes.pairs.count)
                    for pair in attributes.pairs { object.set(pair.key, pair.value) }
                }
            case 0x51:                                                        // BINPERSID
                try push(Self.persistentLoad(try pop().value))
            case 0x50:                                                        // PERSID (text)
                try push(Self.persistentLoad(.string(try line())))
            default:
                throw .malformed(path: path, reason: "the pickle uses opcode 0x\(String(op, radix: 16)) at byte \(i - 1), "
                                 + "which maex does not read (it reads the state dicts torch.save writes)")
            }
        }
        throw damaged("ends without STOP")
    }

    private mutating func length64() throws(CheckpointError) -> Int {
        let n = try uint(UInt64.self)
        guard n <= UInt64(bytes.count - i) else { throw damaged("\(n) bytes claimed, \(bytes.count - i) left") }
        return Int(n)
    }

    private func recall(_ k: Int) throws(CheckpointError) -> Slot {
        guard let v = memo[k] else { throw damaged("memo entry \(k) was never stored") }
        return v
    }

    private func fill(_ d: PickleDict, _ items: [Slot]) throws(CheckpointError) {
        guard items.count % 2 == 0 else { throw damaged("odd number of dict items") }
        try grow(d, by: items, added: items.count / 2)
        for k in stride(from: 0, to: items.count, by: 2) { d.set(items[k].value, items[k + 1].value) }
    }

    /// REDUCE or NEWOBJ of `callable` with `args`. What maex builds from a call holds nothing
    /// deeper than its arguments (an OrderedDict of their pairs, a parameter's tensor), so the
    /// arguments' depth bounds it.
    private func called(_ callable: Slot, _ args: Slot, constructing: Bool) -> Slot {
        let value = Self.call(callable.value, args.value.elements ?? [args.value], constructing: constructing)
        switch value {
        case .dict(let d): d.depth = max(d.depth, depth(args))
        case .tuple: return Slot(value: value, depth: depth(args))
        default: break
        }
        return Slot(value: value)
    }

    // MARK: the globals maex interprets

    static func resolve(_ name: String) -> PickleValue {
        if let dtype = storageTypes[name] { return .storageType(dtype, name) }
        if name.hasPrefix("torch.") && name.hasSuffix("Storage") { return .storageType(nil, name) }
        return .global(name)
    }

    /// `callable(*args)` for the few callables maex knows; any other becomes an opaque object
    /// (NEWOBJ, `constructing`) or an unrun call (REDUCE).
    static func call(_ callable: PickleValue, _ args: [PickleValue], constructing: Bool) -> PickleValue {
        guard case .global(let name) = callable else {
            if case .storageType(_, let name) = callable { return .opaque(global: name) }
            return .invalid("\(callable.kind) was called")
        }
        switch name {
        case namespace:
            let d = PickleDict()
            d.isNamespace = true
            return .dict(d)
        case orderedDict:
            let d = PickleDict()
            // OrderedDict([(k, v), ...]); the usual pickle passes () and adds items with SETITEMS.
            for pair in args.first?.elements ?? [] {
                if let kv = pair.elements, kv.count == 2 { d.set(kv[0], kv[1]) }
            }
            return .dict(d)
        case rebuildTensor:
            return rebuildTensorV2(args)
        case rebuildParameter, rebuildParameterWithState:
            guard let data = args.first else { return .invalid("\(name) without a tensor") }
            return data
        default:
            return constructing ? .opaque(global: name) : .call(global: name)
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    static func rebuildTensorV2(_ args: [PickleValue]) -> PickleValue {
        guard args.count >= 4 else { return .invalid("_rebuild_tensor_v2 with \(args.count) arguments") }
        let storage: PickleStorage
        switch args[0] {
        case .storage(let s): storage = s
        case .invalid(let reason): return .invalid(reason)
        default: return .invalid("_rebuild_tensor_v2 of \(args[0].kind)")
        }
        guard let offset = args[1].intValue, offset >= 0,
              let shape = args[2].elements?.compactMap(\.intValue), shape.count == args[2].elements?.count,
              let stride = args[3].elements?.compactMap(\.intValue), stride.count == shape.count,
              !shape.contains(where: { $0 < 0 }), !stride.contains(where: { $0 < 0 }) else {
            return .invalid("_rebuild_tensor_v2 with a bad offset, size or stride")
        }
        guard elementCount(shape) != nil else {
            return .invalid("shape \(CheckpointError.format(shape)) has more than \(SafeTensors.maxTensorElements) elements")
        }
        return .tensor(PickleTensor(storage: storage, offset: offset, shape: shape, stride: stride))
    }

    /// `('storage', storage_type, key, location, numel)` as torch's persistent_id writes it.
    static func persistentLoad(_ pid: PickleValue) -> PickleValue {
        guard let parts = pid.elements, parts.count == 5, parts[0].stringValue == "storage" else {
            return .invalid("unknown persistent id (\(pid.kind))")
        }
        guard case .storageType(let dtype, let typeName) = parts[1] else {
            return .invalid("storage of \(parts[1].kind)")
        }
        guard let key = parts[2].stringValue, let numel = parts[4].intValue, numel >= 0 else {
            return .invalid("storage with a bad key or size")
        }
        return .storage(PickleStorage(dtype: dtype, typeName: typeName, key: key,
                                      location: parts[3].stringValue ?? "?", numel: numel))
    }
}
