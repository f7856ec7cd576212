import Foundation
import Imaging
import MAE
import Testing
@testable import Training

/// The whole training step (forward, backward, AdamW) learns: a shrunk model given one image
/// and one mask over and over drives the masked loss below 10% of where it started.
@Suite(.serialized) struct OverfitTests {
    @Test func aSmallModelLearnsOneImage() throws {
        let config = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 32, depth: 1, numHeads: 2,
                               decoderEmbedDim: 32, decoderDepth: 1, decoderNumHeads: 2)
        try ModelThreads.withCount(1) {
            let model = try MAEModel(config: config, seed: 1)
            let image = try decodeImage(atPath: TemporaryFolder.assets + "/astronaut.png")
            let chw = normalizedCHW(resizeAndCenterCrop(image, side: 16))
            var rng = SeededGenerator(seed: 2)
            let noise = (0..<config.numPatches).map { _ in rng.nextUniform() }
            let optimizer = AdamW(table: model.table)
            let gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: model.table.count)
            defer { gradients.deallocate() }
            let schedule = LearningRateSchedule(peak: 2e-3, minLR: 1e-4, warmup: 20, total: 400)
            var losses: [Float] = []
            for step in 0..<400 {
                gradients.update(repeating: 0)
                let loss = chw.withUnsafeBufferPointer { x in
                    noise.withUnsafeBufferPointer { n in
                        model.lossAndGradients(images: x.baseAddress!, noise: n.baseAddress!, batch: 1, maskRatio: 0.75,
                                               gradients: gradients)
                    }
                }
                losses.append(loss)
                optimizer.update(parameters: model.parameters, gradients: UnsafeBufferPointer(gradients),
                                 lr: schedule.lr(at: Double(step)))
                if loss < 0.1 * losses[0] { break }
            }
            #expect(losses.allSatisfy { $0.isFinite })
            #expect(losses.last! < 0.1 * losses[0], "loss \(losses[0]) → \(losses.last!) after \(losses.count) steps")
        }
    }
}
