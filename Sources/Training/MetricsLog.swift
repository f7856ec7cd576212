import Foundation
import MAE

/// metrics.jsonl: one JSON object a line, appended and flushed line by line so that another
/// process (`maex watch`) can follow it. Step lines carry step, epoch, loss, lr, images_per_s,
/// time (Unix seconds) and elapsed (training seconds since the run began, across resumes);
/// event lines carry "event" and its fields.
public final class MetricsLog: @unchecked Sendable {
    public let path: String
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens `path` for appending, creating it if needed.
    public init(path: String) throws(RunError) {
        self.path = path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path), !fm.createFile(atPath: path, contents: nil) {
            throw .io(path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw .io(path: path, reason: "cannot open the file for appending: \(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }

    /// Appends one line holding `fields` in the given order.
    public func append(_ fields: KeyValuePairs<String, JSONScalar>) throws(RunError) {
        try appendLine(Self.line(fields))
    }

    public func appendLine(_ line: String) throws(RunError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw .io(path: path, reason: "cannot append a line: \(error.localizedDescription)")
        }
    }

    /// A JSON object with keys in the given order (readers need no particular order; people do).
    public static func line(_ fields: KeyValuePairs<String, JSONScalar>) -> String {
        "{" + fields.map { "\(JSONScalar.string($0.key).json): \($0.value.json)" }.joined(separator: ", ") + "}"
    }

    /// The lines of a metrics file whose "step" is at most `step` (and lines without one), for
    /// a resumed run that drops what was logged after its checkpoint.
    public static func lines(of text: String, upToStep step: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { raw in
            let line = String(raw)
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return nil  // a half-written last line of a killed run
            }
            if let s = object["step"] as? Int, s > step { return nil }
            return line
        }
    }
}

/// A value of a metrics line.
public enum JSONScalar: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)

    /// JSON text; non-finite doubles become null, which JSON can hold and NaN cannot be.
    public var json: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? "\(v)" : "null"
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return jsonStringLiteral(s)
        }
    }
}
