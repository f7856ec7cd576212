import FuzzSupport
@testable import MAE

/// A Hugging Face folder whose config.json is the input, beside a real ViTMAE model.safetensors:
/// the JSON reader, the config's fields, and a load that trusts nothing the config says.
private let folder: String = {
    let path = FuzzFiles.subfolder("hf")
    FuzzFiles.write(FuzzFiles.sourceFile("Tests/MAETests/Fixtures/hf-v5/model.safetensors"), named: "hf/model.safetensors")
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHuggingFaceConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let json = try? JSONValue.parse(bytes) { _ = try? HuggingFaceConfig(path: "config.json", json: json) }
    let hf = folder  // made, with its weights, on first use
    FuzzFiles.write(bytes, named: "hf/config.json")
    openCheckpointEveryWay(hf)
    return 0
}
