import Testing
@testable import Training

@Suite struct SampleRingTests {
    static func sample(_ step: Int) -> TrainingSample {
        TrainingSample(step: step, epoch: 0, loss: Double(step), lr: 0, imagesPerSecond: 0, elapsed: 0, time: 0)
    }

    @Test func readersGetWhatTheyMissedAndOldSamplesFallOff() {
        var ring = SampleRing(capacity: 4)
        #expect(ring.samples(after: 0).isEmpty && ring.last == nil)
        for s in 1...3 { ring.append(Self.sample(s)) }
        #expect(ring.samples(after: 0).map(\.step) == [1, 2, 3])
        #expect(ring.samples(after: 2).map(\.step) == [3])
        for s in 4...10 { ring.append(Self.sample(s)) }
        #expect(ring.latest == 10 && ring.count == 4)
        #expect(ring.samples(after: 0).map(\.step) == [7, 8, 9, 10])
        #expect(ring.samples(after: 8).map(\.step) == [9, 10])
        #expect(ring.samples(after: 10).isEmpty)
        #expect(ring.last?.step == 10)
    }
}
