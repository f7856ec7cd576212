import Foundation
@testable import MAE

/// Scratch files and fixtures for the checkpoint tests.
enum CheckpointTestSupport {
    /// A new empty directory under the system's temporary folder.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("maex-checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// A file of the test bundle's Fixtures folder.
    static func fixture(_ name: String) -> String? {
        let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        return Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures")?.path
    }

    /// A safetensors file made by hand: `length` overrides the 8-byte header length.
    static func rawSafeTensors(header: String, data: [UInt8], length: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = length ?? UInt64(h.count)
        return withUnsafeBytes(of: n.littleEndian) { Array($0) } + h + data
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Every entry of a directory (to see leftover temporary files).
    static func listing(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// The float value of a half-precision bit pattern, computed by hand from the IEEE layout
    /// (an independent reference for the F16 encoder).
    static func halfValue(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F), mantissa = Float(bits & 0x3FF)
        if exponent == 0 { return sign * mantissa * powf(2, -24) }
        if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
        return sign * (1 + mantissa / 1024) * powf(2, Float(exponent - 15))
    }
}
