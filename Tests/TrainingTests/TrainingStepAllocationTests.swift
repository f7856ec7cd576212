import CAllocationCounter
import MAE
import Testing
@testable import Training

/// A whole optimizer step as the trainer and `maex bench` run it (zero the gradients, forward,
/// backward, AdamW) makes no heap allocation once the workspace exists. The counter is the
/// calling thread's (see MAETests' AllocationTests); with two threads the pool's workers run
/// the same kernels that the one-thread run checks.
@Suite(.serialized) struct TrainingStepAllocationTests {
    @Test(arguments: [1, 2])
    func optimizerStepAllocatesNothing(threads: Int) throws {
        let saved = Threads.current
        Threads.set(threads)
        defer { Threads.set(saved) }
        let c = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4,
                          decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 2)
        let N = 4, L = c.numPatches
        let model = try MAEModel(config: c, seed: 7)
        let optimizer = AdamW(table: model.table)
        var rng = SeededGenerator(seed: 3)
        let images = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * c.inChans * c.imgSize * c.imgSize)
        let noise = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * L)
        let gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: model.table.count)
        defer { images.deallocate(); noise.deallocate(); gradients.deallocate() }
        for i in images.indices { images[i] = Float(rng.nextNormal()) }

        var losses: [Float] = []
        losses.reserveCapacity(8)
        func step() {
            for i in noise.indices { noise[i] = rng.nextUniform() }
            zeroInParallel(gradients)
            let loss = model.lossAndGradients(images: images.baseAddress!, noise: noise.baseAddress!, batch: N,
                                              maskRatio: 0.75, gradients: gradients)
            optimizer.update(parameters: model.parameters, gradients: UnsafeBufferPointer(gradients), lr: 1e-3)
            losses.append(loss)
        }
        step()
        step()
        allocation_counter_start()
        for _ in 0..<3 { step() }
        let count = allocation_counter_stop()
        #expect(count == 0, "\(count) allocations in 3 optimizer steps on \(threads) thread(s)")
        #expect(optimizer.step == 5 && losses.allSatisfy(\.isFinite))
    }
}
