import Testing
@testable import Imaging

@Suite struct QuarterTurnTests {
    /// 3 wide, 2 high; pixel value = its label (1…6) in every channel.
    ///   1 2 3
    ///   4 5 6
    static let image = RGBImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6].flatMap { [Float($0), Float($0), Float($0)] })

    static func labels(_ image: RGBImage) -> [[Int]] {
        (0..<image.height).map { y in (0..<image.width).map { x in Int(image[x, y, 0]) } }
    }

    @Test func turnsClockwiseByHand() {
        #expect(Self.labels(turnedQuarter(Self.image, turns: 1)) == [[4, 1], [5, 2], [6, 3]])
        #expect(Self.labels(turnedQuarter(Self.image, turns: 2)) == [[6, 5, 4], [3, 2, 1]])
        #expect(Self.labels(turnedQuarter(Self.image, turns: 3)) == [[3, 6], [2, 5], [1, 4]])
        #expect(turnedQuarter(Self.image, turns: 0) == Self.image)
        #expect(turnedQuarter(Self.image, turns: -1) == turnedQuarter(Self.image, turns: 3))
    }

    @Test func fourTurnsAreTheIdentityAndChannelsStayApart() {
        var colourful = RGBImage(width: 5, height: 4)
        for i in colourful.pixels.indices { colourful.pixels[i] = Float(i) / 60 }
        var turned = colourful
        for _ in 0..<4 { turned = turnedQuarter(turned, turns: 1) }
        #expect(turned == colourful)
        // A turn moves whole pixels: the multiset of (r, g, b) triples is unchanged.
        let triples = { (im: RGBImage) in stride(from: 0, to: im.pixels.count, by: 3).map { [im.pixels[$0], im.pixels[$0 + 1], im.pixels[$0 + 2]] } }
        #expect(Set(triples(turnedQuarter(colourful, turns: 1))) == Set(triples(colourful)))
    }
}
