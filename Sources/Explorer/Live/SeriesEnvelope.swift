/// Thins a long history for drawing: a chart cannot show more than its dot columns, and
/// redrawing 100,000 points five times a second would take the UI thread's time from the
/// trainer. The x range is cut into buckets; each keeps, for every series, its first, lowest,
/// highest and last finite point, in order, so each column's min–max span, the spikes and the
/// joins between columns are drawn as from the full data.
public enum SeriesEnvelope {
    /// The indices to keep of `xs` (ascending) and `series` (each index-aligned with `xs`), for
    /// `buckets` buckets over xs's range. Short histories come back whole.
    public static func indices(xs: [Double], series: [[Double]], buckets: Int) -> [Int] {
        let n = xs.count
        guard buckets > 0, n > 4 * buckets, let lo = xs.first(where: \.isFinite), let hi = xs.last(where: \.isFinite), hi > lo
        else { return Array(0..<n) }
        var keep = [Bool](repeating: false, count: n)
        keep[0] = true
        keep[n - 1] = true
        var start = 0
        while start < n {
            let b = xs[start].isFinite ? min(buckets - 1, Int((xs[start] - lo) / (hi - lo) * Double(buckets))) : -1
            var end = start + 1
            while end < n, xs[end].isFinite, min(buckets - 1, Int((xs[end] - lo) / (hi - lo) * Double(buckets))) == b { end += 1 }
            for values in series {
                var first = -1, last = -1, lowest = -1, highest = -1
                for i in start..<end where i < values.count && values[i].isFinite {
                    if first < 0 { first = i }
                    last = i
                    if lowest < 0 || values[i] < values[lowest] { lowest = i }
                    if highest < 0 || values[i] > values[highest] { highest = i }
                }
                for i in [first, last, lowest, highest] where i >= 0 { keep[i] = true }
                // A gap (NaN) inside the bucket breaks the line: keep it so it still does.
                if let gap = (start..<end).first(where: { $0 < values.count && !values[$0].isFinite }) { keep[gap] = true }
            }
            start = end
        }
        return keep.indices.filter { keep[$0] }
    }
}
