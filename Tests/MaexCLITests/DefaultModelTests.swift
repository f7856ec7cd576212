import Foundation
import Imaging
import MAE
import Testing
import Training

/// The model maex ships (Assets/models/maex-tiny.safetensors) against its model card
/// (Assets/models/README.md): the card's numbers must come back from the shipped file.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: SourceTree.asset("models/maex-tiny.safetensors"))))
struct DefaultModelTests {
    static let modelPath = SourceTree.asset("models/maex-tiny.safetensors")
    static let cardPath = SourceTree.asset("models/README.md")

    static func card() throws -> String {
        try String(contentsOfFile: cardPath, encoding: .utf8)
    }

    /// The JSON object in the card's first ```json block after `heading`.
    static func cardJSON(after heading: String) throws -> [String: Any] {
        let text = try card()
        let section = try #require(text.range(of: heading), "the card has no \(heading)")
        let rest = text[section.upperBound...]
        let open = try #require(rest.range(of: "```json\n"), "no json block after \(heading)")
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        let data = Data(rest[open.upperBound..<close.lowerBound].utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The (model, mean fill, interpolation) PSNR means of the card's eval table row for `label`:
    /// `| label | 20.01 ± 0.33 | 19.63 ± 0.31 | 20.34 ± 0.52 | …`.
    static func cardRow(_ label: String) throws -> [Double] {
        let line = try #require(try card().split(separator: "\n").first { $0.hasPrefix("| \(label) |") },
                                "the card's table has no row for \(label)")
        let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        return try cells[1...3].map { cell in
            try #require(Double(cell.split(separator: " ").first ?? ""), "\(label): not a number: \(cell)")
        }
    }

    static func canonical(_ object: [String: Any]) -> [String: String] {
        object.mapValues { value in
            (try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
    }

    @Test func shippedFileIsSmallAndItsConfigIsTheCards() throws {
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Self.modelPath)[.size] as? Int)
        #expect(size <= 8 << 20, "\(size) bytes")
        let header = try SourceTree.header(Self.modelPath)
        let meta = try #require(header["__metadata__"] as? [String: String])
        let config = try #require(try JSONSerialization.jsonObject(with: Data((meta["mae.config"] ?? "").utf8)) as? [String: Any])
        let carded = try Self.cardJSON(after: "## Config")
        // Values compared as their JSON text, so 4 and 4.0 or false and 0 cannot pass for each other.
        #expect(Self.canonical(config) == Self.canonical(carded), "file \(config) card \(carded)")
        #expect(carded["norm_pix_loss"] as? Bool == false, "the card promises raw-pixel targets")
        // And the loader every command uses accepts it, with that config.
        let model = try Checkpoint.load(path: Self.modelPath)
        #expect(model.config == MAEConfig.tiny)
        // Every tensor is F16, as the card says.
        let dtypes = Set(header.filter { $0.key != "__metadata__" }.compactMap { ($0.value as? [String: Any])?["dtype"] as? String })
        #expect(dtypes == ["F16"], "\(dtypes)")
    }

    /// The file lists the content hashes of its training images: every sample image but the
    /// two held out, which must not be there.
    @Test func shippedFileKnowsWhichSamplesItWasTrainedOn() throws {
        let seen = try #require(TrainingImages.parse(try Checkpoint.metadata(path: Self.modelPath)[TrainingImages.metadataKey]),
                                "no \(TrainingImages.metadataKey) metadata")
        let folder = SourceTree.asset("images")
        let samples = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }
        #expect(samples.count >= 20)
        for name in samples {
            let trained = seen.contains(contentHash(try decodeImage(atPath: folder + "/" + name)))
            #expect(trained == !["chelsea.png", "coffee.png"].contains(name), "\(name)")
        }
        // The card says how many images the model saw; the file lists at least that many originals.
        #expect(seen.count >= 65, "\(seen.count) hashes")
    }

    /// The file loads through Checkpoint.load (what every command uses): `maex reconstruct`
    /// without --model opens it, with no untrained-model warning, and says which file it used.
    @Test func reconstructWithoutModelUsesTheShippedOne() throws {
        let dir = try SourceTree.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MaexProcess.run(["reconstruct", SourceTree.asset("images/chelsea.png"), "-o",
                                          dir.appendingPathComponent("f.png").path, "--json"],
                                         environment: ["MAEX_ASSETS": SourceTree.root.appendingPathComponent("Assets").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["model"] as? String)?.hasSuffix("models/maex-tiny.safetensors") == true, "\(object["model"] ?? "none")")
        #expect(object["image_size"] as? Int == 64)
    }

    /// `maex eval` on each held-out image with the card's seeds gives the card's table to 0.1 dB.
    @Test(arguments: ["chelsea.png", "coffee.png"])
    func evalReproducesTheCardsNumbers(image: String) throws {
        let expected = try Self.cardRow(image)
        let result = try MaexProcess.run(["eval", "--model", Self.modelPath, "--data", SourceTree.asset("images/" + image),
                                          "--ratio", "0.75", "--strategy", "random", "--seeds", "20", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let row = try #require((object["images"] as? [[String: Any]])?.first)
        let measured = try ["model", "mean_fill", "interpolation"].map { method -> Double in
            let psnr = try #require((row[method] as? [String: Any])?["psnr_db"] as? [String: Any])
            return try #require(psnr["mean"] as? Double)
        }
        for (name, (m, e)) in zip(["model", "mean fill", "interpolation"], zip(measured, expected)) {
            #expect(abs(m - e) <= 0.1, "\(image) \(name): eval \(m) dB, card \(e) dB")
        }
    }
}
