import Foundation
import Imaging
import MAE
import Testing
@testable import Training

@Suite struct ImageDatasetTests {
    @Test func findsImagesRecursivelyByExtensionInAnyCase() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try dir.write("b.PNG", [0])
        try dir.write("sub/deeper/a.JpEg", [0])
        try dir.write("sub/c.jpg", [0])
        try dir.write("notes.txt", [0])
        try dir.write("png", [0])
        let files = try ImageFolder.imageFiles(in: dir.path)
        #expect(files == [dir.path + "/b.PNG", dir.path + "/sub/c.jpg", dir.path + "/sub/deeper/a.JpEg"])
    }

    @Test func emptyFolderIsAClearError() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/empty-sub", withIntermediateDirectories: true)
        #expect(throws: DataError.empty(folder: dir.path)) { try ImageDataset.open(folder: dir.path) }
        let message = DataError.empty(folder: dir.path).description
        #expect(message.contains(dir.path) && message.contains("empty"))
    }

    @Test func folderOfNonImagesIsAClearError() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try dir.write("readme.txt", Array("hello".utf8))
        try dir.write("data/table.csv", Array("1,2".utf8))
        #expect(throws: DataError.noImages(folder: dir.path, otherFiles: 2)) { try ImageDataset.open(folder: dir.path) }
    }

    @Test func missingFolderAndFileAreErrors() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let file = try dir.write("x.png", [1])
        #expect(throws: DataError.notFound(folder: dir.path + "/nope")) { try ImageDataset.open(folder: dir.path + "/nope") }
        #expect(throws: DataError.notADirectory(folder: file)) { try ImageDataset.open(folder: file) }
    }

    @Test func corruptFilesAreSkippedWithTheirReason() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try dir.copyAsset("coins.png", to: "a-coins.png")
        try dir.write("b-garbage.png", Array("this is not a png".utf8))
        let good = try Data(contentsOf: URL(fileURLWithPath: TemporaryFolder.assets + "/text.png"))
        try dir.write("c-truncated.png", Array(good.prefix(good.count / 3)))
        try dir.copyAsset("rocket.jpg", to: "sub/d-rocket.JPG")
        let data = try ImageDataset.open(folder: dir.path)
        #expect(data.files == [dir.path + "/a-coins.png", dir.path + "/sub/d-rocket.JPG"])
        #expect(data.skippedAtOpen.map(\.path) == [dir.path + "/b-garbage.png", dir.path + "/c-truncated.png"])
        for s in data.skippedAtOpen { #expect(!s.reason.isEmpty && !s.reason.contains(s.path)) }
        #expect(data.cachedCount == 2)
        // Greyscale decodes to three equal channels.
        let coins = try #require(data.image(at: 0).image)
        #expect(coins.width == 384 && coins.height == 303)
        #expect(coins.pixels[300] == coins.pixels[301] && coins.pixels[301] == coins.pixels[302])
    }

    @Test func onlyUndecodableFilesAbortNamingTheFolder() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try dir.write("one.png", [1, 2, 3])
        try dir.write("two.jpg", [0xFF, 0xD8, 0xFF])
        do {
            _ = try ImageDataset.open(folder: dir.path)
            Issue.record("opened a folder of corrupt files")
        } catch {
            guard case .noneDecodable(let folder, let files, _) = error else { Issue.record("\(error)"); return }
            #expect(folder == dir.path && files == 2)
            #expect(error.description.hasPrefix(dir.path))
        }
    }

    /// The data set is shared between threads (the loader, and the command reading the count
    /// at the end): a file that fails for several callers at once is recorded, counted and
    /// reported as new exactly once.
    @Test func aLateFailureSeenByManyThreadsIsReportedOnce() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        for name in ["a", "b"] { try dir.write("\(name).png", [0]) }
        final class Opened: @unchecked Sendable { var done = false; let lock = NSLock() }
        let opened = Opened()
        // Budget 0: a.png decodes at open; b.png is first decoded later, and then fails slowly,
        // so every thread is inside the decoder before any failure is recorded.
        let decode: ImageDataset.Decoder = { (path: String) throws(ImageError) -> RGBImage in
            if opened.lock.withLock({ opened.done }) {
                Thread.sleep(forTimeInterval: 0.1)
                throw .corrupt(path: path, reason: "bad data")
            }
            return RGBImage(width: 8, height: 8, fill: (0.5, 0.5, 0.5))
        }
        let data = try ImageDataset.open(folder: dir.path, cacheBudget: 0, decode: decode)
        opened.lock.withLock { opened.done = true }
        let b = try #require(data.files.firstIndex { $0.hasSuffix("b.png") })

        final class Answers: @unchecked Sendable { var all: [(failed: Bool, first: Bool)] = []; let lock = NSLock() }
        let answers = Answers()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                let (image, failure, first) = data.image(at: b)
                let failed = image == nil && failure?.reason.contains("bad data") == true
                answers.lock.withLock { answers.all.append((failed, first)) }
                group.leave()
            }.start()
        }
        #expect(group.wait(timeout: .now() + 30) == .success, "the threads did not finish")
        let all = answers.lock.withLock { answers.all }
        #expect(all.count == 4 && all.allSatisfy(\.failed))
        #expect(all.filter(\.first).count == 1, "reported as new \(all.filter(\.first).count) times")
        #expect(data.failedCount == 1)
    }

    /// Each file is decoded once while it fits the budget; past it, files are decoded when used.
    @Test func decodesOnceWithinTheBudget() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        for name in ["a", "b", "c"] { try dir.write("\(name).png", [0]) }
        final class Counter: @unchecked Sendable { var n = 0; let lock = NSLock() }
        let counter = Counter()
        let decode: ImageDataset.Decoder = { (path: String) throws(ImageError) -> RGBImage in
            counter.lock.withLock { counter.n += 1 }
            return RGBImage(width: 10, height: 10, fill: (0.5, 0.5, 0.5))  // 1200 bytes
        }
        let cached = try ImageDataset.open(folder: dir.path, cacheBudget: 10_000, decode: decode)
        #expect(counter.n == 3 && cached.cachedCount == 3)
        for _ in 0..<4 { for i in 0..<3 { _ = cached.image(at: i) } }
        #expect(counter.n == 3)

        counter.n = 0
        let partial = try ImageDataset.open(folder: dir.path, cacheBudget: 1500, decode: decode)
        #expect(partial.cachedCount == 1 && partial.cachedBytes == 1200)
        #expect(counter.n == 2)  // the second file overflowed the budget; the third is not opened yet
        for _ in 0..<2 { for i in 0..<3 { _ = partial.image(at: i) } }
        #expect(counter.n == 2 + 4)
    }

    @Test func shuffleIsAPermutationThatDependsOnSeedAndEpoch() {
        let a = ImageDataset.shuffle(count: 50, seed: 7, epoch: 0)
        #expect(a.sorted() == Array(0..<50))
        #expect(a == ImageDataset.shuffle(count: 50, seed: 7, epoch: 0))
        #expect(a != ImageDataset.shuffle(count: 50, seed: 7, epoch: 1))
        #expect(a != ImageDataset.shuffle(count: 50, seed: 8, epoch: 0))
        #expect(ImageDataset.shuffle(count: 1, seed: 1, epoch: 3) == [0])
    }

    @Test func positionsWrapIntoLaterEpochs() {
        let p = DataPosition(epoch: 2, index: 3)
        #expect(p.advanced(by: 2, count: 5) == DataPosition(epoch: 3, index: 0))
        #expect(p.advanced(by: 13, count: 5) == DataPosition(epoch: 5, index: 1))  // 3 + 13 = 16 = 3·5 + 1
        #expect(abs(DataPosition(epoch: 1, index: 1).fractionalEpoch(count: 4) - 1.25) < 1e-12)
    }
}

@Suite struct ImageShrinkTests {
    @Test func largeImagesShrinkToTheCapKeepingTheAspect() {
        let wide = RGBImage(width: 100, height: 50, fill: (0.2, 0.4, 0.6))
        let small = ImageDataset.shrunk(wide, maxShorterSide: 20)
        #expect(small.width == 40 && small.height == 20)
        #expect(abs(small[5, 5, 1] - 0.4) < 1e-5)
        let tall = ImageDataset.shrunk(RGBImage(width: 30, height: 91, fill: (0, 0, 0)), maxShorterSide: 10)
        #expect(tall.width == 10 && tall.height == 30)
        #expect(ImageDataset.shrunk(wide, maxShorterSide: 50) == wide)
        #expect(ImageDataset.shrunk(wide, maxShorterSide: nil) == wide)
    }

    @Test func openShrinksWhatItCaches() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try dir.copyAsset("coins.png", to: "coins.png")  // 384 × 303
        let data = try ImageDataset.open(folder: dir.path, maxShorterSide: 64)
        let image = try #require(data.image(at: 0).image)
        #expect(image.height == 64 && image.width == 81)  // 384 · 64/303 = 81.1
        #expect(data.cachedBytes == 81 * 64 * 3 * 4)
    }
}
