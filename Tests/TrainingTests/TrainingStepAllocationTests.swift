import CAllocationCounter
import MAE
import Testing
@testable import Training

/// The optimizer step the trainer and `maex bench` run (TrainingStep: zero the gradients,
/// forward and backward of each micro-batch, their mean, AdamW) makes no heap allocation once
/// the workspace exists. The counter is the
/// calling thread's (see MAETests' AllocationTests); with two threads the pool's workers run
/// the same kernels that the one-thread run checks.
@Suite(.serialized, .disabled(if: allocation_counter_is_sanitized() != 0, "a sanitizer keeps its own malloc"))
struct TrainingStepAllocationTests {
    @Test(arguments: [1, 2])
    func optimizerStepAllocatesNothing(threads: Int) throws {
        try ModelThreads.withCount(threads) {
            let c = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                              decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 2)
            let N = 4, L = c.numPatches
            let model = try MAEModel(config: c, seed: 7)
            let training = TrainingStep(model: model, optimizer: AdamW(table: model.table))
            var rng = SeededGenerator(seed: 3)
            let images = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * c.inChans * c.imgSize * c.imgSize)
            let noise = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * L)
            defer { images.deallocate(); noise.deallocate() }
            for i in images.indices { images[i] = Float(rng.nextNormal()) }

            var losses: [Float] = []
            losses.reserveCapacity(32)
            // Two micro-batches a step, so the averaging runs too.
            func step() {
                training.begin()
                for _ in 0..<2 {
                    for i in noise.indices { noise[i] = rng.nextUniform() }
                    losses.append(training.accumulate(images: images.baseAddress!, noise: noise.baseAddress!, batch: N,
                                                      maskRatio: 0.75))
                }
                training.finish(microBatches: 2, lr: 1e-3)
            }
            // Warm-up: each thread's kernel scratch grows to the largest chunk it has run. (The
            // 30 allocations seen once in CI were OpenBLAS's own threads: a trainer in a test beside
            // this one set the process's thread count, which then reached OpenBLAS mid-pass. Passes
            // keep their count now: see KernelDeterminismTests.)
            for _ in 0..<8 { step() }
            allocation_counter_start()
            for _ in 0..<3 { step() }
            let count = allocation_counter_stop()
            #expect(count == 0, "\(count) allocations in 3 optimizer steps on \(threads) thread(s)")
            #expect(training.optimizer.step == 11 && losses.count == 22 && losses.allSatisfy { $0.isFinite })
        }
    }
}
