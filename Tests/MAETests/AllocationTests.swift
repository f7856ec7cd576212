import CAllocationCounter
import Testing
@testable import MAE

/// After warm-up, a reconstruction into caller-owned buffers makes no heap allocation: every
/// activation lives in a workspace allocated once per shape, and the kernels take their
/// temporaries from per-thread scratch allocated at first use. (The training step is checked
/// where it lives, in TrainingTests' TrainingStepAllocationTests.)
///
/// How: CAllocationCounter replaces malloc, calloc, realloc and the aligned variants for the
/// whole test process and counts the calls made by the thread that asked, so the tests that run
/// in parallel on other threads cannot disturb a count (a process-wide figure such as glibc's
/// mallinfo2 could not tell them apart, and would miss an allocation freed within the step). With
/// one thread every op of the step runs on the counting thread, kernel pool and OpenBLAS
/// included; with two, the dispatching thread is counted (the pool's workers run the same kernel
/// code, which the one-thread run has already checked).
@Suite(.serialized, .disabled(if: allocation_counter_is_sanitized() != 0, "a sanitizer keeps its own malloc")) struct AllocationTests {
    static let config = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                                  decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 2)

    /// Allocation calls made by this thread while `body` runs.
    func allocations(_ body: () -> Void) -> Int64 {
        allocation_counter_start()
        body()
        return allocation_counter_stop()
    }

    @Test func theCounterSeesAllocations() {
        #expect(allocation_counter_is_active() != 0)
        var kept: [[Float]] = []
        let n = allocations {
            for i in 0..<3 { kept.append([Float](repeating: Float(i), count: 1000 + i)) }
        }
        #expect(n >= 3 && kept.count == 3)
    }

    @Test(arguments: [1, 2])
    func reconstructionAllocatesNothing(threads: Int) throws {
        try ModelThreads.withCount(threads) {
            let c = Self.config, count = c.inChans * c.imgSize * c.imgSize
            let model = try MAEModel(config: c, seed: 8)
            let image = randomArray(count, seed: 4)
            // Random masks of one ratio keep the same number of patches: one workspace serves all.
            let masks = (0..<4).map { makeMask(.random, ratio: 0.75, gridSize: c.gridSize, seed: UInt64(10 + $0)) }
            var prediction = [Float](repeating: 0, count: count), pasted = [Float](repeating: 0, count: count)
            image.withUnsafeBufferPointer { image in
                prediction.withUnsafeMutableBufferPointer { prediction in
                    pasted.withUnsafeMutableBufferPointer { pasted in
                        func run(_ mask: PatchMask) -> Float {
                            model.reconstruct(image: image.baseAddress!, mask: mask, prediction: prediction.baseAddress!,
                                              pasted: pasted.baseAddress!).loss
                        }
                        _ = run(masks[0])
                        var losses = [Float](repeating: .nan, count: masks.count)
                        let n = allocations {
                            // (An index loop: a for-in over an array allocates in unoptimised builds.)
                            for i in 0..<masks.count { losses[i] = run(masks[i]) }
                        }
                        #expect(n == 0, "\(n) allocations in \(masks.count) reconstructions on \(threads) thread(s)")
                        #expect(losses.allSatisfy { $0.isFinite })
                    }
                }
            }
            // The array-returning form allocates its two result images and nothing else (after its
            // first call, which also makes the runtime's type metadata for its result).
            _ = model.reconstruct(image: image, mask: masks[1])
            let arrays = allocations { _ = model.reconstruct(image: image, mask: masks[1]) }
            #expect(arrays == 2, "reconstruct(image:mask:) made \(arrays) allocations")
        }
    }
}
