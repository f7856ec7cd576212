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

    @Test func problemsNameTheOption() {
        var o = TrainingOptions()
        #expect(o.problem() == nil)
        o.steps = 5
        o.epochs = 2
        #expect(o.problem()?.contains("--steps or --epochs") == true)
        o = TrainingOptions()
        o.maskRatio = 1
        #expect(o.problem()?.contains("--mask-ratio") == true)
        o = TrainingOptions()
        o.strategy = "spiral"
        #expect(o.problem()?.contains("--strategy") == true)
    }
}
