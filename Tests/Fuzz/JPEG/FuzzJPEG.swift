import FuzzSupport

/// A JPEG file through the image decoders (decodeAndCheck).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    decodeAndCheck(FuzzFiles.write(UnsafeRawBufferPointer(start: data, count: size), named: "image.jpeg"))
    return 0
}
