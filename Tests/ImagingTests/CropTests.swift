import Testing
@testable import Imaging

/// A width × height image whose red channel is the pixel index y·width + x (green 0, blue 1),
/// so that crops can be read back as indices.
private func indexImage(width: Int, height: Int) -> RGBImage {
    RGBImage(width: width, height: height,
             pixels: (0..<(width * height)).flatMap { [Float($0), 0, 1] })
}

private func redIndices(_ image: RGBImage) -> [Int] {
    stride(from: 0, to: image.pixels.count, by: 3).map { Int(image.pixels[$0]) }
}

@Test func centerCropUsesPythonRounding() {
    // 5×4 → 2×2: left = round(1.5) = 2 (halves to even), top = round(1.0) = 1.
    #expect(redIndices(centerCrop(indexImage(width: 5, height: 4), width: 2, height: 2)) == [7, 8, 12, 13])
    // 9×9 → 4×4: round(2.5) = 2; 6×6 → 3×3: round(1.5) = 2.
    #expect(redIndices(centerCrop(indexImage(width: 9, height: 9), width: 4, height: 4)).first == 2 * 9 + 2)
    #expect(redIndices(centerCrop(indexImage(width: 6, height: 6), width: 3, height: 3)).first == 2 * 6 + 2)
    // 8×7 → 8×2: left 0, top = round(2.5) = 2.
    #expect(redIndices(centerCrop(indexImage(width: 8, height: 7), width: 8, height: 2)) == Array(16..<32))
}

@Test func centerCropLargerThanImagePadsWithBlack() {
    // 2×2 → 4×3: torchvision pads (4−2)//2 = 1 column on the left, (3−2)//2 = 0 rows on top.
    let image = RGBImage(width: 2, height: 2, pixels: [Float](repeating: 0.5, count: 12))
    let out = centerCrop(image, width: 4, height: 3)
    let red = stride(from: 0, to: out.pixels.count, by: 3).map { out.pixels[$0] }
    #expect(red == [0, 0.5, 0.5, 0,
                    0, 0.5, 0.5, 0,
                    0, 0, 0, 0])
}

@Test func resizeAndCenterCropFollowsTorchvision() throws {
    // 451×300: shorter side to 64, longer to int(64·451/300) = 96, then the middle 64×64.
    #expect(shorterSideSize(width: 451, height: 300, shorter: 64) == (96, 64))
    #expect(shorterSideSize(width: 300, height: 451, shorter: 64) == (64, 96))
    #expect(shorterSideSize(width: 10, height: 10, shorter: 4) == (4, 4))
    let chelsea = try decodeImage(atPath: TestFiles.asset("chelsea.png"))
    let out = resizeAndCenterCrop(chelsea, side: 64)
    #expect(out.width == 64 && out.height == 64)
    // Expected: Pillow resize((96, 64), BICUBIC), rows 0..<64, columns 16..<80.
    let expected = try TestFiles.bytes(TestFiles.data("chelsea-resize-crop-64.rgb")).map(Int.init)
    let worst = zip(out.pixels.map { Int(($0 * 255).rounded()) }, expected).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 1)
}

@Test func flipMirrorsRows() {
    let out = flippedHorizontally(indexImage(width: 3, height: 2))
    #expect(redIndices(out) == [2, 1, 0, 5, 4, 3])
    #expect(out[0, 1, 2] == 1 && out[2, 1, 1] == 0)
    #expect(flippedHorizontally(out) == indexImage(width: 3, height: 2))
}

@Test func randomResizedCropIsReproducibleAndSized() {
    let image = indexImage(width: 40, height: 30)
    var a = SplitMix64(state: 7), b = SplitMix64(state: 7), c = SplitMix64(state: 8)
    let first = randomResizedCrop(image, side: 16, using: &a)
    let second = randomResizedCrop(image, side: 16, using: &b)
    let other = randomResizedCrop(image, side: 16, using: &c)
    #expect(first.width == 16 && first.height == 16)
    #expect(first == second)
    #expect(first != other)
}

@Test func cropWindowsStayWithinScaleAndRatioBounds() {
    var rng = SplitMix64(state: 123)
    let (width, height) = (200, 150)
    var areas: [Double] = []
    for _ in 0..<2000 {
        let w = cropWindow(width: width, height: height, scale: 0.2...1.0, ratio: (3.0 / 4)...(4.0 / 3), using: &rng)
        #expect(w.left >= 0 && w.top >= 0 && w.left + w.width <= width && w.top + w.height <= height)
        // Sides are rounded to whole pixels, so allow half a pixel on each.
        let area = Double(w.width * w.height) / Double(width * height)
        let slack = (Double(w.width + w.height) * 0.5 + 0.25) / Double(width * height)
        #expect(area >= 0.2 - slack && area <= 1.0 + slack)
        // The unrounded sides were within half a pixel of these, with a ratio in 3/4...4/3.
        let (cw, ch) = (Double(w.width), Double(w.height))
        #expect((cw + 0.5) / (ch - 0.5) >= 0.75 && (cw - 0.5) / (ch + 0.5) <= 4.0 / 3)
        areas.append(area)
    }
    // The draws spread over the range rather than sticking to one value.
    #expect(areas.min()! < 0.3 && areas.max()! > 0.9)
}

@Test func cropWindowFallsBackToCentredCropWithClampedRatio() {
    var rng = SplitMix64(state: 1)
    // A scale above 1 never fits, so all ten tries fail. 100×20 is wider than 4:3:
    // h = 20, w = round(20 · 4/3) = 27, centred at (100 − 27) // 2 = 36.
    let wide = cropWindow(width: 100, height: 20, scale: 2...3, ratio: (3.0 / 4)...(4.0 / 3), using: &rng)
    #expect(wide == CropWindow(left: 36, top: 0, width: 27, height: 20))
    // 20×100 is taller than 3:4: w = 20, h = round(20 / 0.75) = 27, top (100 − 27) // 2 = 36.
    let tall = cropWindow(width: 20, height: 100, scale: 2...3, ratio: (3.0 / 4)...(4.0 / 3), using: &rng)
    #expect(tall == CropWindow(left: 0, top: 36, width: 20, height: 27))
    // Within the ratio bounds the fallback is the whole image.
    let square = cropWindow(width: 30, height: 30, scale: 2...3, ratio: (3.0 / 4)...(4.0 / 3), using: &rng)
    #expect(square == CropWindow(left: 0, top: 0, width: 30, height: 30))
}
