import Foundation
import MAE
import Testing
@testable import Training

@Suite struct AdamWTests {
    /// One step from the case's model weights with the case's own gradients must move every
    /// trainable tensor as PyTorch's AdamW did (compared as the change, relative to its largest).
    @Test func firstStepMatchesPyTorch() throws {
        let model = try FixtureFile.fixture("tiny-a.model.safetensors")
        let fixture = try FixtureFile.fixture("tiny-a.case.safetensors")
        let configJSON = try #require(model.metadata["mae.config"])
        let config = try JSONDecoder().decode(MAEConfig.self, from: Data(configJSON.utf8))
        let table = ParameterTable(config: config)
        let hyper = try JSONSerialization.jsonObject(with: Data(fixture.metadata["adamw"]!.utf8)) as! [String: Any]
        let lr = hyper["lr"] as! Double, wd = hyper["weight_decay"] as! Double
        #expect(lr == 1e-3 && wd == 0.05)

        var params = [Float](repeating: 0, count: table.count)
        var grads = [Float](repeating: 0, count: table.count)
        for e in table.entries {
            params.replaceSubrange(e.range, with: model.values(e.name))
            if e.trainable { grads.replaceSubrange(e.range, with: fixture.values("grad.\(e.name)")) }
        }
        let start = params
        let opt = AdamW(table: table, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: wd)
        params.withUnsafeMutableBufferPointer { p in
            grads.withUnsafeBufferPointer { g in opt.update(parameters: p, gradients: g, lr: lr) }
        }
        #expect(opt.step == 1)
        var checked = 0
        for e in table.entries {
            if !e.trainable {
                #expect(Array(params[e.range]) == Array(start[e.range]), "\(e.name) must not move")
                continue
            }
            let want = zip(fixture.values("adamw_step1.\(e.name)"), start[e.range]).map { Double($0) - Double($1) }
            let got = e.range.map { Double(params[$0]) - Double(start[$0]) }
            let scale = max(want.map(abs).max() ?? 0, 1e-12)
            let err = zip(got, want).map { abs($0 - $1) }.max()! / scale
            #expect(err < 1e-3, "\(e.name): relative error \(err)")
            checked += 1
        }
        #expect(checked == table.entries.filter(\.trainable).count)
    }

    /// Two steps on a hand-computed scalar, with and without decay, against the formula in
    /// double precision.
    @Test func secondStepUsesBiasCorrection() {
        let config = MAEConfig(imgSize: 8, patchSize: 4, embedDim: 8, depth: 1, numHeads: 2,
                               decoderEmbedDim: 8, decoderDepth: 1, decoderNumHeads: 2)
        let table = ParameterTable(config: config)
        let opt = AdamW(table: table, weightDecay: 0.05)
        var p = [Float](repeating: 0.5, count: table.count)
        let gradSteps: [Float] = [0.2, -0.7]
        let lrs = [1e-2, 5e-3]
        for (g, lr) in zip(gradSteps, lrs) {
            let grads = [Float](repeating: g, count: table.count)
            p.withUnsafeMutableBufferPointer { pp in
                grads.withUnsafeBufferPointer { opt.update(parameters: pp, gradients: $0, lr: lr) }
            }
        }
        func reference(decays: Bool) -> Double {
            var w = 0.5, m = 0.0, v = 0.0
            for (t, (g, lr)) in zip(gradSteps.map(Double.init), lrs).enumerated() {
                if decays { w *= 1 - lr * 0.05 }
                m = 0.9 * m + 0.1 * g
                v = 0.95 * v + 0.05 * g * g
                let step = Double(t + 1)
                w -= lr / (1 - pow(0.9, step)) * m / (v.squareRoot() / (1 - pow(0.95, step)).squareRoot() + 1e-8)
            }
            return w
        }
        // Every value of every entry follows its entry's rule (the update runs over merged runs
        // of entries, so a run boundary in the wrong place would show here).
        let decayed = reference(decays: true), undecayed = reference(decays: false)
        for entry in table.entries {
            for i in entry.range {
                if !entry.trainable {
                    #expect(p[i] == 0.5 && opt.m[i] == 0 && opt.v[i] == 0, "\(entry.name) must not move")
                } else {
                    let want = entry.decays ? decayed : undecayed
                    #expect(abs(Double(p[i]) - want) < 1e-6, "\(entry.name)[\(i - entry.offset)]")
                }
            }
        }
        #expect(table["cls_token"]!.decays && !table["blocks.0.mlp.fc1.bias"]!.decays)
        // The decayed and undecayed answers differ by more than the tolerance, so the rule is tested.
        #expect(abs(reference(decays: true) - reference(decays: false)) > 1e-5)
    }
}
