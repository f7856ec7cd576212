import Foundation
import Testing
@testable import Explorer

/// TensorBoard event files written by torch's SummaryWriter and tensorboard's own Writer
/// (Tests/WatchFixtures), through the TFRecord framing, swift-protobuf and the tag choice.
@Suite struct TensorBoardTests {
    /// CRC-32C's check value (RFC 3720) and TensorFlow's mask of it.
    @Test func crc32cMatchesTheCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    /// The authors' SummaryWriter: train_loss and lr at every step against epoch × 1000.
    @Test func readsTheAuthorsSimpleValues() throws {
        let tb = TensorBoardFollower(folder: WatchFixtures.path("authors-tb"))
        let points = tb.poll().points + tb.poll().points
        #expect(tb.lossTag == "train_loss" && tb.lrTag == "lr" && tb.stepIsEpoch1000)
        #expect(points.count == WatchFixtures.steps)
        #expect(points.first?.step == 0 && points.last?.step == 40_833)
        #expect(abs((points.last?.epoch ?? 0) - 40.833) < 1e-9)
        // log.txt's first epoch is the mean of its six steps.
        let log = try String(contentsOfFile: WatchFixtures.path("authors-run/log.txt"), encoding: .utf8)
        guard case .point(let epoch0) = RunLogParser.parse(String(log.split(separator: "\n")[0])) else {
            Issue.record("log.txt unreadable"); return
        }
        let mean = points.prefix(6).map(\.loss).reduce(0, +) / 6
        #expect(abs(mean - epoch0.loss) < 1e-5, "\(mean) vs \(epoch0.loss)")
        #expect(points.allSatisfy { $0.lr != nil })
        #expect(tb.badRecords == 0)
    }

    /// Hugging Face's Trainer: runs/DATE_HOST/ two levels down, train/loss, train/learning_rate
    /// and train/epoch; and the same losses written in TF2's tensor form agree with them.
    @Test func findsTheTrainersFilesAndReadsTheTensorForm() throws {
        #expect(TensorBoardFollower.eventFiles(in: WatchFixtures.path("hf-trainer")).count == 1)
        let hf = TensorBoardFollower(folder: WatchFixtures.path("hf-trainer"))
        let a = hf.poll().points + hf.poll().points
        #expect(hf.lossTag == "train/loss" && hf.lrTag == "train/learning_rate" && hf.epochTag == "train/epoch")
        #expect(a.count == WatchFixtures.steps && a.first?.step == 1)
        #expect(abs((a.last?.epoch ?? 0) - 41) < 1e-4)

        let tf2 = TensorBoardFollower(folder: WatchFixtures.path("tf2-tensors"))
        let b = tf2.poll().points + tf2.poll().points
        #expect(tf2.lossTag == "epoch_loss" && tf2.lrTag == "learning_rate")
        #expect(b.count == a.count)
        for (x, y) in zip(a, b) {
            #expect(x.step == y.step)
            #expect(Float(x.loss) == Float(y.loss))
            #expect(Float(x.lr ?? -1) == Float(y.lr ?? -2))
        }
    }

    @Test func tagPicksTheLossCurveAndAnUnknownTagIsSaid() {
        let tb = TensorBoardFollower(folder: WatchFixtures.path("authors-tb"), tag: "lr")
        let points = tb.poll().points + tb.poll().points
        #expect(tb.lossTag == "lr")
        #expect(points.allSatisfy { $0.loss == $0.lr })
        let none = TensorBoardFollower(folder: WatchFixtures.path("authors-tb"), tag: "no/such")
        #expect((none.poll().points + none.poll().points).isEmpty)
        #expect(none.lossTag == nil && none.tags == ["train_loss", "lr"])
    }

    /// One payload with a bad CRC is skipped and counted; the half record at the end waits,
    /// and reads whole once the rest of it is written.
    @Test func aBadRecordIsSkippedAndATornOneWaits() throws {
        let dir = try WatchFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try WatchFixtures.bytes(WatchFixtures.authorsEvents)
        let damaged = try WatchFixtures.bytes(WatchFixtures.damagedEvents)
        let path = dir + "/events.out.tfevents.1.host.1.0"
        try Data(damaged).write(to: URL(fileURLWithPath: path))

        let reader = TFRecordReader(path: path)
        var u = reader.poll()
        #expect(u.badRecords == 1 && u.damage == nil)
        #expect(u.records.count == 1 + 2 * WatchFixtures.steps - 1)  // file version + two scalars a step, one lost
        // The torn record is not consumed: the offset stops at its start.
        let tornStart = reader.offset
        #expect(tornStart == UInt64(good.count))
        #expect(reader.poll().records.isEmpty)

        // The writer finishes the record (the fixture's torn tail is the first half of the last record).
        let tail = Array(damaged[good.count...])
        let recordLength = Int(tail.loadLE(UInt64.self, at: 0)) + 16
        let rest = Array(good[(good.count - recordLength + tail.count)...])
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(rest))
        try h.close()
        u = reader.poll()
        #expect(u.records.count == 1 && u.badRecords == 0)
        #expect(reader.offset == tornStart + UInt64(recordLength))

        // In the follower the lost step has no loss and so no point; the count says why.
        let tb = TensorBoardFollower(folder: dir)
        let points = tb.poll().points + tb.poll().points
        #expect(points.count == WatchFixtures.steps - 1)
        #expect(tb.badRecords == 1)
    }

    /// Cut and scribbled-over copies of a real file never crash the reader, and a damaged length
    /// stops it with a reason naming the offset.
    @Test func damagedFilesNeverCrash() throws {
        let dir = try WatchFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try WatchFixtures.bytes(WatchFixtures.authorsEvents)
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<60 {
            var bytes = good
            if trial % 3 == 0 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &rng))
            } else {
                for _ in 0..<(1 + trial % 5) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            }
            let path = dir + "/events.out.tfevents.\(trial)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let u = TFRecordReader(path: path).poll()
            #expect(u.records.count <= 1 + 2 * WatchFixtures.steps)
            if let d = u.damage { #expect(d.contains("at byte")) }
            for r in u.records { _ = TensorBoardEvent.scalars(r) }
        }
        var header = good
        header[good.count / 2] ^= 0xFF
        // A length word: the first record's.
        header[0] ^= 0x01
        try Data(header).write(to: URL(fileURLWithPath: dir + "/len"))
        let u = TFRecordReader(path: dir + "/len").poll()
        #expect(u.records.isEmpty && u.damage?.contains("at byte 0") == true)
    }

    /// One TFRecord: length, its masked CRC-32C, the payload, its masked CRC-32C.
    static func record(_ payload: [UInt8]) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let length = le(UInt64(payload.count))
        return length + le(CRC32C.masked(length)) + payload + le(CRC32C.masked(payload))
    }

    /// An Event holding one simple_value.
    static func scalar(step: Int64, tag: String, value: Float) throws -> [UInt8] {
        var v = Tensorboard_Summary.Value()
        v.tag = tag
        v.simpleValue = value
        var summary = Tensorboard_Summary()
        summary.value = [v]
        var event = Tensorboard_Event()
        event.step = step
        event.wallTime = 1.75e9
        event.summary = summary
        return try event.serializedBytes()
    }

    static func followed(_ events: [[UInt8]]) throws -> (TensorBoardFollower, [MetricPoint], String) {
        let dir = try WatchFixtures.scratch()
        try Data(events.flatMap(record)).write(to: URL(fileURLWithPath: dir + "/events.out.tfevents.1.host"))
        let tb = TensorBoardFollower(folder: dir)
        let points = tb.poll().points + tb.poll().points
        return (tb, points, dir)
    }

    /// A step of Int64.min used to trap computing the step before it.
    @Test func theSmallestStepIsReadNotACrash() throws {
        let (tb, points, dir) = try Self.followed([try Self.scalar(step: .min, tag: "loss", value: 1),
                                                   try Self.scalar(step: .max, tag: "loss", value: 2)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(tb.lossTag == "loss")
        // Int.min and Int.max are steps of MetricPoint too.
        #expect(points.map(\.step) == [Int.min, Int.max])
    }

    /// Past `maximumTags` the scalars of new tags are skipped and said so.
    @Test func tagsAreBounded() throws {
        #expect(TensorBoardFollower.maximumTags == 1000)
        let events = try (0...TensorBoardFollower.maximumTags).map { try Self.scalar(step: 1, tag: "tag\($0)", value: 1) }
            + [try Self.scalar(step: 1, tag: "train_loss", value: 0.5)]
        let (tb, points, dir) = try Self.followed(events)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(tb.tags.count == 1000 && !tb.tags.contains("train_loss"))
        #expect(tb.damage?.contains("more than 1000 tags: the scalars of the others are skipped") == true)
        #expect(points.isEmpty)
    }

    /// Steps that run backwards are not all kept waiting: past `maximumPendingSteps` the
    /// oldest become points.
    @Test func stepsWaitingForTheirTagsAreBounded() throws {
        let limit = TensorBoardFollower.maximumPendingSteps
        #expect(limit == 4096)
        let events = try (0...limit).reversed().map { try Self.scalar(step: Int64($0) + 10, tag: "loss", value: 1) }
        let dir = try WatchFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(events.flatMap(Self.record)).write(to: URL(fileURLWithPath: dir + "/events.out.tfevents.1.host"))
        let tb = TensorBoardFollower(folder: dir)
        // Within the one poll that reads them all, the smallest step is let out to keep the bound.
        let first = tb.poll().points
        #expect(first.map(\.step) == [10])
    }
}

