import Testing
@testable import Imaging

/// Size and per-channel means of each photograph in Assets/images, computed once with Pillow
/// (an independent decoder; RGBA composited over white in float64).
private let assetStatistics: [(name: String, width: Int, height: Int, mean: [Double])] = [
    ("astronaut.png", 512, 512, [0.555147, 0.414743, 0.378334]),
    ("brick.png", 512, 512, [0.437080, 0.437080, 0.437080]),
    ("camera.png", 512, 512, [0.506120, 0.506120, 0.506120]),
    ("cell.png", 550, 660, [0.266513, 0.266513, 0.266513]),
    ("chelsea.png", 451, 300, [0.579110, 0.437037, 0.340384]),
    ("clock_motion.png", 400, 300, [0.573849, 0.573849, 0.573849]),
    ("coffee.png", 600, 400, [0.621840, 0.336447, 0.201901]),
    ("coins.png", 384, 303, [0.379826, 0.379826, 0.379826]),
    ("grass.png", 512, 512, [0.463622, 0.463622, 0.463622]),
    ("gravel.png", 512, 512, [0.496255, 0.496255, 0.496255]),
    ("horse.png", 400, 328, [0.669295, 0.669295, 0.669295]),
    ("hubble_deep_field.jpg", 1000, 872, [0.072870, 0.077615, 0.074861]),
    ("retina.jpg", 1411, 1411, [0.625229, 0.249196, 0.180845]),
    ("rocket.jpg", 640, 427, [0.204964, 0.240370, 0.322632]),
    ("text.png", 448, 172, [0.506910, 0.506910, 0.506910]),
    ("colorful_cups.jpg", 819, 512, [0.470008, 0.458378, 0.563637]),
    ("evening_glow.jpg", 819, 512, [0.374796, 0.351222, 0.347192]),
    ("fallen_leaf.jpg", 819, 512, [0.630626, 0.409392, 0.225633]),
    ("forest_path.jpg", 819, 512, [0.121352, 0.179680, 0.111527]),
    ("ladybird.jpg", 819, 512, [0.433511, 0.517085, 0.283551]),
    ("yellow_flower.jpg", 819, 512, [0.575530, 0.428312, 0.029846]),
    ("garden.jpg", 819, 512, [0.668749, 0.472987, 0.161305]),
    ("dune.jpg", 819, 512, [0.580820, 0.568294, 0.443186]),
]

@Test(arguments: assetStatistics.map(\.name))
func assetDecodesWithPillowsSizeAndMeans(name: String) throws {
    let expected = assetStatistics.first { $0.name == name }!
    let image = try decodeImage(atPath: TestFiles.asset(name))
    #expect(image.width == expected.width && image.height == expected.height)
    var sums = [Double](repeating: 0, count: 3)
    image.pixels.withUnsafeBufferPointer { p in
        for i in stride(from: 0, to: p.count, by: 3) {
            sums[0] += Double(p[i]); sums[1] += Double(p[i + 1]); sums[2] += Double(p[i + 2])
        }
    }
    let count = Double(image.width * image.height)
    for c in 0..<3 {
        #expect(abs(sums[c] / count - expected.mean[c]) < 1.0 / 255, "\(name) channel \(c)")
    }
    #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
}

@Test func everyAssetImageIsCovered() throws {
    let files = try TestFiles.assetNames()
    #expect(Set(files) == Set(assetStatistics.map(\.name)))
}
