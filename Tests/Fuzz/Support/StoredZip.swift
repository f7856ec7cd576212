@testable import MAE

/// A zip archive of stored (uncompressed) entries with correct CRC-32s, the layout torch.save
/// writes: lets a harness put fuzzed bytes where a checksum would otherwise turn every mutation
/// away before the parser behind it runs.
public func storedZip(_ entries: [(name: String, bytes: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = [], central: [UInt8] = []
    func u16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: UInt32, _ to: inout [UInt8]) { for s in stride(from: 0, to: 32, by: 8) { to.append(UInt8(v >> UInt32(s) & 0xFF)) } }
    for (name, bytes) in entries {
        let crc = bytes.withUnsafeBytes { crc32($0) }
        let offset = UInt32(out.count), nameBytes = Array(name.utf8)
        u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
        u32(crc, &out); u32(UInt32(bytes.count), &out); u32(UInt32(bytes.count), &out)
        u16(nameBytes.count, &out); u16(0, &out); out += nameBytes; out += bytes

        u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central)
        u16(0, &central); u16(0, &central); u32(crc, &central); u32(UInt32(bytes.count), &central)
        u32(UInt32(bytes.count), &central); u16(nameBytes.count, &central); u16(0, &central); u16(0, &central)
        u16(0, &central); u16(0, &central); u32(0, &central); u32(offset, &central); central += nameBytes
    }
    let centralOffset = UInt32(out.count)
    out += central
    u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
    u32(UInt32(central.count), &out); u32(centralOffset, &out); u16(0, &out)
    return out
}
