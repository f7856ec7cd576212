import Testing
@testable import Imaging

/// Sizes of the cases in Data/resize-WxH-WxH.bin: input levels then Pillow's
/// `Image.resize((w, h), Image.BICUBIC)` output levels, 8-bit RGB. The inputs mix gradients
/// with noise so that overshoot and clipping happen.
private let pillowCases: [(inW: Int, inH: Int, outW: Int, outH: Int)] = [
    (7, 5, 3, 4), (10, 10, 4, 4), (6, 4, 13, 9), (64, 48, 20, 30), (31, 17, 7, 30),
    (5, 9, 5, 3), (9, 5, 4, 5), (40, 40, 9, 9), (3, 2, 17, 11), (50, 20, 50, 47),
]

/// 8-bit levels of `image`, rounded as Pillow rounds.
private func levels(_ image: RGBImage) -> [Int] {
    image.pixels.map { Int(($0 * 255).rounded()) }
}

@Test(arguments: pillowCases.indices)
func resizeMatchesPillowWithinOneLevel(index: Int) throws {
    let c = pillowCases[index]
    let bytes = try TestFiles.bytes(TestFiles.data("resize-\(c.inW)x\(c.inH)-\(c.outW)x\(c.outH).bin"))
    let inCount = c.inW * c.inH * 3
    #expect(bytes.count == inCount + c.outW * c.outH * 3)
    let input = imageFromLevels(bytes[0..<inCount], width: c.inW, height: c.inH)
    let output = resizeBicubic(input, width: c.outW, height: c.outH)
    #expect(output.width == c.outW && output.height == c.outH)
    let got = levels(output)
    let expected = bytes[inCount...].map(Int.init)
    let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 1, "\(c): off by \(worst) levels")
    // Pillow rounds to 8 bits between its two passes and this keeps Floats, so about one
    // sample in five differs by a level when both passes run; with one pass (one side
    // unchanged) the only difference is Pillow's 22-bit fixed-point weights.
    let exact = Double(zip(got, expected).filter { $0 == $1 }.count) / Double(got.count)
    let onePass = c.inW == c.outW || c.inH == c.outH
    #expect(exact >= (onePass ? 0.99 : 0.7), "\(c): only \(exact) exact")
}

@Test func photographResizeMatchesPillow() throws {
    let astronaut = try decodeImage(atPath: TestFiles.asset("astronaut.png"))
    let small = resizeBicubic(astronaut, width: 64, height: 64)
    let expected = try TestFiles.bytes(TestFiles.data("astronaut-64x64.rgb")).map(Int.init)
    let worst = zip(levels(small), expected).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 1)
}

@Test func handComputedDownscaleUsesStretchedKernelAndEdgeRenormalisation() {
    // 4 → 2: scale 2, support 4. Output 0 is centred at 1.0 and sees inputs 0…3 at kernel
    // arguments (x + 0.5 − 1) / 2 = −0.25, 0.25, 0.75, 1.25 (inputs left of 0 are cut off).
    // Keys' cubic with a = −0.5: K(0.25) = 0.8671875, K(0.75) = 0.2265625, K(1.25) = −0.0703125.
    let input = RGBImage(width: 4, height: 1, pixels: [0, 0.4, 0.8, 1.0].flatMap { [$0, $0, $0] })
    let out = resizeBicubic(input, width: 2, height: 1)
    let w: [Double] = [0.8671875, 0.8671875, 0.2265625, -0.0703125]
    let expected = (w[0] * 0 + w[1] * 0.4 + w[2] * 0.8 + w[3] * 1.0) / w.reduce(0, +)
    #expect(abs(Double(out[0, 0, 0]) - expected) < 1e-6)
    // Output 1, by symmetry, mirrors the weights.
    let expected1 = (w[3] * 0 + w[2] * 0.4 + w[1] * 0.8 + w[0] * 1.0) / w.reduce(0, +)
    #expect(abs(Double(out[1, 0, 2]) - expected1) < 1e-6)
}

@Test func constantImagesStayConstantAndSameSizeIsIdentity() {
    let grey = RGBImage(width: 5, height: 7, fill: (0.3, 0.6, 0.9))
    for (w, h) in [(1, 1), (2, 3), (11, 13), (5, 2)] {
        let out = resizeBicubic(grey, width: w, height: h)
        #expect(maxDifference(out.pixels, RGBImage(width: w, height: h, fill: (0.3, 0.6, 0.9)).pixels) < 1e-6)
    }
    #expect(resizeBicubic(grey, width: 5, height: 7) == grey)
}

@Test func resizeOutputStaysInUnitRange() {
    // A hard edge makes the cubic overshoot; like Pillow's 8-bit path the result is clipped.
    let edge = RGBImage(width: 4, height: 1, pixels: [0, 0, 1, 1].flatMap { [$0, $0, $0] })
    let out = resizeBicubic(edge, width: 16, height: 3)
    #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(out.pixels.contains(0) && out.pixels.contains(1))
}
