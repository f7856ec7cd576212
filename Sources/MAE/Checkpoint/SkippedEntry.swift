/// An entry of a pickled checkpoint that is not read as weights: the optimizer state, epoch and
/// scaler beside the authors' `model`, or anything else a file carries. An entry that refers to
/// code (a class to build, a function to call: `os.system` in a crafted file) is named with that
/// code, which maex never imports or runs; commands warn about such entries, and `--strict`
/// refuses the file.
public struct SkippedEntry: Sendable, Equatable {
    /// The entry's key in the pickled dict.
    public let name: String
    /// The globals it builds or calls, in pickle order (empty for plain data).
    public let globals: [String]
    /// What it holds: "a call to posix.system, not run", "an int", "a dict of 3 items".
    public let contents: String

    public var refersToCode: Bool { !globals.isEmpty }

    /// "ignored `extra`: a call to posix.system, not run".
    public var message: String { "ignored `\(name)`: \(contents)" }

    init(name: String, value: PickleValue) {
        self.name = name
        globals = value.globals
        contents = Self.describe(value, globals: globals)
    }

    static func describe(_ value: PickleValue, globals: [String]) -> String {
        switch value {
        case .call(let g): return "a call to \(g), not run"
        case .opaque(let g): return "an object of \(g), not built"
        case .global(let g): return "a reference to \(g), not imported"
        default: break
        }
        let shape: String = switch value {
        case .dict(let d) where d.isNamespace: "the training arguments (an argparse.Namespace of \(d.pairs.count) "
            + "attributes, read as data)"
        case .dict(let d): "a dict of \(d.pairs.count) items"
        case .list(let l): "a list of \(l.items.count) items"
        case .tuple(let t): "a tuple of \(t.count) items"
        case .int(let v): "an int (\(v))"
        case .float(let v): "a float (\(v))"
        case .string(let s): "a string (\(s.count) characters)"
        default: value.kind
        }
        if globals.isEmpty { return shape }
        let named = globals.prefix(3).joined(separator: ", ") + (globals.count > 3 ? ", …" : "")
        return shape + " that refers to \(named), not run"
    }
}
