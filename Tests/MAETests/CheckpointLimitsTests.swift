import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport
private typealias P = PthTestSupport

/// A config read from a file (mae.config, config.json, a checkpoint's args) is bounded before
/// any size is computed from it.
extension CheckpointTests {
    @Test(arguments: [
        ("embed_dim", 1 << 62, "embed_dim must be at most 16384, got 4611686018427387904"),
        ("depth", 1_000_000_000, "depth must be at most 256, got 1000000000"),
        ("decoder_embed_dim", 16388, "decoder_embed_dim must be at most 16384"),
        ("decoder_depth", 257, "decoder_depth must be at most 256"),
        ("img_size", 8192, "img_size must be at most 4096, got 8192"),
        ("patch_size", 32, "patch_size must be at most 16, got 32"),
        ("in_chans", 1000, "in_chans must be at most 64"),
    ])
    func aConfigFieldBeyondItsLimitIsRefused(_ key: String, _ value: Int, _ expected: String) throws {
        var json = try JSONSerialization.jsonObject(with: Data(Checkpoint.configJSON(Self.small).utf8)) as! [String: Any]
        json[key] = value
        let config = try JSONDecoder().decode(MAEConfig.self, from: JSONSerialization.data(withJSONObject: json))
        let error = #expect(throws: MAEConfigError.self) { try config.validate() }
        #expect(error?.field == key)
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
    }

    @Test func patchCountRatioAndParameterCountAreBounded() {
        var config = Self.small
        config.imgSize = 1024
        config.patchSize = 8
        let patches = #expect(throws: MAEConfigError.self) { try config.validate() }
        #expect(patches?.description.contains("gives 16384 patches of 8 px, more than the limit of 4096") == true)
        config = Self.small
        config.mlpRatio = 1e300
        let ratio = #expect(throws: MAEConfigError.self) { try config.validate() }
        #expect(ratio?.description.contains("mlp_ratio must be above 0 and at most 64.0, got 1e+300") == true)
        config = MAEConfig(imgSize: 224, patchSize: 16, embedDim: 16384, depth: 256, numHeads: 16,
                           decoderEmbedDim: 512, decoderDepth: 8, decoderNumHeads: 16)
        let parameters = #expect(throws: MAEConfigError.self) { try config.validate() }
        #expect(parameters?.description.contains("parameters, more than the limit of 2000000000") == true,
                "\(parameters?.description ?? "")")
        #expect(throws: Never.self) { try MAEConfig.huge.validate() }
    }

    /// The error of loading a safetensors file of one tensor whose mae.config is `config`.
    private static func loadError(config: String, tensor: SafeTensors.Tensor) throws -> (path: String, error: String) {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/config.safetensors"
        try SafeTensors.write([tensor], metadata: ["mae.config": config], to: path)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: path) }
        return (path, error?.description ?? "no error")
    }

    /// A checkpoint whose mae.config asks for embed_dim 2⁶² used to trap on Double → Int while
    /// the model was sized; it is now refused naming the file and the field.
    @Test func aCheckpointWhoseConfigIsBeyondTheLimitsIsRefused() throws {
        let config = #"{"img_size": 32, "patch_size": 8, "embed_dim": 4611686018427387904, "depth": 1, "num_heads": 1, "#
            + #""decoder_embed_dim": 8, "decoder_depth": 1, "decoder_num_heads": 1}"#
        let (path, error) = try Self.loadError(config: config, tensor: .init(name: "decoder_pred.bias", shape: [1], floats: [1]))
        #expect(error.hasPrefix(path + ": "))
        #expect(error.contains("embed_dim must be at most 16384"), "\(error)")
    }

    /// A config of a few hundred bytes may ask for a model of gigabytes (2048 wide and 32 layers
    /// deep: 1.6 billion parameters, 6.5 GB) beside tensors that do not have them: the tensors
    /// are compared with the config's table first, so the file is refused with nothing allocated.
    @Test func aConfigMuchLargerThanItsTensorsIsRefusedBeforeTheModelIsAllocated() throws {
        let config = #"{"img_size": 224, "patch_size": 16, "embed_dim": 2048, "depth": 32, "num_heads": 16, "#
            + #""decoder_embed_dim": 512, "decoder_depth": 8, "decoder_num_heads": 16}"#
        func peakResidentBytes() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_maxrss * 1024
        }
        let before = peakResidentBytes()
        let (_, error) = try Self.loadError(config: config, tensor: .init(name: "decoder_pred.bias", shape: [768],
                                                                         floats: .init(repeating: 0, count: 768)))
        #expect(error.contains("lacks"), "\(error)")
        #expect(peakResidentBytes() - before < 1 << 30, "the 6.5 GB model was allocated")
    }

    /// The authors' args feed the watch probe's mask ratio and the run's length: values outside
    /// their range are left unread (a mask ratio of 1e300 would trap when the patches are counted).
    @Test func argsOutsideTheirRangeAreNotRead() throws {
        var p = P.Pickle()
        p.op(0x7D); p.mark()
        p.string("epoch"); p.int(-1)
        p.string("args"); p.global("argparse", "Namespace"); p.op(0x29); p.op(0x81)
        p.op(0x7D); p.mark()
        p.string("mask_ratio"); p.float(1e300)
        p.string("epochs"); p.int(1 << 40)
        p.string("input_size"); p.int(0)
        p.string("batch_size"); p.int(64)
        p.op(0x75); p.op(0x62)                                              // SETITEMS, BUILD
        p.op(0x75); p.stop()
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/args.pth"
        try S.write(P.archive(pickle: p.bytes, storages: [:]), to: path)
        let args = try #require(try TrainingArgs.read(path: path))
        #expect(args.epoch == nil && args.maskRatio == nil && args.epochs == nil && args.inputSize == nil)
        #expect(args.batchSize == 64)
        #expect(TrainingArgs.maxCount == Int(Int32.max))
    }
}
