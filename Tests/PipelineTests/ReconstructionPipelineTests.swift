import Foundation
import Imaging
import MAE
import Testing
@testable import Pipeline

@Suite struct ReconstructionScoresTests {
    /// Against a hand computation: one hidden patch of four, off by 0.1 everywhere.
    @Test func scoresMatchAHandComputation() {
        let original = RGBImage(width: 4, height: 4, fill: (0.5, 0.5, 0.5))
        var changed = original
        for y in 0..<2 { for x in 0..<2 { for c in 0..<3 { changed[x, y, c] = 0.6 } } }
        let s = ReconstructionScores(original: original, reconstruction: changed, pasted: changed,
                                     mask: [true, false, false, false], patchSize: 2)
        #expect(abs(s.maskedMSE - 0.01) < 1e-7)
        #expect(abs(s.wholeMSE - 0.0025) < 1e-8)
        #expect(abs(s.psnr - 10 * log10(1 / 0.0025)) < 1e-4)
        #expect(s.patchErrors.count == 4 && abs(s.patchErrors[0] - 0.01) < 1e-7 && s.patchErrors[1...].allSatisfy { $0 == 0 })
        let none = ReconstructionScores(original: original, reconstruction: original, pasted: original,
                                        mask: [false, false, false, false], patchSize: 2)
        #expect(none.maskedMSE.isNaN)
        #expect(none.psnr == .infinity)
    }

    /// The masked MSE is the mean of the hidden patches' errors (patches are equal in size), and
    /// "reconstruction + visible" is scored over the whole image, not the reconstruction.
    @Test func maskedMSEIsTheMeanOfTheHiddenPatchesErrors() {
        var g = SeededGenerator(seed: 4)
        func noise() -> RGBImage {
            var image = RGBImage(width: 8, height: 8, fill: (0, 0, 0))
            for i in image.pixels.indices { image.pixels[i] = Float(g.nextUniform()) }
            return image
        }
        let original = noise(), reconstruction = noise(), mask = [true, false, true, true]
        let s = ReconstructionScores(original: original, reconstruction: reconstruction, pasted: original, mask: mask,
                                     patchSize: 4)
        let hidden = [0, 2, 3].map { Double(s.patchErrors[$0]) }.reduce(0, +) / 3
        #expect(abs(s.maskedMSE - hidden) < 1e-7)
        #expect(s.wholeMSE == 0 && s.patchErrors[1] > 0)
    }
}

@Suite struct ReconstructionPipelineTests {
    static let config = MAEConfig(imgSize: 32, patchSize: 8, embedDim: 32, depth: 1, numHeads: 2,
                                  decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2)

    static func picture(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: (0, 0, 0))
        for y in 0..<height { for x in 0..<width {
            image[x, y, 0] = Float(x) / Float(width); image[x, y, 1] = Float(y) / Float(height); image[x, y, 2] = 0.3
        } }
        return image
    }

    /// A file goes through decode → resize and crop → normalise exactly as an image in memory.
    @Test func aFileIsPreparedLikeTheImageItHolds() throws {
        let image = Self.picture(width: 48, height: 40)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try encodePNG(image, toPath: path)
        let fromFile = try PreparedImage(path: path, side: 32), inMemory = PreparedImage(try decodeImage(atPath: path), side: 32)
        #expect(fromFile.original == inMemory.original && fromFile.input == inMemory.input)
        #expect(fromFile.original.width == 32 && fromFile.original.height == 32 && fromFile.input.count == 3 * 32 * 32)
        #expect(fromFile.source.width == 48 && fromFile.source.height == 40)
        #expect(throws: ImageError.self) { _ = try PreparedImage(path: path + ".missing", side: 32) }
    }

    /// The pictures are the model's output in display space, the visible patches of "pasted"
    /// are the original's, and the scores are those of these pictures.
    @Test func reconstructionPicturesAndScoresAgree() throws {
        let model = try MAEModel(config: Self.config, seed: 3)
        let image = PreparedImage(Self.picture(width: 32, height: 32), side: 32)
        let mask = makeMask(.random, ratio: 0.75, gridSize: 4, seed: 1)
        let r = image.reconstructed(by: model, mask: mask)
        let direct = model.reconstruct(image: image.input, mask: mask)
        let picture = direct.prediction.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: 32, height: 32) }
        #expect(r.reconstruction == picture)
        for k in 0..<16 where !mask.masked[k] {
            let x = (k % 4) * 8 + 3, y = (k / 4) * 8 + 5
            #expect(abs(r.pasted[x, y, 1] - image.original[x, y, 1]) < 1e-5)
        }
        #expect(r.scores == ReconstructionScores(original: image.original, reconstruction: r.reconstruction,
                                                 pasted: r.pasted, mask: mask.masked, patchSize: 8))
        #expect(r.scores.maskedMSE > 0 && r.scores.psnr.isFinite && abs(r.model.loss - direct.loss) < 1e-6)
    }

    @Test func hiddenPatchesAreDrawnInTheMeanColour() {
        let image = Self.picture(width: 16, height: 16)
        let masked = hidingMaskedPatches(image, mask: [false, true, false, false], patchSize: 8)
        #expect(masked[12, 3, 0] == ImageNet.mean[0] && masked[12, 3, 2] == ImageNet.mean[2])
        #expect(masked[3, 3, 0] == image[3, 3, 0] && masked[12, 12, 1] == image[12, 12, 1])
    }
}
