import FuzzSupport
@testable import MAE

/// The unpickler behind a zip whose CRC holds: the input is `data.pkl`. It is also unpickled on
/// its own, then the archive goes through everything a checkpoint does (state dict, tensors
/// rebuilt from storages, the authors' args as a Namespace).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnpickler(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let pickle = Array(UnsafeBufferPointer(start: data, count: size))
    var unpickler = pickle.withUnsafeBytes { Unpickler(path: "data.pkl", bytes: $0) }
    _ = try? unpickler.load()
    // One small storage, so that tensors which point at key "0" find bytes to read.
    let storage = [UInt8](repeating: 0, count: 64)
    let zip = storedZip([("archive/data.pkl", pickle), ("archive/byteorder", Array("little".utf8)),
                         ("archive/data/0", storage), ("archive/version", Array("3\n".utf8))])
    openCheckpointEveryWay(FuzzFiles.write(zip, named: "checkpoint.pth"))
    return 0
}
