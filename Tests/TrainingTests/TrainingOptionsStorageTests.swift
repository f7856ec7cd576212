import Foundation
import Testing
@testable import Training

/// config.json's "training" object goes through `TrainingOptions.fields`: the file must stay
/// what earlier versions wrote and read, so old run folders resume.
@Suite struct TrainingOptionsStorageTests {
    /// The "training" object of a run folder written before `fields` existed (maex train --batch 2
    /// --steps 1 --threads 1 --quarter-turns --strategy block --saturation 0.25 --grey-prob 0.1
    /// --warmup-epochs 0.5 --seed 7 --cache-mb 3).
    static let written = """
        {
          "accum_iter" : 1, "batch_size" : 2, "blr" : 0.00015, "cache_bytes" : 3145728, "channel_shuffle" : false,
          "crop_scale_min" : 0.2, "grey_prob" : 0.1, "log_every" : 10, "mask_ratio" : 0.75, "min_lr" : 0,
          "quarter_turns" : true, "saturation" : 0.25, "save_every" : 500, "seed" : 7, "steps" : 1,
          "strategy" : "block", "threads" : 1, "warmup_epochs" : 0.5, "weight_decay" : 0.05
        }
        """

    static var options: TrainingOptions {
        var o = TrainingOptions()
        o.batchSize = 2
        o.steps = 1
        o.threads = 1
        o.quarterTurns = true
        o.strategy = .block
        o.saturation = 0.25
        o.greyProbability = 0.1
        o.warmupEpochs = 0.5
        o.seed = 7
        o.cacheBytes = 3 << 20
        return o
    }

    @Test func readsAndWritesWhatEarlierVersionsDid() throws {
        #expect(try JSONDecoder().decode(TrainingOptions.self, from: Data(Self.written.utf8)) == Self.options)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(Self.options), as: UTF8.self)
        // The same keys, and those of the options added since, at their defaults.
        let added = Self.written.filter { !$0.isWhitespace }
            .replacingOccurrences(of: #""save_every":500,"#, with: #""save_every":500,"save_every_minutes":10,"#)
        #expect(text == added)
    }

    @Test func unsetOptionsAreLeftOutAndMissingKeysTakeTheDefaults() throws {
        let keys = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingOptions())) as! [String: Any]
        for absent in ["steps", "epochs", "lr", "warmup_steps", "warmup_epochs", "threads"] {
            #expect(keys[absent] == nil, "\(absent) written as \(keys[absent]!)")
        }
        #expect(keys.count == TrainingOptions.fields.count - 6)
        #expect(try JSONDecoder().decode(TrainingOptions.self, from: Data("{}".utf8)) == TrainingOptions())
    }

    /// A property without an entry in `fields` would be neither saved nor compared on resume.
    @Test func everyPropertyHasOneField() {
        #expect(Mirror(reflecting: TrainingOptions()).children.count == TrainingOptions.fields.count)
        #expect(Set(TrainingOptions.fields.map(\.key)).count == TrainingOptions.fields.count)
        #expect(TrainingOptions.field(\.accum).key == "accum_iter")
    }

    @Test func differencesNameTheChangedFields() {
        var other = TrainingOptions()
        #expect(other.differences(from: TrainingOptions()).isEmpty)
        other.seed = 4
        other.lr = 1e-3
        #expect(other.differences(from: TrainingOptions()).map(\.key) == ["lr", "seed"])
    }
}
