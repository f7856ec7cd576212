import MAE

/// The mask file format: the first byte picks the grid (1 to 32 patches a side), the rest is
/// the file. A mask that parses has exactly one flag per patch.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMaskFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let g = 1 + Int(data[0]) % 32
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    if let mask = try? MaskFile.parse(text, gridSize: g, path: "mask.txt") {
        precondition(mask.count == g * g, "\(mask.count) flags for a \(g) × \(g) grid")
    }
    return 0
}
