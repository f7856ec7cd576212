import Foundation
import MAE

/// The model of a new run: a preset, with `--config` JSON (inline or a file) laid over it, so a
/// partial config such as {"embed_dim": 96} changes only what it names.
enum TrainModelConfig {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func resolve(preset: MAEPreset?, json: String?, normPix: Bool?) throws(Problem) -> MAEConfig {
        var config = (preset ?? .tiny).config
        if let json {
            config = try overlay(json, on: config)
        }
        if let normPix { config.normPixLoss = normPix }
        do {
            try config.validate()
        } catch {
            throw Problem(description: error.description)
        }
        return config
    }

    /// `text` is JSON if it starts with "{", else the path of a JSON file.
    static func overlay(_ text: String, on base: MAEConfig) throws(Problem) -> MAEConfig {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let source: String, data: Data
        if trimmed.hasPrefix("{") {
            source = "--config"
            data = Data(trimmed.utf8)
        } else {
            source = text
            guard let contents = FileManager.default.contents(atPath: text) else {
                throw Problem(description: "\(text): cannot read the --config file (give a path or inline JSON)")
            }
            data = contents
        }
        guard let given = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Problem(description: "\(source): not a JSON object")
        }
        let encodedBase: [String: Any]
        do {
            encodedBase = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as! [String: Any]
        } catch {
            throw Problem(description: "cannot encode the preset: \(error)")
        }
        let known = Set(encodedBase.keys)
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            throw Problem(description: "\(source): unknown key \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        do {
            var merged = encodedBase
            merged.merge(given) { _, new in new }
            return try JSONDecoder().decode(MAEConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch {
            throw Problem(description: "\(source): not a model config: \(error)")
        }
    }
}
