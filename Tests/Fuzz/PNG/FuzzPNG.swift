import FuzzSupport

/// A PNG file through the image decoders (decodeAndCheck).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    decodeAndCheck(FuzzFiles.write(UnsafeRawBufferPointer(start: data, count: size), named: "image.png"))
    return 0
}
