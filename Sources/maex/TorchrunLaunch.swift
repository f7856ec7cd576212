import Foundation
import MAE
import Training

/// `maex train ... --print-torchrun`: the same run as the authors' `main_pretrain.py` under
/// PyTorch's distributed launcher, for when one machine is not enough: try the recipe on the CPU
/// with maex, train it on GPU nodes, watch and explore the results with maex. Pure: options in,
/// text out.
struct TorchrunLaunch {
    var config: MAEConfig
    var options: TrainingOptions
    var plan: TrainingPlan
    var data: String
    var run: String
    var nodes: Int
    var gpus: Int

    /// The authors' registered models (models_mae.py) by maex's presets: the same layers, heads
    /// and the 224-pixel input their constructors assume (`--input_size` only sizes the crops).
    static let authorsModels: [MAEPreset: String] = [
        .base: "mae_vit_base_patch16", .large: "mae_vit_large_patch16", .huge: "mae_vit_huge_patch14",
    ]

    /// The flags of the authors' get_args_parser() this prints (the test checks them against it).
    static let flagsUsed = ["--model", "--input_size", "--mask_ratio", "--norm_pix_loss", "--batch_size", "--accum_iter",
                            "--epochs", "--warmup_epochs", "--blr", "--lr", "--min_lr", "--weight_decay", "--seed",
                            "--data_path", "--output_dir", "--log_dir"]

    enum Problem: Error, CustomStringConvertible {
        case batch(effective: Int, world: Int)
        var description: String {
            switch self {
            case .batch(let effective, let world):
                "the effective batch \(effective) (--batch × --accum) is not a multiple of the \(world) GPUs "
                    + "(--nodes × --gpus): every GPU takes the same batch"
            }
        }
    }

    var authorsModel: String? {
        guard let preset = config.matchingPreset, let name = Self.authorsModels[preset],
              config.numHeads == preset.config.numHeads, config.decoderNumHeads == preset.config.decoderNumHeads,
              config.layerNormEps == MAEConfig.authorsLayerNormEps else { return nil }
        return name
    }

    /// A name for the constructor of a model that is not one of theirs.
    var customModel: String { "mae_vit_maex_\(config.embedDim)d\(config.depth)b_patch\(config.patchSize)_\(config.imgSize)px" }

    /// Batch per GPU and accum_iter for maex's effective batch: maex's accumulation is kept and
    /// its batch shared out, or, when the batch does not share out, the whole effective batch is.
    func perGPU() throws(Problem) -> (batch: Int, accum: Int) {
        let world = nodes * gpus, effective = options.effectiveBatch
        if options.batchSize % world == 0 { return (options.batchSize / world, options.accum) }
        guard effective % world == 0 else { throw .batch(effective: effective, world: world) }
        return (effective / world, 1)
    }

    func text() throws(Problem) -> String {
        let (batch, accum) = try perGPU()
        let stepsPerEpoch = Double(plan.images) / Double(plan.effectiveBatch)
        // Whole epochs (their parser takes ints): as given, else the plan's steps over the data.
        let epochs = max(1, Int(((options.steps == nil ? options.epochs : nil) ?? Double(plan.totalSteps) / stepsPerEpoch).rounded(.up)))
        let warmup = Int(((options.warmupSteps == nil ? options.warmupEpochs : nil) ?? plan.warmupSteps / stepsPerEpoch).rounded())
        func g(_ v: Double) -> String { String(format: "%g", v) }
        var lines: [String] = []
        lines.append("# The authors' pretraining of this run on \(nodes) node\(nodes == 1 ? "" : "s") × \(gpus) GPU\(gpus == 1 ? "" : "s"): "
                     + "\(batch) images a GPU × accum_iter \(accum) × \(nodes * gpus) GPUs = effective batch \(plan.effectiveBatch), "
                     + "\(epochs) epochs of \(plan.images) images (maex: \(plan.totalSteps) steps).")
        lines.append("# main_pretrain.py reads \(data)/train/<class>/<image> (torchvision's ImageFolder): put the images "
                     + "in one folder under train/.")
        let model = authorsModel ?? customModel
        if authorsModel == nil {
            let eps = config.layerNormEps == MAEConfig.authorsLayerNormEps ? "1e-6" : g(config.layerNormEps)
            lines.append("# Not one of the authors' models: add this to models_mae.py first.")
            lines.append("def \(customModel)(**kwargs):")
            lines.append("    return MaskedAutoencoderViT(")
            lines.append("        img_size=\(config.imgSize), patch_size=\(config.patchSize), in_chans=\(config.inChans), "
                         + "embed_dim=\(config.embedDim), depth=\(config.depth), num_heads=\(config.numHeads),")
            lines.append("        decoder_embed_dim=\(config.decoderEmbedDim), decoder_depth=\(config.decoderDepth), "
                         + "decoder_num_heads=\(config.decoderNumHeads),")
            lines.append("        mlp_ratio=\(g(config.mlpRatio)), norm_layer=partial(nn.LayerNorm, eps=\(eps)), **kwargs)")
        }
        var extras: [String] = []
        if options.cropScaleMin != 0.2 { extras.append("--crop-scale-min \(g(options.cropScaleMin)) (their crops start at 0.2)") }
        if options.quarterTurns { extras.append("--quarter-turns") }
        if options.channelShuffle { extras.append("--channel-shuffle") }
        if options.saturation > 0 { extras.append("--saturation") }
        if options.greyProbability > 0 { extras.append("--grey-prob") }
        if options.strategy != .random { extras.append("--strategy \(options.strategy.rawValue) (theirs is random)") }
        if !extras.isEmpty { lines.append("# main_pretrain.py has no flag for maex's " + extras.joined(separator: ", ") + ".") }

        let launcher = nodes == 1 ? "torchrun --standalone --nproc_per_node \(gpus)"
            : "torchrun --nnodes \(nodes) --nproc_per_node \(gpus) --node_rank $NODE_RANK --master_addr $MASTER_ADDR --master_port 29500"
        var args = ["--model \(model)", "--input_size \(config.imgSize)", "--mask_ratio \(g(options.maskRatio))"]
        if config.normPixLoss { args.append("--norm_pix_loss") }
        args += ["--batch_size \(batch)", "--accum_iter \(accum)", "--epochs \(epochs)", "--warmup_epochs \(warmup)"]
        args.append(options.lr.map { "--lr \(g($0))" } ?? "--blr \(g(options.blr))")
        args += ["--min_lr \(g(options.minLR))", "--weight_decay \(g(options.weightDecay))", "--seed \(options.seed)",
                 "--data_path \(Self.quoted(data))", "--output_dir \(Self.quoted(run))", "--log_dir \(Self.quoted(run))"]
        lines.append(launcher + " main_pretrain.py \\")
        for (i, arg) in args.enumerated() { lines.append("    " + arg + (i + 1 < args.count ? " \\" : "")) }
        lines.append("# Follow it (log.txt, checkpoint-N.pth and the TensorBoard events in one folder), here or over SSH:")
        lines.append("maex watch \(Self.quoted(run))")
        return lines.joined(separator: "\n")
    }

    /// A path as a shell word.
    static func quoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
