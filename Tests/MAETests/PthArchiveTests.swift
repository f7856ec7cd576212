import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport
private typealias P = PthTestSupport

@Suite struct PthArchiveTests {
    /// Reads every tensor of a .pth state dict.
    private static func tensors(_ path: String) throws -> [String: (shape: [Int], values: [Float])] {
        let source = try TensorSource.pth(path)
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for (name, shape) in source.shapes {
            var values = [Float](repeating: .nan, count: shape.reduce(1, *))
            try values.withUnsafeMutableBufferPointer { try source.floats(name, into: $0) }
            out[name] = (shape, values)
        }
        return out
    }

    @Test(arguments: ["tiny-a.model.pth", "tiny-a.checkpoint-3.pth"])
    func pytorchFileEqualsTheSafetensorsFixtureExactly(_ file: String) throws {
        let pth = try Self.tensors(try #require(S.fixture(file)))
        let st = try SafeTensors.read(path: try #require(S.fixture("tiny-a.model.safetensors")))
        #expect(Set(pth.keys) == Set(st.names))
        for entry in st.entries {
            let got = try #require(pth[entry.name])
            #expect(got.shape == entry.shape, "\(entry.name)")
            #expect(got.values == (try st.floats(entry.name)), "\(entry.name)")
        }
        // The state dict's order (the model's) is kept; the safetensors fixture lists names sorted.
        let config = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                               decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 4)
        #expect(try TensorSource.pth(try #require(S.fixture(file))).shapes.map(\.name)
                == ParameterTable(config: config).entries.map(\.name))
    }

    /// The authors' checkpoint-N.pth: weights under "model", beside optimizer state, an epoch, the
    /// AMP scaler and `args`, a pickled argparse.Namespace whose fields are kept as plain data
    /// (no Python class is built).
    /// Fixtures/tiny-a.checkpoint-3.pth was made with torch 2.x: the tiny-a weights loaded into
    /// mae_reference.MAE, then torch.save({'model': model.state_dict(), 'optimizer':
    /// AdamW(...).state_dict() after one step on cls_token and mask_token, 'epoch': 3,
    /// 'scaler': GradScaler-style dict, 'args': argparse.Namespace(batch_size=64, ...)}).
    @Test func authorsTrainingCheckpointKeepsTheArgsFields() throws {
        let archive = try PthArchive.read(path: try #require(S.fixture("tiny-a.checkpoint-3.pth")))
        guard case .dict(let top) = archive.root else { Issue.record("root is \(archive.root.kind)"); return }
        #expect(top["epoch"]?.intValue == 3)
        guard case .namespace(let args)? = top["args"] else { Issue.record("args is \(top["args"]?.kind ?? "absent")"); return }
        #expect(args["batch_size"]?.intValue == 64)
        guard case .dict(let scaler)? = top["scaler"], case .float(let scale)? = scaler["scale"] else {
            Issue.record("no scaler"); return
        }
        #expect(scale == 65536)
        guard case .dict(let optimizer)? = top["optimizer"], case .list(let groups)? = optimizer["param_groups"],
              case .dict(let group)? = groups.items.first, case .tuple(let betas)? = group["betas"] else {
            Issue.record("no optimizer param group"); return
        }
        #expect(betas.count == 2)
        #expect(try archive.stateDict().count == 50)
    }

    @Test func sharedStorageWithOffsetsReadsEachView() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/views.pth"
        let pickle = P.Pickle.stateDict { p in
            p.string("a"); p.tensor(key: "0", numel: 6, offset: 0, shape: [2])
            p.string("b"); p.tensor(key: "0", numel: 6, offset: 2, shape: [2, 2])
            p.string("h"); p.tensor(key: "1", type: "HalfStorage", numel: 2, shape: [2])
            p.string("one"); p.tensor(key: "0", numel: 6, offset: 5, shape: [1, 1], stride: [7, 9])
        }
        let half: [UInt8] = [0x00, 0x3C, 0x00, 0xC1]       // 1, -2.5
        try S.write(P.archive(pickle: pickle, storages: ["0": P.floats([0, 1, 2, 3, 4, 5]), "1": half]), to: path)
        let t = try Self.tensors(path)
        #expect(t["a"]?.values == [0, 1])
        #expect(t["b"]?.values == [2, 3, 4, 5])
        #expect(t["b"]?.shape == [2, 2])
        #expect(t["h"]?.values == [1, -2.5])
        #expect(t["one"]?.values == [5])
    }

    @Test func zip64ArchiveReads() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/big.pth"
        let pickle = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [2, 2]) }
        try S.write(P.archive(pickle: pickle, storages: ["0": Self.w4], zip64: true), to: path)
        #expect(try Self.tensors(path)["w"]?.values == [1, 2, 3, 4])
        // Cut the ZIP64 end record's pointer: a clear error, not a read past the end.
        var bytes = try S.read(path)
        bytes[bytes.count - 22 - 12] = 0xFF
        bytes[bytes.count - 22 - 5] = 0x7F
        try S.write(bytes, to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try Self.tensors(path) }
        #expect(error?.description.contains("ZIP64 end record missing") == true)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var label: String
        var bytes: [UInt8]
        var expected: String
        var testDescription: String { label }
    }

    static let w4 = P.floats([1, 2, 3, 4])

    static let bad: [Bad] = [
        Bad(label: "non-contiguous tensor",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "0", numel: 4, shape: [2, 2], stride: [1, 2])
            }, storages: ["0": w4]),
            expected: "tensor 'w': is not contiguous"),
        Bad(label: "view past the end of its storage",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "0", numel: 4, offset: 2, shape: [3])
            }, storages: ["0": w4]),
            expected: "tensor 'w': elements 2..<5 lie outside its storage of 4"),
        Bad(label: "storage shorter than it claims",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "0", numel: 400, shape: [400])
            }, storages: ["0": w4]),
            expected: "storage archive/data/0 has 16 bytes"),
        Bad(label: "storage missing from the archive",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "7", numel: 4, shape: [4])
            }, storages: ["0": w4]),
            expected: "its storage archive/data/7 is missing"),
        Bad(label: "storage type maex does not read",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "0", type: "ComplexFloatStorage", numel: 2, shape: [2])
            }, storages: ["0": w4]),
            expected: "storage type torch.ComplexFloatStorage"),
        Bad(label: "code in place of a tensor",
            bytes: P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.global("os", "system"); p.mark(); p.string("echo pwned"); p.op(0x74); p.op(0x52)
            }, storages: [:]),
            expected: "tensor 'w': is an object of 'os.system'"),
        Bad(label: "a whole pickled module (torch.save(model))",
            bytes: P.archive(pickle: {
                var p = P.Pickle()
                p.global("models_mae", "MaskedAutoencoderViT"); p.op(0x29); p.op(0x81)   // NEWOBJ
                p.op(0x7D); p.op(0x62)                                                 // BUILD
                p.stop()
                return p.bytes
            }(), storages: [:]),
            expected: "refers to 'models_mae.MaskedAutoencoderViT'"),
        Bad(label: "deflated pickle",
            bytes: P.archive(pickle: P.Pickle.stateDict { _ in }, storages: [:], pickleMethod: 8),
            expected: "compressed with deflate"),
        Bad(label: "unsupported opcode",
            bytes: P.archive(pickle: [0x80, 2, 0x7D, 0x46] + Array("1.5\n".utf8) + [0x2E], storages: [:]),
            expected: "opcode 0x46"),
        Bad(label: "pickle without STOP",
            bytes: P.archive(pickle: [0x80, 2, 0x7D], storages: [:]),
            expected: "ends without STOP"),
        Bad(label: "memo entry never stored",
            bytes: P.archive(pickle: [0x80, 2, 0x68, 9, 0x2E], storages: [:]),
            expected: "memo entry 9 was never stored"),
        Bad(label: "string longer than the pickle",
            bytes: P.archive(pickle: [0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0x2E], storages: [:]),
            expected: "2147483647 bytes claimed"),
        Bad(label: "empty state dict", bytes: P.archive(pickle: P.Pickle.stateDict { _ in }, storages: [:]),
            expected: "holds no tensors"),
        Bad(label: "zip without data.pkl", bytes: P.zip([P.ZipEntry(name: "x/readme", data: [1])]),
            expected: "without <name>/data.pkl"),
        Bad(label: "legacy torch file", bytes: [0x80, 2, 0x8A, 0x0A] + Array(repeating: 0, count: 40),
            expected: "legacy (pre-1.6)"),
        Bad(label: "zip cut in half",
            bytes: Array(P.archive(pickle: P.Pickle.stateDict { p in
                p.string("w"); p.tensor(key: "0", numel: 4, shape: [4])
            }, storages: ["0": w4]).prefix(150)),
            expected: "not a valid"),
    ]

    @Test(arguments: bad)
    func malformedArchiveIsAClearError(_ c: Bad) throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/bad.pth"
        try S.write(c.bytes, to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try Self.tensors(path) }
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.description.contains(c.expected) == true, "\(error?.description ?? "")")
    }

    @Test func truncatedOrCorruptedPicklesNeverCrash() throws {
        let path = try #require(S.fixture("tiny-a.checkpoint-3.pth"))
        let zip = try ZipReader(file: MappedFile(path: path))
        let pkl = try #require(zip.entries.first { $0.name.hasSuffix("data.pkl") })
        let original = Array(try zip.data(pkl))
        var rng = SeededGenerator(seed: 5)
        for trial in 0..<300 {
            var bytes = original
            if trial % 4 == 0 {
                bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            } else {
                for _ in 0..<(1 + trial % 3) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            bytes.withUnsafeBytes { raw in
                var u = Unpickler(path: "x", bytes: raw)
                _ = try? u.load()
            }
        }
    }

    @Test func crcMismatchIsReported() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/crc.pth"
        var bytes = P.archive(pickle: P.Pickle.stateDict { p in
            p.string("w"); p.tensor(key: "0", numel: 4, shape: [4])
        }, storages: ["0": Self.w4])
        bytes[50] ^= 0xFF                      // inside data.pkl, after its 30 + 16 byte local header
        try S.write(bytes, to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try PthArchive.read(path: path) }
        #expect(error?.description.contains("CRC") == true)
    }
}
