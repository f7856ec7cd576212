import Foundation
import Synchronization
import Testing
@testable import MAE

/// What the kernels promise beyond matching the reference (KernelDifferentialTests): AdamW's
/// kernel does a plain Swift loop's arithmetic exactly, and the thread count never changes a
/// result.
@Suite(.serialized) struct KernelDeterminismTests {
    @Test func adamWKernelIsTheScalarLoopExactly() {
        let n = 50_000
        let g = randomArray(n, seed: 51, scale: 0.1)
        for decay in [Float?.none, 0.999_925] {
            var p = randomArray(n, seed: 52), m = randomArray(n, seed: 53, scale: 0.01)
            var v = randomArray(n, seed: 54, scale: 0.001).map { $0 * $0 }
            var p2 = p, m2 = m, v2 = v
            let step: Float = 1.5e-4 / 0.1, b2: Float = 0.95, omb1: Float = 0.1, omb2 = Float(1 - 0.95)
            let bc2: Float = 0.223_606_8, eps: Float = 1e-8
            AdamWKernel.update(parameters: &p, gradients: g, m: &m, v: &v, count: n, stepSize: step, beta2: b2,
                               oneMinusBeta1: omb1, oneMinusBeta2: omb2, biasCorrection2Sqrt: bc2, eps: eps,
                               decayFactor: decay)
            for i in 0..<n {
                var w = p2[i]
                if let decay { w *= decay }
                let gi = g[i]
                let mi = m2[i] + (gi - m2[i]) * omb1
                let vi = b2 * v2[i] + omb2 * gi * gi
                m2[i] = mi
                v2[i] = vi
                p2[i] = w - step * (mi / (vi.squareRoot() / bc2 + eps))
            }
            #expect(mismatches(p, p2) == 0 && mismatches(m, m2) == 0 && mismatches(v, v2) == 0, "decay \(String(describing: decay))")
        }
    }

    static let config = MAEConfig(imgSize: 32, patchSize: 4, embedDim: 96, depth: 2, numHeads: 3,
                                  decoderEmbedDim: 64, decoderDepth: 1, decoderNumHeads: 2)

    /// One training step's gradients and loss, from the same weights, images and masks each time.
    func gradients() throws -> ([Float], Float) {
        let c = Self.config, N = 6
        let images = randomArray(N * c.inChans * c.imgSize * c.imgSize, seed: 61)
        let noise = randomArray(N * c.numPatches, seed: 62).map { abs($0) }
        let model = try MAEModel(config: c, seed: 9)
        var g = [Float](repeating: 0, count: model.table.count)
        let loss = g.withUnsafeMutableBufferPointer {
            model.lossAndGradients(images: images, noise: noise, batch: N, maskRatio: 0.75, gradients: $0)
        }
        return (g, loss)
    }

    /// Products, kernels and reductions are cut by shape, never by thread count: one and two
    /// threads give the same bits.
    @Test func gradientsDoNotDependOnTheThreadCount() throws {
        let one = try ModelThreads.withCount(1) { try gradients() }
        let two = try ModelThreads.withCount(2) { try gradients() }
        #expect(one.1 == two.1)
        #expect(mismatches(one.0, two.0) == 0)
    }

    /// A pass keeps the threads it began with while another thread sets the process's count (a
    /// trainer starting beside the explorer's passes, or a test beside this one). It did not: the
    /// change reached OpenBLAS mid-pass, and a quarter of a million gradients changed.
    @Test func aCountSetByAnotherThreadDuringAPassChangesNothing() throws {
        let clean = try ModelThreads.withCount(2) { try gradients() }
        let saved = ModelThreads.count
        let stop = Atomic(false), stopped = DispatchSemaphore(value: 0)
        let setter = Thread {
            var n = 0
            while !stop.load(ordering: .relaxed) {
                ModelThreads.count = 1 + n % 2
                n += 1
                usleep(50)
            }
            stopped.signal()
        }
        setter.start()
        defer {
            stop.store(true, ordering: .relaxed)
            stopped.wait()
            ModelThreads.count = saved
        }
        for run in 0..<3 {
            let again = try ModelThreads.withCount(2) { try gradients() }
            #expect(again.1 == clean.1, "run \(run)")
            #expect(mismatches(again.0, clean.0) == 0, "run \(run)")
        }
    }
}
