import FuzzSupport
import MAE

/// A .safetensors file: the header's JSON, the tensor table (dtypes, shapes, data offsets) and
/// every tensor's conversion to F32, then everything a checkpoint goes through.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzFiles.write(UnsafeRawBufferPointer(start: data, count: size), named: "model.safetensors")
    if let file = try? SafeTensors.read(path: path) {
        for entry in file.entries {
            if let values = try? file.floats(entry.name) {
                precondition(values.count == entry.shape.reduce(1, *), "\(entry.name): \(values.count) values for \(entry.shape)")
            }
        }
    }
    openCheckpointEveryWay(path)
    return 0
}
