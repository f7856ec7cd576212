import Foundation
import Testing
@testable import Training

@Suite struct TrainingPlanTests {
    @Test func epochsBecomeStepsOfTheEffectiveBatch() {
        var o = TrainingOptions()
        o.batchSize = 4
        o.accum = 2
        o.epochs = 10
        o.warmupEpochs = 2
        let plan = TrainingPlan(options: o, images: 15)
        #expect(plan.totalSteps == 19)               // ⌈10 · 15 / 8⌉
        #expect(abs(plan.warmupSteps - 3.75) < 1e-12) // 2 · 15 / 8
        #expect(abs(plan.peakLR - 1.5e-4 * 8 / 256) < 1e-18)
        #expect(plan.schedule.lr(at: 3.75) == plan.peakLR)
    }

    @Test func defaultsAndOverrides() {
        var o = TrainingOptions()
        #expect(TrainingPlan(options: o, images: 100).totalSteps == TrainingOptions.defaultSteps)
        #expect(TrainingPlan(options: o, images: 100).warmupSteps == 50)  // 5% of 1000
        o.steps = 30
        o.lr = 2e-3
        o.warmupSteps = 0
        let plan = TrainingPlan(options: o, images: 100)
        #expect(plan.totalSteps == 30 && plan.peakLR == 2e-3 && plan.warmupSteps == 0)
    }

    /// Problems carry the field; their own words are config.json's keys, never a command's flags.
    @Test func problemsNameTheField() throws {
        var o = TrainingOptions()
        try o.validate()
        o.steps = 5
        o.epochs = 2
        #expect(throws: TrainingOptionsError.bothGiven(TrainingOptions.field(\.steps), TrainingOptions.field(\.epochs))) {
            try o.validate()
        }
        o = TrainingOptions()
        o.maskRatio = 1
        let error = #expect(throws: TrainingOptionsError.self) { try o.validate() }
        #expect(error?.fields == [TrainingOptions.field(\.maskRatio)])
        #expect(error?.description == "mask_ratio must be between 0 and 1 (exclusive), got 1.0")
        #expect(error?.message { _ in "the ratio" } == "the ratio must be between 0 and 1 (exclusive), got 1.0")
    }

    /// The strategy is MAE's own type, written as its name: a config.json naming an unknown one
    /// is refused when read, not trained as random.
    @Test func strategyIsStoredByNameAndUnknownOnesDoNotDecode() throws {
        var o = TrainingOptions()
        o.strategy = .block
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(o)) as! [String: Any]
        #expect(json["strategy"] as? String == "block")
        #expect(try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"strategy": "grid"}"#.utf8)).strategy == .grid)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"strategy": "spiral"}"#.utf8))
        }
    }
}
