/// How far a live chart's x axis reaches. A young run of a long plan drawn against the whole
/// plan would fill two columns (step 500 of 100,000 at 120 columns), so the axis spans the points
/// seen so far plus headroom, and the headroom grows by doubling: the axis changes (and the
/// chart is resent) only when the run has doubled in length, not at every step. It never reaches
/// past the planned end; `wholePlan` (the `x` key) shows the plan from the start.
public enum XAxisSpan {
    /// The right end of the axis for points up to `last`: the smallest `unit`·2ᵏ that is at
    /// least `last`, but no more than `planned`; the planned end itself for `wholePlan`.
    public static func end(last: Double, unit: Double, planned: Double?, wholePlan: Bool) -> Double {
        if let planned, planned > 0, wholePlan || last >= planned { return planned }
        guard last.isFinite, unit > 0 else { return planned ?? unit }
        var end = unit
        // Doubling from `unit` reaches any finite `last` in under 1100 steps (Double's range).
        while end < last && end.isFinite { end *= 2 }
        if let planned, planned > 0 { end = min(end, planned) }
        return end
    }
}
