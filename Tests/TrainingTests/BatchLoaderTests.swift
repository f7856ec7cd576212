import Foundation
import Imaging
import MAE
import Testing
@testable import Training

@Suite struct BatchLoaderTests {
    /// Three flat images of different colours: any batch tells which file each sample came from.
    static func colouredDataset() throws -> (ImageDataset, TemporaryFolder) {
        let dir = try TemporaryFolder()
        for name in ["r", "g", "b"] { try dir.write("\(name).png", [0]) }
        let decode: ImageDataset.Decoder = { (path: String) throws(ImageError) -> RGBImage in
            let name = (path as NSString).lastPathComponent
            let fill: (Float, Float, Float) = name == "r.png" ? (1, 0, 0) : name == "g.png" ? (0, 1, 0) : (0, 0, 1)
            return RGBImage(width: 20, height: 12, fill: fill)
        }
        return (try ImageDataset.open(folder: dir.path, decode: decode), dir)
    }

    static func loader(_ data: ImageDataset, start: DataPosition = .init(), micro: Int = 0, batch: Int = 2,
                       strategy: MaskStrategy = .random) -> BatchLoader {
        BatchLoader(dataset: data, augmentation: Augmentation(side: 8),
                    maskNoise: MaskNoise(strategy: strategy, ratio: 0.75, gridSize: 4),
                    batchSize: batch, seed: 42, start: start, micro: micro, capacity: 2)
    }

    @Test func batchesDependOnlyOnTheirPosition() throws {
        let (data, dir) = try Self.colouredDataset()
        defer { dir.remove() }
        let straight = Self.loader(data)
        straight.start()
        let batches = try (0..<5).map { _ in try straight.next() }
        straight.stop()
        // 5 batches of 2 from 3 files: the stream crosses three epoch boundaries.
        #expect(batches.map(\.end) == [DataPosition(epoch: 0, index: 2), DataPosition(epoch: 1, index: 1),
                                       DataPosition(epoch: 2, index: 0), DataPosition(epoch: 2, index: 2),
                                       DataPosition(epoch: 3, index: 1)])
        #expect(batches.map(\.micro) == [0, 1, 2, 3, 4])

        let resumed = Self.loader(data, start: batches[2].end, micro: 3)
        resumed.start()
        let later = try (0..<2).map { _ in try resumed.next() }
        resumed.stop()
        for (a, b) in zip(later, batches[3...]) {
            #expect(a.images == b.images)
            #expect(a.noise == b.noise)
            #expect(a.start == b.start && a.end == b.end)
        }
        #expect(batches[0].noise != batches[1].noise)
        #expect(batches[0].images.count == 2 * 3 * 8 * 8 && batches[0].noise.count == 2 * 16)
    }

    /// Every file appears once per epoch: the colours of epoch 0 are a permutation of r, g, b.
    @Test func anEpochIsOnePassOverTheFiles() throws {
        let (data, dir) = try Self.colouredDataset()
        defer { dir.remove() }
        let loader = Self.loader(data, batch: 3)
        loader.start()
        defer { loader.stop() }
        for _ in 0..<3 {
            let batch = try loader.next()
            // Red channel of pixel 0 of each sample, de-normalised: 1 for the red image only.
            var colours: [Int] = []
            for n in 0..<3 {
                let plane = 8 * 8
                let rgb = (0..<3).map { c in batch.images[n * 3 * plane + c * plane] * ImageNet.std[c] + ImageNet.mean[c] }
                colours.append(rgb.firstIndex(of: rgb.max()!)!)
            }
            #expect(colours.sorted() == [0, 1, 2])
        }
    }

    @Test func gridNoiseKeepsTheGridPatches() throws {
        let (data, dir) = try Self.colouredDataset()
        defer { dir.remove() }
        let loader = Self.loader(data, strategy: .grid)
        loader.start()
        defer { loader.stop() }
        let batch = try loader.next()
        let L = 16, keep = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 8, depth: 1, numHeads: 1,
                                     decoderEmbedDim: 8, decoderDepth: 1, decoderNumHeads: 1).keepCount(maskRatio: batch.maskRatio)
        #expect(keep == 4)
        for n in 0..<2 {
            let noise = Array(batch.noise[(n * L)..<((n + 1) * L)])
            let kept = Set(noise.indices.sorted { noise[$0] < noise[$1] }.prefix(keep))
            #expect(kept == [0, 2, 8, 10])  // top-left patch of every 2×2 cell of a 4×4 grid
        }
    }

    @Test func aFileThatFailsLaterIsSkippedAndReportedOnce() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        for name in ["a", "b"] { try dir.write("\(name).png", [0]) }
        final class Calls: @unchecked Sendable { var n = 0; let lock = NSLock() }
        let calls = Calls()
        // Budget 0: nothing is cached; b.png decodes at open (so it is kept) and fails later.
        let decode: ImageDataset.Decoder = { (path: String) throws(ImageError) -> RGBImage in
            let n = calls.lock.withLock { calls.n += 1; return calls.n }
            if path.hasSuffix("b.png") && n > 1 { throw .corrupt(path: path, reason: "bad data") }
            return RGBImage(width: 8, height: 8, fill: (0.5, 0.5, 0.5))
        }
        let data = try ImageDataset.open(folder: dir.path, cacheBudget: 0, decode: decode)
        #expect(data.count == 2 && data.cachedCount == 0)
        let loader = Self.loader(data, batch: 3)
        loader.start()
        defer { loader.stop() }
        let first = try loader.next(), second = try loader.next()
        #expect(first.skipped.map(\.path) == [dir.path + "/b.png"])
        #expect(first.skipped.first?.reason.contains("bad data") == true)
        #expect(second.skipped.isEmpty)
        // 3 good samples: the batch ends right after a.png's third appearance, one per epoch.
        var position = DataPosition(), seen = 0
        while seen < 3 {
            let file = ImageDataset.shuffle(count: 2, seed: 42, epoch: position.epoch)[position.index]
            position = position.advanced(by: 1, count: 2)
            if file == 0 { seen += 1 }
        }
        #expect(first.end == position)
        #expect(first.end.epoch >= 2)
    }

    /// `stop()` returns once the loader thread has ended: the decode in progress is finished
    /// and none follows, so what the thread records (the dataset's failures) is final.
    @Test func stopWaitsForTheLoaderThread() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        for name in ["a", "b"] { try dir.write("\(name).png", [0]) }
        final class Decodes: @unchecked Sendable { let lock = NSLock(); var started = 0; var running = 0 }
        let decodes = Decodes()
        // Budget 0: every batch decodes its files, each slowly.
        let decode: ImageDataset.Decoder = { (path: String) throws(ImageError) -> RGBImage in
            decodes.lock.withLock { decodes.started += 1; decodes.running += 1 }
            Thread.sleep(forTimeInterval: 0.2)
            decodes.lock.withLock { decodes.running -= 1 }
            return RGBImage(width: 8, height: 8, fill: (0.5, 0.5, 0.5))
        }
        let data = try ImageDataset.open(folder: dir.path, cacheBudget: 0, decode: decode)
        let atOpen = decodes.lock.withLock { decodes.started }
        let loader = Self.loader(data)
        loader.start()
        let deadline = Date().addingTimeInterval(30)
        while decodes.lock.withLock({ decodes.started }) == atOpen && Date() < deadline { usleep(1000) }
        try #require(decodes.lock.withLock { decodes.started } > atOpen, "the loader never decoded")
        loader.stop()
        let stopped = decodes.lock.withLock { (decodes.started, decodes.running) }
        #expect(stopped.1 == 0, "stop() returned during a decode")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(decodes.lock.withLock { decodes.started } == stopped.0, "the loader decoded after stop()")
    }

    @Test func theTrainerWaitIsMeasured() throws {
        let (data, dir) = try Self.colouredDataset()
        defer { dir.remove() }
        let loader = Self.loader(data)
        loader.start()
        defer { loader.stop() }
        _ = try loader.next()
        Thread.sleep(forTimeInterval: 0.05)  // the queue fills meanwhile
        let waitsBefore = loader.waitCount
        _ = try loader.next()
        _ = try loader.next()
        #expect(loader.waitCount == waitsBefore)
        #expect(loader.waitSeconds >= 0)
    }
}
