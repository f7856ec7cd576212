import Testing
@testable import Imaging

@Test func imageNetConstants() {
    #expect(ImageNet.mean == [0.485, 0.456, 0.406])
    #expect(ImageNet.std == [0.229, 0.224, 0.225])
}

@Test func normalizedCHWIsPlanarAndStandardised() {
    // 2×1 image: pixel 0 = (0, 0.5, 1), pixel 1 = (1, 0.25, 0).
    let image = RGBImage(width: 2, height: 1, pixels: [0, 0.5, 1, 1, 0.25, 0])
    let chw = normalizedCHW(image)
    let expected: [Float] = [
        (0 - 0.485) / 0.229, (1 - 0.485) / 0.229,       // red plane
        (0.5 - 0.456) / 0.224, (0.25 - 0.456) / 0.224,  // green plane
        (1 - 0.406) / 0.225, (0 - 0.406) / 0.225,       // blue plane
    ]
    #expect(maxDifference(chw, expected) < 1e-5)
}

@Test func denormalisingRestoresTheImageAndClamps() {
    var rng = SplitMix64(state: 3)
    let image = RGBImage(width: 4, height: 3, pixels: (0..<36).map { _ in Float.random(in: 0...1, using: &rng) })
    let chw = normalizedCHW(image)
    let back = chw.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: 4, height: 3) }
    #expect(maxDifference(back.pixels, image.pixels) < 1e-6)

    // Values beyond the image range clamp; NaN becomes 0.
    let wild: [Float] = [100, -100, .nan]
    let clamped = wild.withUnsafeBufferPointer { imageFromNormalizedCHW($0, width: 1, height: 1) }
    #expect(clamped.pixels == [1, 0, 0])
}
