import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport

/// Every class of broken file is built here byte by byte; each must give a CheckpointError that
/// names the file (and the tensor, when one is at fault) and says why, never a crash.
@Suite struct SafeTensorsMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var bytes: [UInt8]
        /// The tensor the error must name, or nil for a file-level error.
        var tensor: String?
        /// Words the reason must contain.
        var reason: String
        var testDescription: String { label }
    }

    static let f32x2: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]   // [1, 2]

    static func entry(_ name: String, _ dtype: String = "F32", _ shape: String = "[2]", _ offsets: String = "[0,8]") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    static let cases: [Case] = [
        Case(label: "shorter than the length word", bytes: [1, 2, 3], tensor: nil, reason: "too short"),
        Case(label: "header length past the end",
             bytes: S.rawSafeTensors(header: "{\(entry("w"))}", data: f32x2, length: 5000),
             tensor: nil, reason: "runs past the end of the file"),
        Case(label: "header length with the top bit set",
             bytes: S.rawSafeTensors(header: "{}", data: [], length: UInt64.max),
             tensor: nil, reason: "over the 100 MB limit"),
        Case(label: "header over 100 MB",
             bytes: S.rawSafeTensors(header: "{}", data: [], length: 100_000_001),
             tensor: nil, reason: "over the 100 MB limit"),
        Case(label: "invalid JSON", bytes: S.rawSafeTensors(header: "{\"w\":{\"dtype\":", data: []),
             tensor: nil, reason: "not valid JSON"),
        Case(label: "JSON that is not an object", bytes: S.rawSafeTensors(header: "[1, 2]  ", data: []),
             tensor: nil, reason: "not a JSON object"),
        Case(label: "duplicate tensor name",
             bytes: S.rawSafeTensors(header: "{\(entry("w")),\(entry("w"))}", data: f32x2),
             tensor: nil, reason: "duplicate key"),
        Case(label: "missing dtype",
             bytes: S.rawSafeTensors(header: "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data: f32x2),
             tensor: "w", reason: "no dtype"),
        Case(label: "missing shape",
             bytes: S.rawSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", data: f32x2),
             tensor: "w", reason: "no shape"),
        Case(label: "missing data_offsets",
             bytes: S.rawSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", data: f32x2),
             tensor: "w", reason: "no data_offsets"),
        Case(label: "unknown dtype",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F12"))}", data: f32x2),
             tensor: "w", reason: "unknown dtype 'F12'"),
        Case(label: "negative dimension",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[-2]"))}", data: f32x2),
             tensor: "w", reason: "negative dimension -2"),
        Case(label: "fractional dimension",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[2.5]"))}", data: f32x2),
             tensor: "w", reason: "non-integer dimension"),
        Case(label: "shape whose product overflows",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[4294967296,4294967296,4]"))}", data: f32x2),
             tensor: "w", reason: "impossibly large"),
        Case(label: "shape of no elements whose other dimensions overflow",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[0,4294967296,4294967296]", "[0,0]"))}", data: []),
             tensor: "w", reason: "impossibly large (more than 2199023255552 elements)"),
        Case(label: "shape one element over the limit",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "U8", "[2199023255553]", "[0,2199023255553]"))}", data: []),
             tensor: "w", reason: "impossibly large"),
        Case(label: "shape that does not match the byte count",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[3]"))}", data: f32x2),
             tensor: "w", reason: "needs 12 bytes, data_offsets give 8"),
        Case(label: "dtype that does not match the byte count",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F16", "[2]"))}", data: f32x2),
             tensor: "w", reason: "needs 4 bytes"),
        Case(label: "offsets outside the data area",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[4]", "[0,16]"))}", data: f32x2),
             tensor: "w", reason: "outside the data area of 8 bytes"),
        Case(label: "offsets far outside the data area",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[2]", "[9000000000000000000,9000000000000000008]"))}", data: f32x2),
             tensor: "w", reason: "outside the data area"),
        Case(label: "decreasing offsets",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[0]", "[8,0]"))}", data: f32x2),
             tensor: "w", reason: "not an increasing pair"),
        Case(label: "negative offset",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[0]", "[-4,-4]"))}", data: f32x2),
             tensor: "w", reason: "not an increasing pair"),
        Case(label: "offsets that are not a pair",
             bytes: S.rawSafeTensors(header: "{\(entry("w", "F32", "[2]", "[0,8,16]"))}", data: f32x2),
             tensor: "w", reason: "not a pair of integers"),
        Case(label: "overlapping tensors",
             bytes: S.rawSafeTensors(header: "{\(entry("a", "F32", "[2]", "[0,8]")),\(entry("b", "F32", "[1]", "[4,8]"))}",
                                     data: f32x2),
             tensor: "b", reason: "overlap tensor 'a'"),
        Case(label: "a gap between tensors",
             bytes: S.rawSafeTensors(header: "{\(entry("a", "F32", "[1]", "[0,4]")),\(entry("b", "F32", "[1]", "[8,12]"))}",
                                     data: f32x2 + [0, 0, 0, 0]),
             tensor: "b", reason: "leave bytes 4..<8"),
        Case(label: "trailing bytes nobody owns",
             bytes: S.rawSafeTensors(header: "{\(entry("a", "F32", "[1]", "[0,4]"))}", data: f32x2),
             tensor: nil, reason: "cover 4 bytes of a 8-byte data area"),
        Case(label: "metadata value that is not a string",
             bytes: S.rawSafeTensors(header: "{\"__metadata__\":{\"n\":3}}", data: []),
             tensor: nil, reason: "not a string"),
        Case(label: "entry that is not an object",
             bytes: S.rawSafeTensors(header: "{\"w\":[1,2]}", data: []),
             tensor: "w", reason: "not a JSON object"),
        Case(label: "deeply nested JSON",
             bytes: S.rawSafeTensors(header: String(repeating: "[", count: 100_000), data: []),
             tensor: nil, reason: "nesting deeper"),
        Case(label: "control character in a name",
             bytes: S.rawSafeTensors(header: "{\"w\u{1}\":1}", data: []),
             tensor: nil, reason: "not valid JSON"),
    ]

    @Test(arguments: cases)
    func malformedFileIsAClearError(_ c: Case) throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/broken.safetensors"
        try S.write(c.bytes, to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try SafeTensors.read(path: path) }
        let e = try #require(error)
        #expect(e.path == path)
        #expect(e.tensor == c.tensor)
        #expect(e.description.contains(path))
        #expect(e.description.contains(c.reason), "\(e.description)")
        if let t = c.tensor { #expect(e.description.contains("'\(t)'")) }
    }

    /// The count is checked once the header is parsed; a header of 100,001 entries would be
    /// 5 MB, so the check is tested on its own.
    @Test func tensorCountOverTheLimitIsRefused() throws {
        #expect(SafeTensors.maxTensors == 100_000)
        #expect(throws: Never.self) { try SafeTensors.checkTensorCount(100_000, path: "p") }
        let error = #expect(throws: CheckpointError.self) { try SafeTensors.checkTensorCount(100_001, path: "p") }
        #expect(error?.description == "p: not a valid safetensors file: the header lists 100001 tensors, more than the limit of 100000")
        // "__metadata__" is not a tensor.
        let path = try S.temporaryDirectory() + "/m.safetensors"
        defer { S.remove((path as NSString).deletingLastPathComponent) }
        try S.write(S.rawSafeTensors(header: "{\"__metadata__\":{},\(Self.entry("w"))}", data: Self.f32x2), to: path)
        #expect(try SafeTensors.read(path: path).entries.count == 1)
    }

    @Test func missingFileAndDirectoryAreIOErrors() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let missing = dir + "/nope.safetensors"
        #expect(throws: CheckpointError.io(path: missing, reason: "cannot open: No such file or directory")) {
            _ = try SafeTensors.read(path: missing)
        }
        let error = #expect(throws: CheckpointError.self) { _ = try SafeTensors.read(path: dir) }
        #expect(error?.description.contains("directory") == true)
    }

    @Test func emptyFileAndEmptyHeaderAreHandled() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/e.safetensors"
        try S.write([], to: path)
        #expect(throws: CheckpointError.self) { _ = try SafeTensors.read(path: path) }
        // A file with no tensors at all is valid.
        try S.write(S.rawSafeTensors(header: "{}      ", data: []), to: path)
        #expect(try SafeTensors.read(path: path).entries.isEmpty)
    }

    /// Random corruption of a real file: any byte flipped or the file cut anywhere must give
    /// either a valid read or an error, never a trap.
    @Test func corruptedFixtureNeverCrashes() throws {
        let source = try S.read(try #require(S.fixture("tiny-a.model.safetensors")))
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/c.safetensors"
        var rng = SeededGenerator(seed: 11)
        let headerEnd = 8 + Int(source[0]) + Int(source[1]) << 8 + Int(source[2]) << 16
        for trial in 0..<60 {
            var bytes = source
            if trial % 3 == 0 {
                bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            } else {
                let at = Int(rng.next() % UInt64(headerEnd))
                bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            try S.write(bytes, to: path)
            if let st = try? SafeTensors.read(path: path) {
                for name in st.names { _ = try? st.floats(name) }
            }
        }
    }
}
