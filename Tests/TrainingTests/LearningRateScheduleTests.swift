import Foundation
import Testing
@testable import Training

@Suite struct LearningRateScheduleTests {
    let schedule = LearningRateSchedule(peak: 6e-4, minLR: 1e-5, warmup: 40, total: 800)

    @Test func absoluteRateScalesWithTheBatch() {
        #expect(abs(LearningRateSchedule.absoluteLR(blr: 1.5e-4, effectiveBatch: 4096) - 2.4e-3) < 1e-15)
        #expect(abs(LearningRateSchedule.absoluteLR(blr: 1.5e-4, effectiveBatch: 64) - 3.75e-5) < 1e-18)
    }

    @Test func warmupIsLinearFromZero() {
        #expect(schedule.lr(at: 0) == 0)
        #expect(abs(schedule.lr(at: 10) - 1.5e-4) < 1e-15)       // 6e-4 · 10/40
        #expect(abs(schedule.lr(at: 39.5) - 5.925e-4) < 1e-15)   // 6e-4 · 39.5/40
    }

    @Test func peakAtTheEndOfWarmup() {
        #expect(abs(schedule.lr(at: 40) - 6e-4) < 1e-15)
    }

    @Test func cosineMiddleIsHalfway() {
        // e = 420: (e − W)/(E − W) = ½, cos(π/2) = 0 → minLR + (peak − minLR)/2.
        #expect(abs(schedule.lr(at: 420) - 3.05e-4) < 1e-15)
        // e = 230: a quarter of the way, ½(1 + cos(π/4)) = 0.853553390593…
        #expect(abs(schedule.lr(at: 230) - (1e-5 + 5.9e-4 * 0.8535533905932737)) < 1e-15)
    }

    @Test func endsAtMinLR() {
        #expect(abs(schedule.lr(at: 800) - 1e-5) < 1e-15)
        #expect(abs(schedule.lr(at: 900) - 1e-5) < 1e-15)
    }

    @Test func noWarmupStartsAtThePeak() {
        let s = LearningRateSchedule(peak: 1e-3, minLR: 0, warmup: 0, total: 100)
        #expect(s.lr(at: 0) == 1e-3)
        #expect(abs(s.lr(at: 50) - 5e-4) < 1e-15)
    }
}
