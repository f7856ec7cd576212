import Foundation

/// A minimal safetensors reader for the tests (F32 and I64 only), independent of the code under
/// test: an 8-byte little-endian header length, a JSON header, then raw little-endian data.
struct FixtureFile {
    let tensors: [String: (shape: [Int], values: [Float])]
    let metadata: [String: String]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let base = 8 + headerLength
        var tensors: [String: ([Int], [Float])] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            let info = value as! [String: Any]
            if name == "__metadata__" {
                metadata = info as! [String: String]
                continue
            }
            let shape = info["shape"] as! [Int]
            let offsets = info["data_offsets"] as! [Int]
            let bytes = data.subdata(in: (base + offsets[0])..<(base + offsets[1]))
            switch info["dtype"] as! String {
            case "F32":
                tensors[name] = (shape, bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
            case "I64":
                tensors[name] = (shape, bytes.withUnsafeBytes { $0.bindMemory(to: Int64.self).map { Float($0) } })
            default:
                continue
            }
        }
        self.tensors = tensors.mapValues { (shape: $0.0, values: $0.1) }
        self.metadata = metadata
    }

    func values(_ name: String) -> [Float] { tensors[name]!.values }

    /// A file of the TrainingTests fixtures (a copy of ../shared/fixtures).
    static func fixture(_ name: String) throws -> FixtureFile {
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") {
            return try FixtureFile(path: url.path)
        }
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return try FixtureFile(path: here.appendingPathComponent("Fixtures/\(name)").path)
    }
}
