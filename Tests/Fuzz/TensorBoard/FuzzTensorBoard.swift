import FuzzSupport
@testable import Explorer

/// TensorBoard event files. Input that starts with byte 0 is the file itself (the TFRecord
/// framing and its CRCs). Otherwise the input is Event payloads separated by "\n--\n", which
/// the harness frames with correct CRCs, so that mutations reach the protobuf decoding and the
/// follower's tags and steps instead of failing a checksum.
private let separator = Array("\n--\n".utf8)
private let folder = FuzzFiles.subfolder("tb")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTensorBoard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let file: [UInt8]
    if input.first == 0 {
        file = Array(input.dropFirst())
    } else {
        var framed: [UInt8] = []
        for payload in split(input) {
            _ = TensorBoardEvent.scalars(payload)
            let length = UInt64(payload.count)
            let header = (0..<8).map { UInt8(length >> (8 * $0) & 0xFF) }
            framed += header + le(CRC32C.masked(header)) + payload + le(CRC32C.masked(payload))
        }
        file = framed
    }
    let tb = folder  // made on first use
    FuzzFiles.write(file, named: "tb/events.out.tfevents.1.fuzz")
    let follower = TensorBoardFollower(folder: tb)
    _ = follower.poll(now: 0)
    _ = follower.poll(now: 1e9)  // long after: the last step's point is handed out too
    return 0
}

private func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }

private func split(_ bytes: [UInt8]) -> [[UInt8]] {
    var parts: [[UInt8]] = [], start = 0, i = 0
    while i + separator.count <= bytes.count {
        if bytes[i..<i + separator.count].elementsEqual(separator) {
            parts.append(Array(bytes[start..<i])); i += separator.count; start = i
        } else { i += 1 }
    }
    parts.append(Array(bytes[start...]))
    return parts
}
