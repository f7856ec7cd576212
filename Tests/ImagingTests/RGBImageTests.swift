import Testing
@testable import Imaging

@Test func filledImageHasThatColour() {
    let image = RGBImage(width: 3, height: 2, fill: (0.25, 0.5, 1))
    #expect(image.pixels.count == 18)
    #expect(image[2, 1, 0] == 0.25)
    #expect(image[0, 0, 1] == 0.5)
    #expect(image[1, 1, 2] == 1)
}
