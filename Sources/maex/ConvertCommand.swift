import ArgumentParser
import MAE

/// `maex convert`: any checkpoint maex reads, to a maex safetensors file in the authors' names.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a checkpoint as a maex safetensors file in the authors' names.",
        discussion: """
            IN is anything maex loads: a maex or PyTorch safetensors file, the authors' .pth, a \
            Hugging Face ViTMAE folder or cache folder. OUT gets every tensor under the authors' \
            state-dict names and shapes (Hugging Face's query, key and value fused into qkv), the \
            metadata "mae.config" (the authors' constructor arguments as JSON, plus \
            "layer_norm_eps" when it is not their 1e-6, as in Hugging Face's configs) and "format" \
            = "mae-explorer/1". PyTorch loads it strictly into the authors' MaskedAutoencoderViT; \
            the README shows how, with norm_layer=partial(nn.LayerNorm, eps=...) when the eps is \
            not 1e-6.

            --dtype stores F32 (default, exact), F16 or BF16 (rounded to nearest even); maex \
            converts either back to F32 once, when it loads the file.
            """)

    @Argument(help: ArgumentHelp("The checkpoint to convert (file or folder).", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("The safetensors file to write.", valueName: "out.safetensors"))
    var output: String

    @Option(help: ArgumentHelp("Stored element type: f32, f16 or bf16.", valueName: "dtype"))
    var dtype: StorageType = .f32

    @Option(help: ArgumentHelp("Encoder attention heads, for a file whose shapes match no preset.", valueName: "n"))
    var heads: Int?

    @Option(name: .customLong("decoder-heads"), help: ArgumentHelp("Decoder attention heads, likewise.", valueName: "n"))
    var decoderHeads: Int?

    @Flag(name: .customLong("norm-pix"), inversion: .prefixedNo,
          help: "Record that the model predicts norm-pix targets, or not, overriding the file.")
    var normPix: Bool?

    @Flag(help: "Refuse a pickle with entries that refer to code (never run).")
    var strict = false

    enum StorageType: String, ExpressibleByArgument, CaseIterable {
        case f32, f16, bf16
        var dtype: TensorDType {
            switch self {
            case .f32: .f32
            case .f16: .f16
            case .bf16: .bf16
            }
        }
    }

    func validate() throws {
        if let heads, heads < 1 { throw ValidationError("--heads must be at least 1") }
        if let decoderHeads, decoderHeads < 1 { throw ValidationError("--decoder-heads must be at least 1") }
        if !output.hasSuffix(".safetensors") { throw ValidationError("OUT must be a .safetensors file") }
    }

    func run() throws {
        try CommandSupport.run {
            let model = try Checkpoint.load(path: input, heads: heads, decoderHeads: decoderHeads, normPixLoss: normPix,
                                            strict: strict, warn: CommandSupport.printWarning)
            try Checkpoint.save(model, to: output, storage: dtype.dtype, metadata: ["converted_from": input])
            let c = model.config
            print("convert: wrote \(output): \(model.table.entries.count) tensors, \(model.table.count) values as "
                  + "\(dtype.dtype.rawValue); mae.config \(Checkpoint.configJSON(c))")
        }
    }
}
