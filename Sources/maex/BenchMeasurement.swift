import CBLAS
import Foundation
import MAE
import Training

/// The measurements of `maex bench`, defined as `mae_reference.py bench` defines its own so the
/// two print comparable numbers:
/// - training: `steps` optimizer steps on one fixed random batch [N, C, S, S] ~ N(0, 1), each with
///   fresh uniform masking noise at ratio 0.75, forward + backward + AdamW (β 0.9/0.95, wd 0.05,
///   lr 1.5e-4), timed after two warm-up steps: images/s = N·steps / seconds;
/// - latency: one image, a fresh random mask each run, the full reconstruction (forward, loss,
///   prediction back in image space), timed after two warm-up runs, at least `runs` runs and 2 s;
///   the reference reports the mean, so both mean and median are kept;
/// - sgemm: C [1024, 1024] = A·Bᵀ through cblas_sgemm at the same thread count, ≥ 1 s.
struct BenchResult {
    var config: MAEConfig
    var threads: Int
    /// The kernel table the passes ran on.
    var isa: KernelTable
    var batch: Int
    var steps: Int
    var trainSeconds: Double
    var trainImagesPerSecond: Double
    var trainGFLOPs: Double
    var latencyMedianMs: Double
    var latencyMeanMs: Double
    var latencyRuns: Int
    var sgemmGFLOPs: Double
    var peakResidentMB: Double
}

enum BenchMeasurement {
    static let maskRatio = 0.75
    static let learningRate = 1.5e-4

    /// Seconds since an arbitrary start, from the monotonic clock.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// cblas_sgemm GFLOP/s on a size³ product (A·Bᵀ, as the model's Linear layers multiply), the
    /// mean over repetitions filling at least `seconds` after one warm-up.
    static func sgemmGFLOPs(size n: Int = 1024, seconds: Double = 1) -> Double {
        var rng = SeededGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in rng.nextUniform() - 0.5 }
        let b = (0..<(n * n)).map { _ in rng.nextUniform() - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        let size = Int32(n)
        func once() {
            c.withUnsafeMutableBufferPointer { c in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, size, size, size, 1, a, size, b, size, 0,
                            c.baseAddress, size)
            }
        }
        once()
        var reps = 0
        let start = now()
        var elapsed = 0.0
        repeat {
            once()
            reps += 1
            elapsed = now() - start
        } while elapsed < seconds || reps < 3
        return 2 * Double(n) * Double(n) * Double(n) * Double(reps) / elapsed / 1e9
    }

    /// Training images/s and matmul GFLOP/s over `steps` timed steps after two warm-up steps.
    static func training(model: MAEModel, batch N: Int, steps: Int,
                         progress: (String) -> Void) -> (seconds: Double, imagesPerSecond: Double, gflops: Double) {
        let c = model.config, L = c.numPatches
        var rng = SeededGenerator(seed: 2)
        let images = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * c.inChans * c.imgSize * c.imgSize)
        let noise = UnsafeMutableBufferPointer<Float>.allocate(capacity: N * L)
        defer { images.deallocate(); noise.deallocate() }
        for i in images.indices { images[i] = Float(rng.nextNormal()) }
        let training = TrainingStep(model: model, optimizer: AdamW(table: model.table))

        func step() {
            for i in noise.indices { noise[i] = rng.nextUniform() }
            training.begin()
            _ = training.accumulate(images: images.baseAddress!, noise: noise.baseAddress!, batch: N, maskRatio: maskRatio)
            training.finish(microBatches: 1, lr: learningRate)
        }
        for i in 0..<2 {
            progress("training warm-up step \(i + 1)/2")
            step()
        }
        progress("training \(steps) steps of \(N) images")
        let start = now()
        for _ in 0..<steps { step() }
        let seconds = now() - start
        let flops = c.matmulFLOPs(batch: N, keep: c.keepCount(maskRatio: maskRatio)).training * Double(steps)
        return (seconds, Double(N * steps) / seconds, flops / seconds / 1e9)
    }

    /// Batch-1 reconstruction latency in milliseconds: median and mean of at least `runs` timed
    /// runs filling at least `seconds`, after two warm-up runs.
    static func latency(model: MAEModel, runs: Int, seconds: Double = 2,
                        progress: (String) -> Void) -> (median: Double, mean: Double, runs: Int) {
        let c = model.config, count = c.inChans * c.imgSize * c.imgSize
        var rng = SeededGenerator(seed: 3)
        let image = (0..<count).map { _ in Float(rng.nextNormal()) }
        // Fresh random masks, drawn before the clock starts (drawing one builds arrays).
        let masks = (0..<64).map { makeMask(.random, ratio: maskRatio, gridSize: c.gridSize, seed: UInt64(100 + $0)) }
        var prediction = [Float](repeating: 0, count: count), pasted = [Float](repeating: 0, count: count)
        var times = [Double]()
        times.reserveCapacity(max(runs, 4096))
        image.withUnsafeBufferPointer { image in
            prediction.withUnsafeMutableBufferPointer { prediction in
                pasted.withUnsafeMutableBufferPointer { pasted in
                    func once(_ i: Int) {
                        _ = model.reconstruct(image: image.baseAddress!, mask: masks[i % masks.count],
                                              prediction: prediction.baseAddress!, pasted: pasted.baseAddress!)
                    }
                    for i in 0..<2 { once(i) }
                    progress("latency: at least \(runs) batch-1 reconstructions and \(Int(seconds)) s")
                    let start = now()
                    var i = 0
                    while times.count < runs || now() - start < seconds {
                        let t0 = now()
                        once(i)
                        times.append(now() - t0)
                        i += 1
                    }
                }
            }
        }
        let sorted = times.sorted()
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        let mean = times.reduce(0, +) / Double(times.count)
        return (median * 1e3, mean * 1e3, times.count)
    }

    /// The process's peak resident set so far, in MB (Linux reports ru_maxrss in KiB).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
