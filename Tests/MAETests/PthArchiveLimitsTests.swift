import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport
private typealias P = PthTestSupport

/// The limits of the .pth reader (Unpickler.Limits, ZipReader.maxEntries, PthArchive's sizes),
/// each reached by a small crafted file or pickle, and the sizes from a file that are checked
/// before they are multiplied.
extension PthArchiveTests {
    /// The error unpickling `body` (after PROTO 2, before STOP) gives, with `limits`.
    private static func unpickleError(_ body: [UInt8], _ limits: Unpickler.Limits = .init(),
                                      sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let bytes: [UInt8] = [0x80, 2] + body + [0x2E]
        let error = #expect(throws: CheckpointError.self, sourceLocation: sourceLocation) {
            try bytes.withUnsafeBytes { raw in
                var u = Unpickler(path: "x.pth", bytes: raw, limits: limits)
                _ = try u.load()
            }
        }
        return error?.description ?? ""
    }

    private static func unpickle(_ body: [UInt8], _ limits: Unpickler.Limits = .init()) throws -> PickleValue {
        let bytes: [UInt8] = [0x80, 2] + body + [0x2E]
        return try bytes.withUnsafeBytes { raw in
            var u = Unpickler(path: "x.pth", bytes: raw, limits: limits)
            return try u.load()
        }
    }

    /// The error reading every tensor of the archive `bytes` gives.
    private static func readError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/limits.pth"
        try S.write(bytes, to: path)
        let error = #expect(throws: CheckpointError.self, sourceLocation: sourceLocation) {
            let source = try TensorSource.pth(path)
            for (name, shape) in source.shapes {
                // A tensor too large to hold gets an empty buffer (and the error that it does not fit).
                let count = shape.reduce(1, *)
                var values = [Float](repeating: 0, count: count <= 1 << 20 ? count : 0)
                try values.withUnsafeMutableBufferPointer { try source.floats(name, into: $0) }
            }
        }
        #expect(error?.description.hasPrefix(path + ": ") == true, sourceLocation: sourceLocation)
        return error?.description ?? ""
    }

    private static let TUPLE1: UInt8 = 0x85, NONE: UInt8 = 0x4E, EMPTY_LIST: UInt8 = 0x5D, APPEND: UInt8 = 0x61
    private static let MARK: UInt8 = 0x28, BINPUT: UInt8 = 0x71, BINGET: UInt8 = 0x68, POP: UInt8 = 0x30

    /// One byte a level: a million-deep tuple used to overflow the stack when it was released.
    @Test func deeplyNestedTuplesAreRefusedNotAStackOverflow() throws {
        let deepest = Unpickler.Limits().depth
        #expect(deepest == 100)
        guard case .tuple = try Self.unpickle([Self.NONE] + Array(repeating: Self.TUPLE1, count: deepest)) else {
            Issue.record("100 levels are allowed"); return
        }
        let over = Self.unpickleError([Self.NONE] + Array(repeating: Self.TUPLE1, count: deepest + 1))
        #expect(over.contains("values nest deeper than 100 levels"), "\(over)")
        let million = Self.unpickleError([Self.NONE] + Array(repeating: Self.TUPLE1, count: 1_000_000))
        #expect(million.contains("x.pth: the pickle is damaged at byte 103: values nest deeper than 100 levels"), "\(million)")
    }

    @Test func listsNestedByAppendAreBoundedToo() {
        let error = Self.unpickleError(Array(repeating: Self.EMPTY_LIST, count: 150) + Array(repeating: Self.APPEND, count: 149))
        #expect(error.contains("values nest deeper than 100 levels"), "\(error)")
    }

    /// A list put inside another and then given a list of its own would make the depth recorded
    /// above it wrong (a chain built top down never looks deep); a list appended to itself is a
    /// cycle. Both are refused; a scalar appended to a nested list is fine.
    @Test func aListThatGrowsDeeperInsideAnotherIsRefused() throws {
        let outerThenInner: [UInt8] = [Self.EMPTY_LIST, Self.BINPUT, 0, Self.EMPTY_LIST, Self.BINPUT, 1, Self.APPEND]
        let chain = Self.unpickleError(outerThenInner + [Self.BINGET, 1, Self.EMPTY_LIST, Self.APPEND])
        #expect(chain.contains("a list or dict grows deeper after it was put inside another"), "\(chain)")
        let cycle = Self.unpickleError([Self.EMPTY_LIST, 0x32, Self.APPEND])     // l.append(l)
        #expect(cycle.contains("grows deeper after it was put inside another (a cycle)"), "\(cycle)")
        let fine = try Self.unpickle(outerThenInner + [Self.BINGET, 1, Self.NONE, Self.APPEND, Self.POP])
        guard case .list(let outer) = fine, case .list(let inner)? = outer.items.first else { Issue.record("\(fine.kind)"); return }
        #expect(inner.items.count == 1)
    }

    /// Found by `make fuzz` (FuzzUnpickler) before cycles were refused: a set that appends
    /// itself, which reference counting could never free (LeakSanitizer: 960 bytes a run).
    @Test func theFuzzersSelfAppendingSetIsRefused() {
        let found: [UInt8] = [0x8F, 0x5D, 0x5D, 0x8F, 0x92, 0x61, 0x94, 0x32, 0x61]
        let error = Self.unpickleError(found)
        #expect(error.contains("grows deeper after it was put inside another (a cycle)"), "\(error)")
    }

    @Test func theStackIsBounded() {
        let limits = Unpickler.Limits(stack: 8)
        #expect(Unpickler.Limits().stack == 1_000_000)
        let values = Self.unpickleError(Array(repeating: Self.NONE, count: 9), limits)
        #expect(values.contains("more than 8 values and marks on the stack"), "\(values)")
        let marks = Self.unpickleError(Array(repeating: Self.MARK, count: 9), limits)
        #expect(marks.contains("more than 8 values and marks on the stack"), "\(marks)")
    }

    /// The memo is a dictionary: an index of 2³² − 1 costs one entry; the count is bounded.
    @Test func theMemoIsBoundedAndAHugeIndexCostsNothing() throws {
        #expect(Unpickler.Limits().memo == 1_000_000)
        let limits = Unpickler.Limits(memo: 2)
        let puts: [UInt8] = [Self.NONE, Self.BINPUT, 0, Self.BINPUT, 1, Self.BINPUT, 0]    // storing 0 again is no new entry
        #expect(throws: Never.self) { _ = try Self.unpickle(puts, limits) }
        let over = Self.unpickleError(puts + [Self.BINPUT, 2], limits)
        #expect(over.contains("more than 2 memo entries"), "\(over)")
        let memoize = Self.unpickleError([Self.NONE, 0x94, 0x94, 0x94], limits)          // MEMOIZE
        #expect(memoize.contains("more than 2 memo entries"), "\(memoize)")

        let huge: [UInt8] = [Self.NONE, 0x72, 0xFF, 0xFF, 0xFF, 0xFF, Self.POP, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF]  // LONG_BINPUT, LONG_BINGET
        guard case .none = try Self.unpickle(huge) else { Issue.record("LONG_BINGET 2³² − 1"); return }
        let missing = Self.unpickleError([0x6A, 0xFE, 0xFF, 0xFF, 0xFF])
        #expect(missing.contains("memo entry 4294967294 was never stored"), "\(missing)")
    }

    @Test func oneContainersItemsAreBounded() {
        #expect(Unpickler.Limits().items == 1_000_000)
        let limits = Unpickler.Limits(items: 4)
        let five = Array(repeating: Self.NONE, count: 5)
        let appends = Self.unpickleError([Self.EMPTY_LIST, Self.MARK] + five + [0x65], limits)
        #expect(appends.contains("a list or dict of more than 4 items"), "\(appends)")
        let oneByOne = Self.unpickleError([Self.EMPTY_LIST] + Array(repeating: [Self.NONE, Self.APPEND], count: 5).flatMap { $0 }, limits)
        #expect(oneByOne.contains("a list or dict of more than 4 items"), "\(oneByOne)")
        let tuple = Self.unpickleError([Self.MARK] + five + [0x74], limits)
        #expect(tuple.contains("a tuple of more than 4 items"), "\(tuple)")
        let dict = Self.unpickleError([0x7D, Self.MARK] + Array(repeating: [0x4B, 1, Self.NONE], count: 5).flatMap { $0 } + [0x75], limits)
        #expect(dict.contains("a list or dict of more than 4 items"), "\(dict)")
    }

    /// Shapes whose products overflow Int used to trap when the element count was taken.
    @Test func shapesBeyondTheElementLimitAreRefused() throws {
        #expect(SafeTensors.maxTensorElements == 1 << 41)
        for shape in [[1 << 40, 1 << 40], [1 << 40, 1 << 40, 0], [(1 << 41) + 1], [1 << 21, 1 << 21]] {
            let pickle = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: shape, stride: shape.map { _ in 1 }) }
            let error = try Self.readError(P.archive(pickle: pickle, storages: ["0": Self.w4]))
            #expect(error.contains("tensor 'w': shape \(CheckpointError.format(shape)) has more than 2199023255552 elements"),
                    "\(shape): \(error)")
        }
        // At the limit the shape is accepted (and reading it needs a buffer of its size).
        let pickle = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [1 << 20, 1 << 21]) }
        let error = try Self.readError(P.archive(pickle: pickle, storages: ["0": Self.w4]))
        #expect(error.contains("tensor 'w': holds 2199023255552 values, 0 expected"), "\(error)")
    }

    /// A storage's element count and a view's offset come from the pickle: both are checked
    /// against the real bytes before they are multiplied or added.
    @Test func hugeStorageCountsAndOffsetsAreErrorsNotOverflows() throws {
        let numel = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 1 << 62, shape: [4]) }
        let tooMany = try Self.readError(P.archive(pickle: numel, storages: ["0": Self.w4]))
        #expect(tooMany.contains("storage archive/data/0 has 16 bytes, 4611686018427387904 F32 values need more than the largest file"),
                "\(tooMany)")
        let offset = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: Int.max, offset: Int.max - 1, shape: [4]) }
        let past = try Self.readError(P.archive(pickle: offset, storages: ["0": Self.w4]))
        #expect(past.contains("elements 9223372036854775806..<9223372036854775806 + 4 lie outside its storage"), "\(past)")
    }

    /// 140 bytes of DUP, TUPLE2 make a tree of 2⁷⁰ leaves out of 70 shared tuples: naming the
    /// globals of the entry visits each shared tuple once (it used to walk the tree, forever).
    @Test func sharedTuplesAreVisitedOnceWhenGlobalsAreNamed() throws {
        var p = P.Pickle()
        p.op(0x7D); p.mark()
        p.string("model"); p.op(0x7D); p.mark(); p.string("w"); p.tensor(key: "0", numel: 4, shape: [4]); p.op(0x75)
        p.string("extra"); p.global("os", "system")
        for _ in 0..<70 { p.op(0x32); p.op(0x86) }                           // DUP, TUPLE2
        p.op(0x75); p.stop()
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/tree.pth"
        try S.write(P.archive(pickle: p.bytes, storages: ["0": Self.w4]), to: path)
        let skipped = try TensorSource.pth(path).skipped
        #expect(skipped.map(\.name) == ["extra"])
        #expect(skipped.first?.globals == ["os.system"])
        #expect(skipped.first?.contents == "a tuple of 2 items that refers to os.system, not run")
    }

    /// The zip's claim is checked before data.pkl is read: no 16 MiB file is needed.
    @Test func aPickleOverItsLimitIsRefusedBeforeItIsRead() throws {
        #expect(PthArchive.maxPickleBytes == 16 << 20)
        let zip = P.archive(pickle: P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [4]) },
                            storages: ["0": Self.w4])
        let cd = P.centralDirectory(zip)                                     // data.pkl's header comes first
        let claimed = UInt32(PthArchive.maxPickleBytes + 1)
        let error = try Self.readError(P.patched(P.patched(zip, at: cd + 20, claimed), at: cd + 24, claimed))
        #expect(error.contains("archive/data.pkl has 16777217 bytes, more than the limit of 16 MiB"), "\(error)")
    }

    @Test func aLongByteOrderEntryIsRefused() throws {
        let pickle = P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [4]) }
        let zip = P.zip([P.ZipEntry(name: "archive/data.pkl", data: pickle),
                         P.ZipEntry(name: "archive/byteorder", data: Array("little           ".utf8)),
                         P.ZipEntry(name: "archive/data/0", data: Self.w4)])
        let error = try Self.readError(zip)
        #expect(error.contains("archive/byteorder has 17 bytes, more than the 16"), "\(error)")
    }

    /// A ZIP64 end record may claim 2⁶⁴ entries: the count is bounded before the directory is read.
    @Test func zipEntryCountIsBounded() throws {
        #expect(ZipReader.maxEntries == 1_000_000)
        let zip = P.archive(pickle: P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [4]) },
                            storages: ["0": Self.w4], zip64: true)
        let record = (0..<(zip.count - 4)).first { zip[$0] == 0x50 && zip[$0 + 1] == 0x4B && zip[$0 + 2] == 6 && zip[$0 + 3] == 6 }!
        let error = try Self.readError(P.patched(zip, at: record + 32, UInt64(2_000_000)))
        #expect(error.contains("not a valid zip archive: 2000000 entries, more than the limit of 1000000"), "\(error)")
    }

    /// Offsets from the directory that point outside the file are errors naming the offset.
    @Test func offsetsOutsideTheFileAreRefused() throws {
        let zip = P.archive(pickle: P.Pickle.stateDict { p in p.string("w"); p.tensor(key: "0", numel: 4, shape: [4]) },
                            storages: ["0": Self.w4])
        let local = try Self.readError(P.patched(zip, at: P.centralDirectory(zip) + 42, UInt32(0x7FFF_0000)))
        #expect(local.contains("zip entry 'archive/data.pkl': local header at byte 2147418112 is missing"), "\(local)")
        let directory = try Self.readError(P.patched(zip, at: zip.count - 22 + 16, UInt32(0x7FFF_0000)))
        #expect(directory.contains("central directory of") && directory.contains("at byte 2147418112 lies outside the file"),
                "\(directory)")
    }
}
