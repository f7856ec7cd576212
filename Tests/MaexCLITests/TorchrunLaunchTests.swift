import Foundation
import Testing

/// `maex train --print-torchrun`: the authors' launch of the same run, checked against the flags
/// their main_pretrain.py parses, for a preset of theirs and for a model of maex's own.
@Suite struct TorchrunLaunchTests {
    /// Every flag of the authors' get_args_parser() (main_pretrain.py, facebookresearch/mae).
    static let authorsFlags: Set<String> = [
        "--batch_size", "--epochs", "--accum_iter", "--model", "--input_size", "--mask_ratio", "--norm_pix_loss",
        "--weight_decay", "--lr", "--blr", "--min_lr", "--warmup_epochs", "--data_path", "--output_dir", "--log_dir",
        "--device", "--seed", "--resume", "--start_epoch", "--num_workers", "--pin_mem", "--no_pin_mem", "--world_size",
        "--local_rank", "--dist_on_itp", "--dist_url",
    ]

    static var images: String { SourceTree.asset("images") }

    /// The main_pretrain.py arguments of the printed command, flag → value ("" for a switch).
    static func arguments(_ text: String) -> [String: String] {
        guard let start = text.range(of: " main_pretrain.py \\") else { return [:] }
        let words = text[start.upperBound...].prefix { $0 != "#" }.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" })
            .map(String.init)
        var out: [String: String] = [:]
        var i = 0
        while i < words.count {
            let flag = words[i]
            if i + 1 < words.count, !words[i + 1].hasPrefix("--") { out[flag] = words[i + 1]; i += 2 } else { out[flag] = ""; i += 1 }
        }
        return out
    }

    @Test func anAuthorsModelOnTwoNodes() throws {
        let run = NSTemporaryDirectory() + "maex-torchrun-\(UUID().uuidString)"
        let result = try MaexProcess.run(["train", "--data", Self.images, "--run", run, "--preset", "base", "--batch", "64",
                                          "--accum", "2", "--epochs", "800", "--warmup-epochs", "40", "--norm-pix",
                                          "--print-torchrun", "--nodes", "2", "--gpus", "8"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("torchrun --nnodes 2 --nproc_per_node 8"))
        let args = Self.arguments(text)
        #expect(Set(args.keys).isSubset(of: Self.authorsFlags), "not the authors' flags: \(Set(args.keys).subtracting(Self.authorsFlags))")
        #expect(args["--model"] == "mae_vit_base_patch16" && args["--input_size"] == "224")
        // 64 × 2 accumulated, shared by 16 GPUs: 4 a GPU, accum_iter 2.
        #expect(args["--batch_size"] == "4" && args["--accum_iter"] == "2")
        #expect(args["--epochs"] == "800" && args["--warmup_epochs"] == "40")
        #expect(args["--blr"] == "0.00015" && args["--norm_pix_loss"] == "")
        #expect(args["--output_dir"] == run && args["--log_dir"] == run)
        #expect(text.contains("maex watch \(run)"))
        #expect(!text.contains("MaskedAutoencoderViT("), "an authors' model needs no constructor")
        #expect(!FileManager.default.fileExists(atPath: run), "printing wrote the run folder")
    }

    @Test func maexsOwnModelComesWithItsConstructor() throws {
        let result = try MaexProcess.run(["train", "--data", Self.images, "--run", "/tmp/r", "--preset", "tiny",
                                          "--steps", "1000", "--crop-scale-min", "0.05", "--print-torchrun", "--gpus", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("torchrun --standalone --nproc_per_node 4"))
        #expect(text.contains("MaskedAutoencoderViT(") && text.contains("img_size=64, patch_size=8")
                && text.contains("decoder_embed_dim=128") && text.contains("eps=1e-6"))
        let args = Self.arguments(text)
        #expect(Set(args.keys).isSubset(of: Self.authorsFlags))
        let model = try #require(args["--model"])
        #expect(text.contains("def \(model)(**kwargs):"))
        // 1000 steps of 64 over the bundled images, in whole epochs.
        let count = try FileManager.default.contentsOfDirectory(atPath: Self.images).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.count
        #expect(args["--epochs"] == String(Int((1000.0 * 64 / Double(count)).rounded(.up))))
        #expect(args["--batch_size"] == "16" && args["--accum_iter"] == "1")
        #expect(text.contains("no flag for maex's --crop-scale-min 0.05"))
    }

    @Test func aBatchThatDoesNotShareOutIsAUsageError() throws {
        let result = try MaexProcess.run(["train", "--data", Self.images, "--run", "/tmp/r", "--batch", "6",
                                          "--print-torchrun", "--gpus", "4"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("not a multiple of the 4 GPUs"), "\(result.stderr)")
    }
}
