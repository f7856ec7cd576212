import Foundation
import Testing
@testable import MAE

private typealias S = CheckpointTestSupport

@Suite struct CheckpointAtomicFileTests {
    private static func tensors(_ value: Float) -> [SafeTensors.Tensor] {
        [.init(name: "w", shape: [4], floats: [value, value + 1, value + 2, value + 3])]
    }

    @Test func replacesAnExistingFileAndLeavesNoTemporaryFiles() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/ckpt.safetensors"
        try SafeTensors.write(Self.tensors(1), to: path)
        try SafeTensors.write(Self.tensors(10), to: path)
        #expect(try SafeTensors.read(path: path).floats("w") == [10, 11, 12, 13])
        #expect(S.listing(dir) == ["ckpt.safetensors"])
    }

    /// A crash after the new bytes are on disk but before the rename: the previous checkpoint
    /// must still read back whole, and the half-done temporary file must not be left behind.
    @Test func crashBeforeRenameKeepsThePreviousCheckpoint() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/ckpt.safetensors"
        try SafeTensors.write(Self.tensors(1), to: path)
        let crash = CheckpointError.io(path: path, reason: "simulated crash")
        #expect(throws: crash) {
            try AtomicFile.write(to: path, beforeRename: { () throws(CheckpointError) in throw crash }) { sink throws(CheckpointError) in
                try sink.write(Array(repeating: 0xEE, count: 4096))
            }
        }
        #expect(try SafeTensors.read(path: path).floats("w") == [1, 2, 3, 4])
        #expect(S.listing(dir) == ["ckpt.safetensors"])
    }

    /// A failure while writing (a full disk) leaves the previous file intact and says so.
    @Test func failureWhileWritingKeepsThePreviousCheckpoint() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/ckpt.safetensors"
        try SafeTensors.write(Self.tensors(1), to: path)
        let full = CheckpointError.io(path: path, reason: "cannot write: No space left on device")
        #expect(throws: full) {
            try AtomicFile.write(to: path) { sink throws(CheckpointError) in
                try sink.write([1, 2, 3])
                throw full
            }
        }
        #expect(try SafeTensors.read(path: path).floats("w") == [1, 2, 3, 4])
        #expect(S.listing(dir) == ["ckpt.safetensors"])
    }

    /// A real crash (kill -9) leaves its temporary file behind: readers never see it and the next
    /// save succeeds beside it.
    @Test func leftoverTemporaryFileFromACrashIsHarmless() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        let path = dir + "/ckpt.safetensors"
        try SafeTensors.write(Self.tensors(1), to: path)
        let leftover = dir + "/.ckpt.safetensors.tmp-99999-dead"
        try S.write(Array(repeating: 0x42, count: 100), to: leftover)
        #expect(try SafeTensors.read(path: path).floats("w") == [1, 2, 3, 4])
        try SafeTensors.write(Self.tensors(5), to: path)
        #expect(try SafeTensors.read(path: path).floats("w") == [5, 6, 7, 8])
    }

    @Test func unwritableDestinationIsAClearError() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        // A directory that does not exist, and a "directory" that is a regular file: both fail
        // as root too, unlike permission bits.
        let missing = dir + "/no/such/dir/ckpt.safetensors"
        let e1 = #expect(throws: CheckpointError.self) { try SafeTensors.write(Self.tensors(1), to: missing) }
        #expect(e1?.description.contains(missing) == true)
        #expect(e1?.description.contains("No such file or directory") == true)

        try S.write([0], to: dir + "/plain")
        let e2 = #expect(throws: CheckpointError.self) { try AtomicFile.write([1, 2], to: dir + "/plain/x") }
        #expect(e2?.description.contains("Not a directory") == true)
        #expect(try S.read(dir + "/plain") == [0])
    }

    @Test func renameOntoADirectoryFailsAndCleansUp() throws {
        let dir = try S.temporaryDirectory()
        defer { S.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/taken/inner", withIntermediateDirectories: true)
        let e = #expect(throws: CheckpointError.self) { try AtomicFile.write([1, 2, 3], to: dir + "/taken") }
        #expect(e?.description.contains("cannot replace the file") == true)
        #expect(S.listing(dir) == ["taken"])
    }

    @Test func splitsPaths() {
        #expect(AtomicFile.split("a.bin") == (".", "a.bin"))
        #expect(AtomicFile.split("/a.bin") == ("/", "a.bin"))
        #expect(AtomicFile.split("x/y/a.bin") == ("x/y", "a.bin"))
    }
}
