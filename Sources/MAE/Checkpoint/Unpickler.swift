/// A restricted reader of Python pickles (protocols 2 to 5) that never executes code: it knows
/// the opcodes a `torch.save` of a state dict uses and a short list of torch globals, which it
/// interprets itself. Any other class becomes an opaque marker carrying its name, so a caller
/// can refuse it by name where it matters (inside the model's weights) and skip it elsewhere.
///
/// Safety: every length is checked against the bytes that remain before anything is read or
/// allocated; the memo is a dictionary (a hostile index allocates nothing); the machine is a
/// loop, not a recursion.
struct Unpickler {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    /// The globals interpreted here; everything else becomes `.opaque`.
    static let storageTypes: [String: TensorDType?] = [
        "torch.FloatStorage": .f32, "torch.HalfStorage": .f16, "torch.BFloat16Storage": .bf16,
        "torch.DoubleStorage": .f64, "torch.LongStorage": .i64, "torch.IntStorage": .i32,
        "torch.ShortStorage": .i16, "torch.CharStorage": .i8, "torch.ByteStorage": .u8, "torch.BoolStorage": .bool,
    ]
    static let rebuildTensor = "torch._utils._rebuild_tensor_v2"
    static let rebuildParameter = "torch._utils._rebuild_parameter"
    static let rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    static let orderedDict = "collections.OrderedDict"
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

    private mutating func pop() throws(CheckpointError) -> PickleValue {
        guard let v = stack.popLast() else { throw damaged("stack underflow") }
        if let m = marks.last, stack.count < m { throw damaged("stack underflow past a mark") }
        return v
    }

    private mutating func popMark() throws(CheckpointError) -> [PickleValue] {
        guard let m = marks.popLast(), m <= stack.count else { throw damaged("no mark on the stack") }
        defer { stack.removeSubrange(m...) }
        return Array(stack[m...])
    }

    private func top() throws(CheckpointError) -> PickleValue {
        guard let v = stack.last else { throw damaged("stack underflow") }
        return v
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
                return stack[0]
            case 0x28: marks.append(stack.count)                              // MARK
            case 0x30: _ = try pop()                                          // POP
            case 0x31: _ = try popMark()                                      // POP_MARK
            case 0x32: stack.append(try top())                                // DUP
            case 0x4E: stack.append(.none)                                    // NONE
            case 0x88: stack.append(.bool(true))                              // NEWTRUE
            case 0x89: stack.append(.bool(false))                             // NEWFALSE
            case 0x4B: stack.append(.int(Int64(try uint(UInt8.self))))        // BININT1
            case 0x4D: stack.append(.int(Int64(try uint(UInt16.self))))       // BININT2
            case 0x4A: stack.append(.int(Int64(Int32(bitPattern: try uint(UInt32.self)))))  // BININT
            case 0x8A: stack.append(longValue(try take(Int(try uint(UInt8.self)))))          // LONG1
            case 0x8B:                                                        // LONG4
                let n = Int32(bitPattern: try uint(UInt32.self))
                stack.append(longValue(try take(Int(n))))
            case 0x49:                                                        // INT (text)
                let text = try line()
                if text == "01" { stack.append(.bool(true)) } else if text == "00" { stack.append(.bool(false)) }
                else if let v = Int64(text) { stack.append(.int(v)) } else { throw damaged("bad INT '\(text)'") }
            case 0x47:                                                        // BINFLOAT (big-endian)
                stack.append(.float(Double(bitPattern: UInt64(bigEndian: try take(8).loadUnaligned(as: UInt64.self)))))
            case 0x58: stack.append(try string(try take(Int(try uint(UInt32.self)))))     // BINUNICODE
            case 0x8C: stack.append(try string(try take(Int(try uint(UInt8.self)))))      // SHORT_BINUNICODE
            case 0x8D: stack.append(try string(try take(try length64())))                 // BINUNICODE8
            case 0x54: stack.append(.string(String(decoding: try take(Int(try uint(UInt32.self))), as: UTF8.self)))  // BINSTRING
            case 0x55: stack.append(.string(String(decoding: try take(Int(try uint(UInt8.self))), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x42: stack.append(.bytes(Array(try take(Int(try uint(UInt32.self))))))  // BINBYTES
            case 0x43: stack.append(.bytes(Array(try take(Int(try uint(UInt8.self))))))   // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes(Array(try take(try length64()))))             // BINBYTES8
            case 0x29: stack.append(.tuple([]))                               // EMPTY_TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                      // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))          // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))  // TUPLE3
            case 0x74: stack.append(.tuple(try popMark()))                    // TUPLE
            case 0x5D: stack.append(.list(PickleList()))                      // EMPTY_LIST
            case 0x6C: let l = PickleList(); l.items = try popMark(); stack.append(.list(l))   // LIST
            case 0x8F: stack.append(.list(PickleList()))                      // EMPTY_SET (kept as a list)
            case 0x91: let l = PickleList(); l.items = try popMark(); stack.append(.list(l))   // FROZENSET
            case 0x7D: stack.append(.dict(PickleDict()))                      // EMPTY_DICT
            case 0x64:                                                        // DICT
                let items = try popMark()
                let d = PickleDict()
                try fill(d, items)
                stack.append(.dict(d))
            case 0x61:                                                        // APPEND
                let v = try pop()
                guard case .list(let l) = try top() else { throw damaged("APPEND to \(try top().kind)") }
                l.items.append(v)
            case 0x65, 0x90:                                                  // APPENDS, ADDITEMS
                let items = try popMark()
                guard case .list(let l) = try top() else { throw damaged("APPENDS to \(try top().kind)") }
                l.items += items
            case 0x73:                                                        // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = try top() else { throw damaged("SETITEM on \(try top().kind)") }
                d.set(k, v)
            case 0x75:                                                        // SETITEMS
                let items = try popMark()
                guard case .dict(let d) = try top() else { throw damaged("SETITEMS on \(try top().kind)") }
                try fill(d, items)
            case 0x71: memo[Int(try uint(UInt8.self))] = try top()            // BINPUT
            case 0x72: memo[Int(try uint(UInt32.self))] = try top()           // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                           // MEMOIZE
            case 0x70:                                                        // PUT (text)
                guard let k = Int(try line()) else { throw damaged("bad PUT index") }
                memo[k] = try top()
            case 0x68: stack.append(try recall(Int(try uint(UInt8.self))))   // BINGET
            case 0x6A: stack.append(try recall(Int(try uint(UInt32.self))))  // LONG_BINGET
            case 0x67:                                                        // GET (text)
                guard let k = Int(try line()) else { throw damaged("bad GET index") }
                stack.append(try recall(k))
            case 0x63:                                                        // GLOBAL
                let module = try line(), name = try line()
                stack.append(Self.resolve(module + "." + name))
            case 0x93:                                                        // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let n = name.stringValue, let m = module.stringValue else { throw damaged("STACK_GLOBAL without names") }
                stack.append(Self.resolve(m + "." + n))
            case 0x52:                                                        // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(Self.call(callable, args.elements ?? [args]))
            case 0x81:                                                        // NEWOBJ
                let args = try pop(), cls = try pop()
                stack.append(Self.call(cls, args.elements ?? [args]))
            case 0x92:                                                        // NEWOBJ_EX
                _ = try pop()
                let args = try pop(), cls = try pop()
                stack.append(Self.call(cls, args.elements ?? [args]))
            case 0x62:                                                        // BUILD: object state, ignored
                let state = try pop()
                // but an argparse.Namespace's fields are kept (the authors' checkpoints save their args so).
                if case .opaque(let global) = try top(), global == Self.namespace, case .dict(let fields) = state {
                    stack[stack.count - 1] = .namespace(fields)
                }
            case 0x51:                                                        // BINPERSID
                stack.append(Self.persistentLoad(try pop()))
            case 0x50:                                                        // PERSID (text)
                stack.append(Self.persistentLoad(.string(try line())))
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

    private func recall(_ k: Int) throws(CheckpointError) -> PickleValue {
        guard let v = memo[k] else { throw damaged("memo entry \(k) was never stored") }
        return v
    }

    private func fill(_ d: PickleDict, _ items: [PickleValue]) throws(CheckpointError) {
        guard items.count % 2 == 0 else { throw damaged("odd number of dict items") }
        for k in stride(from: 0, to: items.count, by: 2) { d.set(items[k], items[k + 1]) }
    }

    // MARK: the globals maex interprets

    static func resolve(_ name: String) -> PickleValue {
        if let dtype = storageTypes[name] { return .storageType(dtype, name) }
        if name.hasPrefix("torch.") && name.hasSuffix("Storage") { return .storageType(nil, name) }
        return .global(name)
    }

    /// `callable(*args)` for the few callables maex knows; any other becomes an opaque object.
    static func call(_ callable: PickleValue, _ args: [PickleValue]) -> PickleValue {
        guard case .global(let name) = callable else {
            if case .storageType(_, let name) = callable { return .opaque(global: name) }
            return .invalid("\(callable.kind) was called")
        }
        switch name {
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
            return .opaque(global: name)
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
