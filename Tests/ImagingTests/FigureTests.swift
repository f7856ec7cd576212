import Testing
@testable import Imaging

@Test func scaledNearestRepeatsPixelsInBlocks() {
    let image = RGBImage(width: 2, height: 1, pixels: [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    let big = scaledNearest(image, factor: 3)
    #expect(big.width == 6 && big.height == 3)
    for y in 0..<3 {
        for x in 0..<6 {
            let source = x < 3 ? 0 : 1
            for c in 0..<3 { #expect(big[x, y, c] == image[source, 0, c]) }
        }
    }
    #expect(scaledNearest(image, factor: 1) == image)
}

/// Four 8×8 panels of flat colours, patch size 4, scale 2.
private func figure(gridLines: Bool, titles: [String] = ["original", "masked 75%", "reconstruction", "+ visible"]) -> RGBImage {
    let colours: [(Float, Float, Float)] = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.2, 0.2, 0.2)]
    let panels = zip(titles, colours).map { (title: $0, image: RGBImage(width: 8, height: 8, fill: $1)) }
    return fourPanelFigure(panels: panels, patchSize: 4, scale: 2, gridLines: gridLines)
}

@Test func figureLayout() {
    let image = figure(gridLines: true)
    // Font scale 1: margin 8, title 8 high, gap 4. Width 5 margins + 4 panels of 16;
    // height margin + title + gap + panel + margin.
    #expect(image.width == 5 * 8 + 4 * 16)
    #expect(image.height == 8 + 8 + 4 + 16 + 8)
    #expect(image[0, 0, 0] == 1 && image[0, 0, 1] == 1 && image[0, 0, 2] == 1)   // white background
    let top = 20
    for (index, colour) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)].enumerated() {
        let left = 8 + index * 24
        // Inside a patch: the panel's colour, enlarged.
        #expect(image[left + 3, top + 3, 0] == Float(colour.0))
        #expect(image[left + 3, top + 3, 1] == Float(colour.1))
        #expect(image[left + 15, top + 15, 2] == Float(colour.2))
        // Left of and above the panel: margin.
        #expect(image[left - 1, top + 3, 0] == 1 && image[left - 1, top + 3, 1] == 1)
    }
}

@Test func gridLinesOnPatchBordersOnly() {
    let with = figure(gridLines: true), without = figure(gridLines: false)
    let (left, top) = (8, 20)   // first panel, red, patches 8 output pixels wide
    // Border column 8 and row 8 of the panel are blended 40% towards grey: 0.6·v + 0.2.
    #expect(abs(with[left + 8, top + 3, 0] - 0.8) < 1e-6 && abs(with[left + 8, top + 3, 1] - 0.2) < 1e-6)
    #expect(abs(with[left + 3, top + 8, 0] - 0.8) < 1e-6)
    // Not on the outer edge, not inside patches.
    #expect(with[left, top + 3, 0] == 1 && with[left + 3, top, 1] == 0)
    #expect(with[left + 7, top + 7, 0] == 1 && with[left + 9, top + 9, 1] == 0)
    #expect(without[left + 8, top + 3, 0] == 1 && without[left + 8, top + 3, 1] == 0)
}

@Test func titlesAreDrawnAboveTheirPanels() {
    let titled = figure(gridLines: false)
    let untitled = figure(gridLines: false, titles: ["", "", "", ""])
    func inkInTitleRow(_ image: RGBImage, panel: Int) -> Int {
        var ink = 0
        for y in 8..<16 {
            for x in (8 + panel * 24)..<(8 + panel * 24 + 16) where image[x, y, 0] < 0.5 { ink += 1 }
        }
        return ink
    }
    for panel in 0..<4 {
        #expect(inkInTitleRow(titled, panel: panel) > 5)
        #expect(inkInTitleRow(untitled, panel: panel) == 0)
    }
}

@Test func fontCoversTheCharactersFiguresNeed() {
    for character in "abcdefghijklmnopqrstuvwxyz0123456789 %.:+-" {
        #expect(BitmapFont.covers(character), "\(character)")
        let rows = BitmapFont.rows(for: character)
        #expect(rows.count == BitmapFont.glyphHeight && rows.allSatisfy { $0 < 32 })
    }
    #expect(BitmapFont.covers("A"))   // capitals fall back to lowercase glyphs
    // Every covered character looks different from every other.
    let glyphs = "abcdefghijklmnopqrstuvwxyz0123456789 %.:+-()/=,_?".map { BitmapFont.rows(for: $0) }
    #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == glyphs.count)
    #expect(BitmapFont.width(of: "mae", scale: 2) == (3 * 6 - 1) * 2)
}
