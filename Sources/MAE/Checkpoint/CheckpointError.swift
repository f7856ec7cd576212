/// Everything that can go wrong reading or writing a checkpoint. Every case names the file;
/// tensor cases name the tensor, and shape cases both shapes, so one line tells the user what
/// to fix.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened, read, mapped or written (`reason` carries the system's words).
    case io(path: String, reason: String)
    /// The file is not a well-formed safetensors / zip / pickle file.
    case malformed(path: String, reason: String)
    /// One tensor entry is unusable (bad dtype, shape, offsets, storage).
    case badTensor(path: String, tensor: String, reason: String)
    /// A tensor the model needs is absent.
    case missingTensor(path: String, tensor: String, expected: [Int])
    /// The file holds a tensor the model does not have.
    case unexpectedTensor(path: String, tensor: String, shape: [Int])
    /// A tensor has a different shape than the model's.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// The pickle refers to code maex does not run (and never will).
    case unsupportedGlobal(path: String, global: String)
    /// The weights cannot become a model (no decoder, unknown head count, invalid config).
    case unusable(path: String, reason: String)

    public var path: String {
        switch self {
        case .io(let p, _), .malformed(let p, _), .badTensor(let p, _, _), .missingTensor(let p, _, _),
             .unexpectedTensor(let p, _, _), .shapeMismatch(let p, _, _, _), .unsupportedGlobal(let p, _),
             .unusable(let p, _):
            p
        }
    }

    /// The tensor the error is about, if it is about one.
    public var tensor: String? {
        switch self {
        case .badTensor(_, let t, _), .missingTensor(_, let t, _), .unexpectedTensor(_, let t, _),
             .shapeMismatch(_, let t, _, _):
            t
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .malformed(let path, let reason):
            "\(path): \(reason)"
        case .badTensor(let path, let tensor, let reason):
            "\(path): tensor '\(tensor)': \(reason)"
        case .missingTensor(let path, let tensor, let expected):
            "\(path): missing tensor '\(tensor)' (the model needs shape \(Self.format(expected)))"
        case .unexpectedTensor(let path, let tensor, let shape):
            "\(path): unexpected tensor '\(tensor)' of shape \(Self.format(shape)) (the model has no such parameter)"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            "\(path): tensor '\(tensor)' has shape \(Self.format(found)), the model needs \(Self.format(expected))"
        case .unsupportedGlobal(let path, let global):
            "\(path): the pickle refers to '\(global)', which maex does not load (only tensors, "
                + "storages and plain containers are read; no code from the file is run)"
        case .unusable(let path, let reason):
            "\(path): \(reason)"
        }
    }

    /// The first few names of a list, for one line: "'a', 'b', 'c' and 4 more".
    public static func list(_ names: [String], first: Int = 3) -> String {
        let shown = names.prefix(first).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > first ? shown + " and \(names.count - first) more" : shown
    }

    /// A shape as "[a, b, c]".
    public static func format(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
