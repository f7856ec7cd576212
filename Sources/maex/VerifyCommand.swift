import ArgumentParser
import Foundation
import MAE
import Training

/// `maex verify`: runs a parity case made by PyTorch (../shared/tools/mae_reference.py fixture)
/// through maex and compares every output, relative to the largest magnitude of the expected
/// tensor: the forward pass at 1e-4; the gradients, and one AdamW step from the model's weights
/// with the case's own gradients, at 1e-3 (the step compared as the change from the weights).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check maex's MAE against a PyTorch parity case.",
        discussion: """
            The case (a safetensors file) holds input.imgs [N, C, S, S] (normalised), input.noise \
            [N, L] (the masking noise), the expected outputs expected.latent, expected.pred, \
            expected.mask, expected.ids_restore and expected.loss, and optionally grad.<name> and \
            adamw_step1.<name> with "adamw" metadata (lr, weight_decay, betas, eps). maex writes its \
            own outputs to --out under the same names (latent, pred, mask, ids_restore as I64, loss \
            [1], grad.<name>, adamw_step1.<name>), prints each one's largest error relative to the largest \
            magnitude of the expected tensor, and exits 1 if any is above the tolerance: 1e-4 for the \
            forward pass, 1e-3 for the gradients and the AdamW step (as the change from the starting \
            weights). \
            Check the output independently with: python3 mae_reference.py compare MODEL CASE OUT

            --model takes any checkpoint maex loads; Tools/hf_fixtures.py makes cases for Hugging \
            Face ViTMAE folders from transformers' own outputs (forward tensors only).

            The kernels run on the best table this CPU has, or the one MAEX_ISA names (generic, \
            avx2, avx512). --isa all runs the case on every table this CPU runs, one after the \
            other, and writes each table's outputs to OUT with the table's name before the \
            extension (out.avx2.safetensors); a table the CPU lacks is reported as skipped.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("The parity case (NAME.case.safetensors).", valueName: "file"))
    var `case`: String

    @Option(name: .long, help: ArgumentHelp("Where to write maex's outputs (safetensors).", valueName: "file"))
    var out: String

    @Option(name: .maskRatio, help: ArgumentHelp("Override the case's mask_ratio metadata.", valueName: "r"))
    var maskRatio: Double?

    @Option(name: .long, help: ArgumentHelp("The kernel table to run: generic, avx2, avx512 or all.", valueName: "table"))
    var isa: KernelTableChoice?

    func validate() throws {
        if modelOptions.model == nil { throw ValidationError("--model is required: the case's NAME.model.safetensors") }
        if let maskRatio, !(0...1).contains(maskRatio) { throw ValidationError("--mask-ratio must be between 0 and 1") }
    }

    func run() throws {
        try CommandSupport.run {
            KernelTableRequest.warnIfIgnored()
            let model = try modelOptions.load(modelOptions.model!)
            let caseFile = try SafeTensors.read(path: `case`)
            let verifier = try CaseVerifier(model: model, caseFile: caseFile, maskRatio: maskRatio)
            let tables: [KernelTable] = switch isa {
            case nil: [.current]
            case .all: KernelTable.allCases
            case .one(let table): [table]
            }
            var failed = false
            for table in tables {
                let path = isa == .all ? Self.path(out, table: table) : out
                guard let outcome = table.run({ Result { () throws(CheckpointError) in try verifier.run() } }) else {
                    print("verify: \(table.rawValue) kernels skipped: this CPU does not run them")
                    if isa != .all { failed = true }
                    continue
                }
                let results = try outcome.get()
                try SafeTensors.write(results.tensors, metadata: ["format": Checkpoint.format, "case": `case`,
                                                                  "mask_ratio": "\(verifier.maskRatio)",
                                                                  "isa": table.rawValue], to: path)
                print(results.report(caseName: `case`, out: path, table: table))
                failed = failed || results.failures > 0
            }
            if failed { throw CommandSupport.failure }
        }
    }

    /// OUT with the table's name before its extension: out.safetensors → out.avx2.safetensors.
    static func path(_ out: String, table: KernelTable) -> String {
        let url = URL(fileURLWithPath: out)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? out : String(out.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(stem).\(table.rawValue)" : "\(stem).\(table.rawValue).\(ext)"
    }
}

/// `--isa`: one kernel table, or all of them.
enum KernelTableChoice: ExpressibleByArgument, Equatable {
    case all
    case one(KernelTable)

    init?(argument: String) {
        if argument == "all" { self = .all } else if let t = KernelTable(rawValue: argument) { self = .one(t) } else { return nil }
    }

    static var allValueStrings: [String] { KernelTable.allCases.map(\.rawValue) + ["all"] }
}

/// The comparisons, kept apart from the command line.
struct CaseVerifier {
    let model: MAEModel
    let caseFile: SafeTensors
    let maskRatio: Double
    let batch: Int

    struct Line {
        var name: String
        var error: Double
        var tolerance: Double
        /// Why the tensor could not be compared (shape mismatch), if so.
        var problem: String?
        var passed: Bool { problem == nil && error.isFinite && error <= tolerance }
    }

    struct Results {
        var tensors: [SafeTensors.Tensor] = []
        var lines: [Line] = []
        var failures: Int { lines.filter { !$0.passed }.count }

        func report(caseName: String, out: String, table: KernelTable) -> String {
            let width = max(12, lines.map(\.name.count).max() ?? 0)
            var text = ""
            for l in lines {
                let name = l.name.padding(toLength: width, withPad: " ", startingAt: 0)
                let verdict = l.passed ? "ok" : "FAIL"
                if let problem = l.problem {
                    text += "\(name)  \(problem)  FAIL\n"
                } else {
                    text += "\(name)  max relative error \(String(format: "%.2e", l.error))  (tolerance \(String(format: "%.0e", l.tolerance)))  \(verdict)\n"
                }
            }
            let worst = lines.map(\.error).filter(\.isFinite).max() ?? 0
            text += failures == 0
                ? "verify: \(lines.count) tensors within tolerance on \(table.rawValue) kernels (worst \(String(format: "%.2e", worst))); wrote \(out)"
                : "verify: \(failures) of \(lines.count) tensors FAILED on \(table.rawValue) kernels; wrote \(out)"
            return text
        }
    }

    init(model: MAEModel, caseFile: SafeTensors, maskRatio override: Double?) throws(CheckpointError) {
        self.model = model
        self.caseFile = caseFile
        let path = caseFile.path
        let c = model.config
        guard let imgs = caseFile.entry("input.imgs"), let noise = caseFile.entry("input.noise") else {
            throw .unusable(path: path, reason: "is not a parity case: it needs input.imgs and input.noise")
        }
        let n = imgs.shape.first ?? 0
        guard imgs.shape == [n, c.inChans, c.imgSize, c.imgSize], n >= 1 else {
            throw .shapeMismatch(path: path, tensor: "input.imgs", expected: [n, c.inChans, c.imgSize, c.imgSize], found: imgs.shape)
        }
        guard noise.shape == [n, c.numPatches] else {
            throw .shapeMismatch(path: path, tensor: "input.noise", expected: [n, c.numPatches], found: noise.shape)
        }
        batch = n
        if let override {
            maskRatio = override
        } else if let text = caseFile.metadata["mask_ratio"], let r = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(r) {
            maskRatio = r
        } else {
            throw .unusable(path: path, reason: "has no usable mask_ratio metadata (pass --mask-ratio)")
        }
    }

    func run() throws(CheckpointError) -> Results {
        var results = Results()
        try forward(&results)
        try gradients(&results)
        try adamwStep(&results)
        return results
    }

    /// Compares `got` with `expected.<name>` (or `expectedName`) of the case, if the case has it.
    func compare(_ name: String, got: [Float], shape: [Int], expectedName: String, tolerance: Double,
                 start: [Float]? = nil, into results: inout Results) throws(CheckpointError) {
        guard let entry = caseFile.entry(expectedName) else { return }
        guard entry.shape == shape, entry.count == got.count else {
            results.lines.append(Line(name: name, error: .infinity, tolerance: tolerance,
                                      problem: "shape \(CheckpointError.format(shape)), expected \(CheckpointError.format(entry.shape))"))
            return
        }
        let want = try caseFile.floats(expectedName)
        results.lines.append(Line(name: name, error: Self.relativeError(got, want, start: start), tolerance: tolerance, problem: nil))
    }

    /// max|got − want| / max|want|, both taken as the change from `start` when it is given.
    ///
    /// NaN where both tensors hold NaN counts as agreement (the authors' loss is 0/0 = NaN when no
    /// patch is masked). For a change from `start`, each element's difference is first reduced by
    /// one float32 ulp of the stored weight: both files hold weights rounded to float32 (the case
    /// computed in float64), so a difference below an ulp is storage, not the optimizer, and a
    /// parameter without gradient moves by weight decay alone (lr·wd ≈ 5e-5 of itself), where
    /// half an ulp on each side is already 1e-3 of the change.
    static func relativeError(_ got: [Float], _ want: [Float], start: [Float]? = nil) -> Double {
        var worst = 0.0, largest = 0.0
        for i in want.indices {
            if got[i].isNaN && want[i].isNaN { continue }
            let s = start.map { Double($0[i]) } ?? 0
            let g = Double(got[i]) - s, w = Double(want[i]) - s
            var d = abs(g - w)
            if d.isNaN { return .nan }
            if start != nil { d = max(0, d - Double(max(abs(got[i]), abs(want[i])).ulp)) }
            worst = max(worst, d)
            if w.isFinite { largest = max(largest, abs(w)) }
        }
        return worst / max(largest, 1e-12)
    }

    private func forward(_ results: inout Results) throws(CheckpointError) {
        let c = model.config, N = batch, L = c.numPatches
        let images = try caseFile.floats("input.imgs"), noise = try caseFile.floats("input.noise")
        let output = images.withUnsafeBufferPointer { i in
            noise.withUnsafeBufferPointer { n in
                model.forward(images: i.baseAddress!, noise: n.baseAddress!, batch: N, maskRatio: maskRatio)
            }
        }
        let latentShape = [N, output.tokens, c.embedDim], pairs: [(String, [Float], [Int])] = [
            ("latent", output.latent, latentShape),
            ("pred", output.pred, [N, L, c.patchDim]),
            ("mask", output.mask, [N, L]),
            ("ids_restore", output.idsRestore.map(Float.init), [N, L]),
            ("loss", [output.loss], [1]),
        ]
        for (name, values, shape) in pairs {
            if name == "ids_restore" {
                results.tensors.append(.init(name: name, shape: shape, int64s: output.idsRestore.map(Int64.init)))
            } else {
                results.tensors.append(.init(name: name, shape: shape, floats: values))
            }
            try compare(name, got: values, shape: shape, expectedName: "expected." + name, tolerance: 1e-4, into: &results)
        }
    }

    /// dLoss/dParam of every trainable parameter (the position embeddings get none), 1e-3.
    private func gradients(_ results: inout Results) throws(CheckpointError) {
        let table = model.table
        let images = try caseFile.floats("input.imgs"), noise = try caseFile.floats("input.noise")
        var gradients = [Float](repeating: 0, count: table.count)
        gradients.withUnsafeMutableBufferPointer { g in
            images.withUnsafeBufferPointer { i in
                noise.withUnsafeBufferPointer { n in
                    _ = model.lossAndGradients(images: i.baseAddress!, noise: n.baseAddress!, batch: batch,
                                               maskRatio: maskRatio, gradients: g)
                }
            }
        }
        for e in table.entries where e.trainable {
            let values = Array(gradients[e.range])
            results.tensors.append(.init(name: "grad." + e.name, shape: e.shape, floats: values))
            try compare("grad." + e.name, got: values, shape: e.shape, expectedName: "grad." + e.name,
                        tolerance: 1e-3, into: &results)
        }
    }

    /// One AdamW step from the model's weights with the case's own gradients: checks the
    /// optimizer apart from the backward pass.
    private func adamwStep(_ results: inout Results) throws(CheckpointError) {
        let table = model.table
        let trainable = table.entries.filter(\.trainable)
        guard trainable.contains(where: { caseFile.entry("adamw_step1." + $0.name) != nil }) else { return }
        let path = caseFile.path
        guard let json = caseFile.metadata["adamw"],
              let settings = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let lr = (settings["lr"] as? NSNumber)?.doubleValue else {
            throw .unusable(path: path, reason: "has adamw_step1 tensors but no adamw metadata with lr")
        }
        let betas = (settings["betas"] as? [NSNumber])?.map(\.doubleValue) ?? [0.9, 0.95]
        guard betas.count == 2 else { throw .unusable(path: path, reason: "adamw metadata: betas must be two numbers") }
        let optimizer = AdamW(table: table, beta1: betas[0], beta2: betas[1],
                              eps: (settings["eps"] as? NSNumber)?.doubleValue ?? 1e-8,
                              weightDecay: (settings["weight_decay"] as? NSNumber)?.doubleValue ?? 0.05)
        var gradients = [Float](repeating: 0, count: table.count)
        for e in trainable {
            guard let g = caseFile.entry("grad." + e.name) else {
                throw .missingTensor(path: path, tensor: "grad." + e.name, expected: e.shape)
            }
            guard g.shape == e.shape else {
                throw .shapeMismatch(path: path, tensor: "grad." + e.name, expected: e.shape, found: g.shape)
            }
            try gradients.withUnsafeMutableBufferPointer { (buffer) throws(CheckpointError) in
                try caseFile.floats("grad." + e.name, into: UnsafeMutableBufferPointer(rebasing: buffer[e.range]))
            }
        }
        let weights = model.copy()
        gradients.withUnsafeBufferPointer { optimizer.update(parameters: weights.parameters, gradients: $0, lr: lr) }
        for e in trainable {
            let start = Array(model.tensor(e.name)), stepped = Array(weights.tensor(e.name))
            results.tensors.append(.init(name: "adamw_step1." + e.name, shape: e.shape, floats: stepped))
            try compare("adamw_step1." + e.name, got: stepped, shape: e.shape, expectedName: "adamw_step1." + e.name,
                        tolerance: 1e-3, start: start, into: &results)
        }
    }
}
