import FuzzSupport

/// A PyTorch .pth file as it comes: the zip reader (end record, zip64, central directory, local
/// headers), then the pickle and the storages behind it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPth(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    openCheckpointEveryWay(FuzzFiles.write(UnsafeRawBufferPointer(start: data, count: size), named: "checkpoint.pth"))
    return 0
}
