import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport

@Suite struct SafeTensorsTests {
    @Test func f32RoundTripIsExactAndKeepsMetadataAndOrder() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/a.safetensors"
        let a: [Float] = [1, -2.5, .pi, 1e-30, -0.0, 3.4e38]
        let b: [Float] = (0..<12).map { Float($0) * 0.37 - 2 }
        try SafeTensors.write([
            .init(name: "z.first", shape: [2, 3], floats: a),
            .init(name: "a.second", shape: [3, 1, 4], floats: b),
            .init(name: "scalar", shape: [], floats: [7]),
            .init(name: "empty", shape: [0, 5], floats: []),
        ], metadata: ["format": "mae-explorer/1", "quote\"d": "line\nbreak"], to: path)

        let st = try SafeTensors.read(path: path)
        #expect(st.names == ["z.first", "a.second", "scalar", "empty"])
        #expect(try st.floats("z.first") == a)
        #expect(try st.floats("a.second") == b)
        #expect(try st.floats("scalar") == [7])
        #expect(try st.floats("empty") == [])
        #expect(st.entry("a.second")?.shape == [3, 1, 4])
        #expect(st.entry("a.second")?.dtype == .f32)
        #expect(st.metadata == ["format": "mae-explorer/1", "quote\"d": "line\nbreak"])
        #expect(S.listing(dir) == ["a.safetensors"])
    }

    @Test func headerIsPaddedToEightBytesAndWidestTensorsComeFirst() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/b.safetensors"
        try SafeTensors.write([
            .init(name: "h", shape: [3], floats: [1, 2, 3], storage: .f16),
            .init(name: "f", shape: [1], floats: [1]),
            .init(name: "ids", shape: [2], int64s: [5, -1]),
        ], to: path)
        let bytes = try S.read(path)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        #expect((8 + n) % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.hasPrefix("{"))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
        // I64 (8 bytes) at offset 0, then F32, then F16: every tensor aligned to its element size.
        let st = try SafeTensors.read(path: path)
        #expect(st.entry("ids")?.byteRange == 0..<16)
        #expect(st.entry("f")?.byteRange == 16..<20)
        #expect(st.entry("h")?.byteRange == 20..<26)
        #expect(try st.int64s("ids") == [5, -1])
        #expect(bytes.count == 8 + n + 26)
    }

    @Test func f16RoundTripIsWithinHalfPrecision() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/h.safetensors"
        var rng = SeededGenerator(seed: 3)
        let values: [Float] = (0..<500).map { _ in (rng.nextUniform() - 0.5) * 200 } + [0, 1, -1, 65504, 6e-5]
        try SafeTensors.write([.init(name: "w", shape: [values.count], floats: values, storage: .f16)], to: path)
        let st = try SafeTensors.read(path: path)
        #expect(st.entry("w")?.dtype == .f16)
        let back = try st.floats("w")
        for (v, r) in zip(values, back) {
            // Half precision has an 11-bit significand: relative error at most 2^-11 for normals.
            #expect(abs(v - r) <= max(abs(v) * 0x1p-11, 0x1p-24), "\(v) came back as \(r)")
        }
        #expect(back[values.count - 4] == 1)
        #expect(back[values.count - 2] == 65504)
    }

    @Test func readsF16AndBF16AndF64AndIntegersToFloat() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/mixed.safetensors"
        // Bit patterns written by hand: F16 0x3C00 = 1, 0xC100 = -2.5, 0x3555 ≈ 0.33325;
        // BF16 0x3FC0 = 1.5, 0xC049 = -3.140625; F64 -0.125; I64 -7 and 9.
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC1, 0x55, 0x35]
        let bf16: [UInt8] = [0xC0, 0x3F, 0x49, 0xC0]
        let f64 = withUnsafeBytes(of: (-0.125).bitPattern.littleEndian) { Array($0) }
        let i64 = withUnsafeBytes(of: Int64(-7).littleEndian) { Array($0) } + withUnsafeBytes(of: Int64(9).littleEndian) { Array($0) }
        let header = """
            {"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"i":{"dtype":"I64","shape":[2],"data_offsets":[8,24]},\
            "h":{"dtype":"F16","shape":[3],"data_offsets":[24,30]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[30,34]}}
            """
        try S.write(S.rawSafeTensors(header: header, data: f64 + i64 + f16 + bf16), to: path)
        let st = try SafeTensors.read(path: path)
        let h = try st.floats("h")
        #expect(h[0] == 1 && h[1] == -2.5)
        #expect(abs(h[2] - S.halfValue(0x3555)) == 0)
        #expect(try st.floats("b") == [1.5, -3.140625])
        #expect(try st.floats("d") == [-0.125])
        #expect(try st.floats("i") == [-7, 9])
        #expect(try st.int64s("i") == [-7, 9])
    }

    @Test func fixtureModelsLoadWithTheAuthorsNames() throws {
        for name in ["tiny-a.model.safetensors", "tiny-b.model.safetensors"] {
            let path = try #require(S.fixture(name))
            let st = try SafeTensors.read(path: path)
            #expect(st.metadata["format"] == "mae-explorer/1")
            #expect(st.metadata["mae.config"]?.contains("\"embed_dim\"") == true)
            for required in ["cls_token", "pos_embed", "patch_embed.proj.weight", "blocks.0.attn.qkv.weight",
                             "decoder_embed.weight", "decoder_pred.bias", "mask_token", "decoder_pos_embed"] {
                #expect(st.entry(required) != nil, "\(name) lacks \(required)")
            }
            #expect(st.entries.allSatisfy { $0.dtype == .f32 })
        }
        let a = try SafeTensors.read(path: try #require(S.fixture("tiny-a.model.safetensors")))
        #expect(a.entry("patch_embed.proj.weight")?.shape == [64, 3, 8, 8])
        #expect(a.entry("pos_embed")?.shape == [1, 17, 64])
        // pos_embed row 0 (the class token's) is zero; row 1 starts with sin(1·ω0) of col 0 = 0.
        let pos = try a.floats("pos_embed")
        #expect(pos[0..<64].allSatisfy { $0 == 0 })
    }

    @Test func missingTensorIsAnErrorNamingIt() throws {
        let path = try #require(S.fixture("tiny-a.model.safetensors"))
        let st = try SafeTensors.read(path: path)
        #expect(throws: CheckpointError.badTensor(path: path, tensor: "nope", reason: "not in the file")) {
            _ = try st.floats("nope")
        }
    }
}
