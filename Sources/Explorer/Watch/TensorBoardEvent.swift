import Foundation
import SwiftProtobuf

/// One scalar of a TensorBoard event file: a tag's value at a step.
public struct TensorBoardScalar: Equatable, Sendable {
    public var tag: String
    public var step: Int64
    public var wallTime: Double
    public var value: Double

    public init(tag: String, step: Int64, wallTime: Double, value: Double) {
        self.tag = tag
        self.step = step
        self.wallTime = wallTime
        self.value = value
    }
}

/// The scalars in one record of an event file (a serialized `Event`), through swift-protobuf and
/// the messages of Protos/tensorboard_event.proto. A scalar is a summary value's
/// `simple_value` (torch.utils.tensorboard, TF1) or a tensor of one number (TF2's
/// tf.summary.scalar, tensorboard.summary.Writer: the "scalars" plugin); values of other
/// plugins (images, histograms, text) and tensors of more than one number are not scalars.
enum TensorBoardEvent {
    /// nil when the payload is not an Event; [] for an Event without scalars (the file version).
    static func scalars(_ payload: [UInt8]) -> [TensorBoardScalar]? {
        guard let event = try? Tensorboard_Event(serializedBytes: payload) else { return nil }
        guard case .summary(let summary)? = event.what else { return [] }
        var out: [TensorBoardScalar] = []
        for v in summary.value where !v.tag.isEmpty {
            let plugin = v.hasMetadata ? v.metadata.pluginData.pluginName : ""
            let number: Double?
            switch v.value {
            case .simpleValue(let f)?: number = Double(f)
            case .tensor(let t)? where plugin.isEmpty || plugin == "scalars": number = value(of: t)
            default: number = nil
            }
            if let number { out.append(TensorBoardScalar(tag: v.tag, step: event.step, wallTime: event.wallTime, value: number)) }
        }
        return out
    }

    /// The one number of a rank-0 (or one-element) tensor, from its typed field or its raw
    /// little-endian bytes.
    static func value(of t: Tensorboard_TensorProto) -> Double? {
        let elements = t.tensorShape.dim.reduce(Int64(1)) { $0 &* $1.size }
        guard elements == 1, !t.tensorShape.unknownRank else { return nil }
        let raw = [UInt8](t.tensorContent)
        func rawValue<T: FixedWidthInteger>(_: T.Type) -> T? {
            raw.count == MemoryLayout<T>.size ? raw.loadLE(T.self, at: 0) : nil
        }
        switch t.dtype {
        case .dtFloat: return t.floatVal.first.map(Double.init) ?? rawValue(UInt32.self).map { Double(Float(bitPattern: $0)) }
        case .dtDouble: return t.doubleVal.first ?? rawValue(UInt64.self).map { Double(bitPattern: $0) }
        case .dtInt32: return t.intVal.first.map(Double.init) ?? rawValue(Int32.self).map(Double.init)
        case .dtInt64: return t.int64Val.first.map(Double.init) ?? rawValue(Int64.self).map(Double.init)
        case .dtHalf:
            let bits = t.halfVal.first.map { UInt16(truncatingIfNeeded: $0) } ?? rawValue(UInt16.self)
            return bits.map { Double(Float(Float16(bitPattern: $0))) }
        case .dtBfloat16:
            // bfloat16 is the top half of a float32; TensorFlow keeps it in half_val too.
            let bits = t.halfVal.first.map { UInt16(truncatingIfNeeded: $0) } ?? rawValue(UInt16.self)
            return bits.map { Double(Float(bitPattern: UInt32($0) << 16)) }
        case .dtInvalid, .UNRECOGNIZED: return nil
        }
    }
}
