import Foundation
import MAE

/// PyTorch's `torch.optim.AdamW` (single-tensor path, not amsgrad, not maximize) over the flat
/// parameter buffer of a `ParameterTable`.
///
/// For each trainable entry, at step t (1-based), lr from the schedule:
///
///     p  ← p · (1 − lr·wd)                 only when the entry decays (decoupled decay, first)
///     m  ← m + (g − m)·(1 − β1)            PyTorch's lerp
///     v  ← β2·v + (1 − β2)·g²
///     p  ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// Entries with `trainable == false` (the position embeddings) are skipped: their m and v stay
/// zero and their values never move. `m` and `v` are flat buffers in the table's layout, so the
/// optimizer state saves and loads like the parameters.
public final class AdamW: @unchecked Sendable {
    public let table: ParameterTable
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double
    /// Steps taken so far (t of the last update; 0 before the first).
    public private(set) var step: Int = 0
    /// First moment, table layout, table.count values.
    public let m: UnsafeMutableBufferPointer<Float>
    /// Second moment, table layout, table.count values.
    public let v: UnsafeMutableBufferPointer<Float>
    /// The trainable entries merged into runs of neighbours that decay alike (weights and
    /// biases alternate, so eight runs per block): one vectorised, pooled kernel call per run.
    private let runs: [Run]
    private struct Run {
        var range: Range<Int>
        let decays: Bool
    }

    public init(table: ParameterTable, beta1: Double = 0.9, beta2: Double = 0.95, eps: Double = 1e-8,
                weightDecay: Double = 0.05) {
        self.table = table
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        m = .allocate(capacity: table.count)
        v = .allocate(capacity: table.count)
        m.initialize(repeating: 0)
        v.initialize(repeating: 0)
        var runs: [Run] = []
        for entry in table.entries where entry.trainable {
            if let last = runs.last, last.decays == entry.decays, last.range.upperBound == entry.offset {
                runs[runs.count - 1].range = last.range.lowerBound..<entry.range.upperBound
            } else {
                runs.append(Run(range: entry.range, decays: entry.decays))
            }
        }
        self.runs = runs
    }

    deinit {
        m.deallocate()
        v.deallocate()
    }

    /// Sets the number of updates already taken, after m and v were filled from a saved state.
    public func restore(step: Int) {
        precondition(step >= 0)
        self.step = step
    }

    /// One update of `parameters` from `gradients` (both table layout, table.count values).
    public func update(parameters: UnsafeMutableBufferPointer<Float>,
                       gradients: UnsafeBufferPointer<Float>, lr: Double) {
        precondition(parameters.count == table.count && gradients.count == table.count,
                     "AdamW.update: buffers do not match the table")
        step += 1
        // PyTorch computes these in Python floats (double), then uses them as scalars.
        let biasCorrection1 = 1 - pow(beta1, Double(step))
        let biasCorrection2Sqrt = (1 - pow(beta2, Double(step))).squareRoot()
        let stepSize = Float(lr / biasCorrection1)
        let bc2Sqrt = Float(biasCorrection2Sqrt)
        let b2 = Float(beta2), oneMinusB1 = Float(1 - beta1), oneMinusB2 = Float(1 - beta2)
        let epsF = Float(eps)

        let decayFactor: Float? = weightDecay != 0 ? Float(1 - lr * weightDecay) : nil
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        let mp = m.baseAddress!, vp = v.baseAddress!
        // An index loop: iterating the array allocates in unoptimised builds, and a step must not.
        for r in 0..<runs.count {
            let run = runs[r]
            AdamWKernel.update(parameters: p + run.range.lowerBound, gradients: g + run.range.lowerBound,
                               m: mp + run.range.lowerBound, v: vp + run.range.lowerBound, count: run.range.count,
                               stepSize: stepSize, beta2: b2, oneMinusBeta1: oneMinusB1, oneMinusBeta2: oneMinusB2,
                               biasCorrection2Sqrt: bc2Sqrt, eps: epsF, decayFactor: run.decays ? decayFactor : nil)
        }
    }
}
