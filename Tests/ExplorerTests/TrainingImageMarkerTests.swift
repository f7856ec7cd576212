import Foundation
@testable import Explorer
import Imaging
import MAE
import Testing

/// The header's "seen in training" / "held out" marker: by content hash, only for models whose
/// file lists their training images.
@Suite struct TrainingImageMarkerTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Assets/images").path

    static func ask(_ engine: ModelEngine, _ path: String) throws -> ReconstructedImage {
        let mask = (0..<(try engine.source.get().get().config.numPatches)).map { $0 % 4 != 0 }
        let outcome = engine.run(ReconstructionRequest(id: 1, imageIndex: 0, path: path, masks: [mask]))
        return try outcome.result.get()
    }

    @Test func marksAnImageByItsContentNotItsName() throws {
        let astronaut = Self.assets + "/astronaut.png", chelsea = Self.assets + "/chelsea.png"
        let model = try MAEModel(config: .tiny, seed: 0)
        let engine = ModelEngine(model: model, trainingImages: [contentHash(try decodeImage(atPath: astronaut))])
        #expect(try Self.ask(engine, astronaut).seenInTraining == true)
        #expect(try Self.ask(engine, chelsea).seenInTraining == false)
        // A copy under another name is the same picture.
        let copy = NSTemporaryDirectory() + "maex-marker-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try encodePNG(try decodeImage(atPath: astronaut), toPath: copy)
        #expect(try Self.ask(engine, copy).seenInTraining == true)
        // A model that does not list its training images marks nothing.
        #expect(try Self.ask(ModelEngine(model: model), astronaut).seenInTraining == nil)
    }

    @Test func theHeaderSaysSeenOrHeldOutOnlyWhenTheModelSays() {
        for (seen, text) in [(true as Bool?, " · seen in training"), (false, " · held out"), (nil, "")] {
            var s = Fixture.state()
            var answer = Fixture.answer(s)
            if case .success(var image) = answer.result {
                image.seenInTraining = seen
                answer.result = .success(image)
            }
            _ = Fixture.reducer.reduce(&s, .reconstructed(answer))
            #expect(StatusBar.fields(s).first == "img0.png 1/3" + text)
        }
    }
}
