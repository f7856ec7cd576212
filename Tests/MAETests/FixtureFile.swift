import Foundation
@testable import MAE

/// A minimal safetensors reader for the parity fixtures (F32 and I64, little-endian), so the
/// model's tests do not depend on the checkpoint code they help to check.
struct FixtureFile {
    struct Tensor {
        let dtype: String
        let shape: [Int]
        let floats: [Float]     // every dtype converted
    }
    let tensors: [String: Tensor]
    let metadata: [String: String]

    enum LoadError: Error, CustomStringConvertible {
        case bad(String, String)
        var description: String { if case .bad(let f, let r) = self { "\(f): \(r)" } else { "" } }
    }

    init(url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw LoadError.bad(url.path, "shorter than 8 bytes") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard 8 + headerLength <= bytes.count else { throw LoadError.bad(url.path, "header past the end") }
        let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)]))
        guard let header = json as? [String: Any] else { throw LoadError.bad(url.path, "header not an object") }
        let base = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
                  offsets.count == 2, base + offsets[1] <= bytes.count
            else { throw LoadError.bad(url.path, "bad entry \(name)") }
            let count = shape.reduce(1, *)
            let start = base + offsets[0]
            var floats = [Float](repeating: 0, count: count)
            switch dtype {
            case "F32":
                for i in 0..<count {
                    var bits: UInt32 = 0
                    for b in 0..<4 { bits |= UInt32(bytes[start + 4 * i + b]) << (8 * b) }
                    floats[i] = Float(bitPattern: bits)
                }
            case "I64":
                for i in 0..<count {
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(bytes[start + 8 * i + b]) << (8 * b) }
                    floats[i] = Float(Int64(bitPattern: bits))
                }
            default:
                throw LoadError.bad(url.path, "dtype \(dtype) of \(name) not supported by the test loader")
            }
            tensors[name] = Tensor(dtype: dtype, shape: shape, floats: floats)
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    subscript(name: String) -> Tensor? { tensors[name] }

    /// The shipped fixture `name` (e.g. "tiny-a.case") from the test bundle.
    static func bundled(_ name: String) throws -> FixtureFile {
        guard let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures")
        else { throw LoadError.bad(name, "not in the test bundle") }
        return try FixtureFile(url: url)
    }
}

/// A fixture case and its model, loaded into an `MAEModel`.
struct FixtureCase {
    let name: String
    let model: MAEModel
    let file: FixtureFile
    let batch: Int
    let maskRatio: Double

    init(model modelFile: FixtureFile, case caseFile: FixtureFile, name: String) throws {
        guard let json = modelFile.metadata["mae.config"]?.data(using: .utf8) else {
            throw FixtureFile.LoadError.bad(name, "no mae.config metadata")
        }
        let config = try JSONDecoder().decode(MAEConfig.self, from: json)
        let model = try MAEModel(config: config)
        for entry in model.table.entries {
            guard let t = modelFile[entry.name], t.floats.count == entry.count else {
                throw FixtureFile.LoadError.bad(name, "tensor \(entry.name) missing or mis-sized")
            }
            let slice = model.tensor(entry.name)
            for i in 0..<entry.count { slice[i] = t.floats[i] }
        }
        self.name = name
        self.model = model
        self.file = caseFile
        batch = Int(caseFile.metadata["batch"] ?? "") ?? 0
        maskRatio = Double(caseFile.metadata["mask_ratio"] ?? "") ?? .nan
    }

    static func bundled(_ name: String) throws -> FixtureCase {
        try FixtureCase(model: .bundled("\(name).model"), case: .bundled("\(name).case"), name: name)
    }

    /// The folder of extra cases, $MAEX_EXTRA_CASES; the tests that read it are skipped without it.
    static var extraFolder: String? { ProcessInfo.processInfo.environment["MAEX_EXTRA_CASES"] }

    /// Cases made with mae_reference.py in `extraFolder` (prefixes of *.case.safetensors); an
    /// unreadable folder is an error, not an empty list.
    static func extra() throws -> [FixtureCase] {
        guard let dir = extraFolder else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".case.safetensors") }.sorted().map { file in
            let prefix = String(file.dropLast(".case.safetensors".count))
            let url = URL(fileURLWithPath: dir).appendingPathComponent(prefix)
            return try FixtureCase(model: FixtureFile(url: url.appendingPathExtension("model.safetensors")),
                                   case: FixtureFile(url: url.appendingPathExtension("case.safetensors")),
                                   name: prefix)
        }
    }

    func expected(_ name: String) -> [Float] {
        guard let t = file[name] else { preconditionFailure("\(self.name) has no \(name)") }
        return t.floats
    }
}
