import CAllocationCounter
import Testing
@testable import MAE

/// After warm-up, a training step (forward and backward) and a reconstruction into caller-owned
/// buffers make no heap allocation: every activation lives in a workspace allocated once per
/// shape, and the kernels take their temporaries from per-thread scratch allocated at first use.
///
/// How: CAllocationCounter replaces malloc, calloc, realloc and the aligned variants for the
/// whole test process and counts the calls made by the thread that asked, so the tests that run
/// in parallel on other threads cannot disturb a count (a process-wide figure such as glibc's
/// mallinfo2 could not tell them apart, and would miss an allocation freed within the step). With
/// one thread every op of the step runs on the counting thread, kernel pool and OpenBLAS
/// included; with two, the dispatching thread is counted (the pool's workers run the same kernel
/// code, which the one-thread run has already checked).
@Suite(.serialized) struct AllocationTests {
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
    func trainingStepAllocatesNothing(threads: Int) throws {
        let saved = Threads.current
        Threads.set(threads)
        defer { Threads.set(saved) }
        let c = Self.config, N = 4, L = c.numPatches
        let model = try MAEModel(config: c, seed: 7)
        let images = randomArray(N * c.inChans * c.imgSize * c.imgSize, seed: 1)
        var noise = randomArray(N * L, seed: 2).map { abs($0) }
        var grads = [Float](repeating: 0, count: model.table.count)
        images.withUnsafeBufferPointer { images in
            noise.withUnsafeMutableBufferPointer { noise in
                grads.withUnsafeMutableBufferPointer { grads in
                    var rng = SeededGenerator(seed: 3)
                    func step() {
                        for i in 0..<(N * L) { noise[i] = rng.nextUniform() }
                        _ = model.lossAndGradients(images: images.baseAddress!, noise: noise.baseAddress!, batch: N,
                                                   maskRatio: 0.75, gradients: grads)
                        // A plain SGD update, so the next step sees new weights.
                        for i in 0..<grads.count {
                            model.parameters[i] -= 1e-3 * grads[i]
                            grads[i] = 0
                        }
                    }
                    step()
                    step()
                    let n = allocations {
                        for _ in 0..<3 { step() }
                    }
                    #expect(n == 0, "\(n) allocations in 3 training steps on \(threads) thread(s)")
                }
            }
        }
    }

    @Test(arguments: [1, 2])
    func reconstructionAllocatesNothing(threads: Int) throws {
        let saved = Threads.current
        Threads.set(threads)
        defer { Threads.set(saved) }
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
