import Foundation
import MAE
import Testing
@testable import Explorer

/// A large model is read by the worker after the window opens: once, and a failure to read it
/// is the model's, not the image's.
@Suite struct LazyModelTests {
    final class Counter: @unchecked Sendable { var reads = 0 }

    @Test func itIsReadOnceOnFirstUse() throws {
        let counter = Counter()
        let config = MAEConfig(imgSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                               decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)
        let lazy = LazyModel { counter.reads += 1; return try MAEModel(config: config, seed: 0) }
        #expect(counter.reads == 0)
        let engine = ModelEngine(loading: lazy)
        let image = TrainingImageMarkerTests.assets + "/coffee.png"
        let first = engine.run(ReconstructionRequest(id: 1, imageIndex: 0, path: image, masks: [Array(repeating: true, count: 16)]))
        let second = engine.run(ReconstructionRequest(id: 2, imageIndex: 0, path: image, masks: [Array(repeating: false, count: 16)]))
        #expect(counter.reads == 1)
        guard case .success(let a) = first.result, case .success(let b) = second.result else {
            Issue.record("a reconstruction failed"); return
        }
        #expect(a.original.width == 16 && b.panels.count == 1)
        #expect(try lazy.get().get() === lazy.get().get())
    }

    @Test func aModelThatCannotBeReadIsSaidOnceAndNoImageIsBlamed() {
        struct Broken: Error, CustomStringConvertible { var description: String { "big.safetensors: truncated" } }
        let engine = ModelEngine(loading: LazyModel { throw Broken() })
        var s = Fixture.state()
        let outcome = engine.run(ReconstructionRequest(id: s.lastRequestID, imageIndex: 0, path: "/images/img0.png",
                                                       masks: [s.mask]))
        #expect(outcome.modelFailed)
        _ = Fixture.reducer.reduce(&s, .reconstructed(outcome))
        #expect(s.message == "cannot load the model: big.safetensors: truncated")
        #expect(s.imageIndex == 0 && s.images.allSatisfy { $0.failure == nil })
    }
}
