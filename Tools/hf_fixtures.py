#!/usr/bin/env python3
"""Makes the checkpoint fixtures of Tests/MAETests/Fixtures that come from other tools than
maex: Hugging Face ViTMAE folders in both naming styles, encoder-only files and a crafted
pickle. Every model is random and tiny; each ViTMAE folder comes with a parity case computed by
transformers itself.

Usage (needs `pip install torch safetensors numpy transformers`; made with transformers 5.24):
  Tools/hf_fixtures.py make OUT_DIR
      OUT_DIR/hf-v5/{config.json, model.safetensors}   ViTMAEForPreTraining.save_pretrained:
                                                       decoder blocks `decoder.decoder_encoder.layer.N`
      OUT_DIR/hf-v4/{config.json, pytorch_model.bin}   the same family with transformers 4's names
                                                       (`decoder.decoder_layers.N`), torch.save'd;
                                                       layer_norm_eps 1e-2, qkv_bias false, norm-pix
      OUT_DIR/hf-v5.case.safetensors, hf-v4.case.safetensors
                                                       input.imgs (pixel_values), input.noise and
                                                       transformers' expected.latent (last_hidden_state),
                                                       expected.pred (logits), expected.mask,
                                                       expected.ids_restore (I64), expected.loss [1]
      OUT_DIR/hf-encoder/   ViTMAEModel.save_pretrained (no `vit.` prefix, no decoder)
      OUT_DIR/hf-classifier/ ViTForImageClassification.save_pretrained (`classifier.*`)
      OUT_DIR/mae_pretrain_vit_tiny.pth   the authors' encoder-only layout: {'model': encoder}
      OUT_DIR/tiny-a.extra-call.pth       tiny-a's weights, plus an entry 'extra' whose pickle
                                          calls posix.system (never to be run by a reader)
  Tools/hf_fixtures.py check-convert CONVERTED CASE [--reference mae_reference.py]
      loads CONVERTED (written by `maex convert`) strictly into the reference MAE (the authors'
      names), with the LayerNorm eps of its mae.config, runs CASE and compares with transformers'
      outputs; exit 1 on mismatch.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch


def randomise(model, seed):
    """Weights of every kind away from their initial values, so a wrong mapping shows."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "position_embeddings" in name or "pos_embed" in name:
                continue  # fixed sin-cos tables, kept as transformers made them
            if p.ndim == 1 and ("layernorm" in name or "norm" in name) and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.ndim == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                fan_in = int(np.prod(p.shape[1:])) if p.ndim > 1 else 1
                p.copy_(torch.randn(p.shape, generator=g) / max(fan_in, 1) ** 0.5)


def case(model, path, batch, seed):
    from safetensors.torch import save_file
    c = model.config
    g = torch.Generator().manual_seed(seed)
    imgs = torch.randn(batch, c.num_channels, c.image_size, c.image_size, generator=g)
    L = (c.image_size // c.patch_size) ** 2
    noise = torch.rand(batch, L, generator=g)
    model.eval()
    with torch.no_grad():
        out = model(pixel_values=imgs, noise=noise)
        latent = model.vit(pixel_values=imgs, noise=noise).last_hidden_state
    tensors = {
        "input.imgs": imgs.contiguous(), "input.noise": noise.contiguous(),
        "expected.latent": latent.contiguous(), "expected.pred": out.logits.contiguous(),
        "expected.mask": out.mask.contiguous(), "expected.ids_restore": out.ids_restore.to(torch.int64).contiguous(),
        "expected.loss": out.loss.reshape(1).contiguous(),
    }
    save_file(tensors, path, metadata={"mask_ratio": str(c.mask_ratio), "batch": str(batch), "seed": str(seed),
                                       "made_by": "transformers " + __import__("transformers").__version__})


def make(out):
    from transformers import (ViTConfig, ViTForImageClassification, ViTMAEConfig, ViTMAEForPreTraining,
                              ViTMAEModel)
    os.makedirs(out, exist_ok=True)

    # transformers 5's save_pretrained: safetensors, HF's default eps 1e-12, pixel loss.
    torch.manual_seed(1)
    a = ViTMAEConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=128, decoder_hidden_size=24, decoder_num_hidden_layers=2,
                     decoder_num_attention_heads=3, decoder_intermediate_size=96, mask_ratio=0.75)
    model = ViTMAEForPreTraining(a)
    randomise(model, 11)
    model.save_pretrained(os.path.join(out, "hf-v5"))
    case(model, os.path.join(out, "hf-v5.case.safetensors"), batch=2, seed=12)

    # transformers 4's names in a torch zip pickle: eps 1e-2 (so an ignored eps shows), no qkv
    # bias, norm-pix loss, mask ratio 0.6.
    torch.manual_seed(2)
    b = ViTMAEConfig(image_size=48, patch_size=16, hidden_size=24, num_hidden_layers=2, num_attention_heads=3,
                     intermediate_size=96, decoder_hidden_size=20, decoder_num_hidden_layers=1,
                     decoder_num_attention_heads=5, decoder_intermediate_size=80, layer_norm_eps=1e-2,
                     qkv_bias=False, norm_pix_loss=True, mask_ratio=0.6)
    model = ViTMAEForPreTraining(b)
    randomise(model, 21)
    tmp = os.path.join(out, "hf-v4.tmp")
    model.save_pretrained(tmp)
    from safetensors.torch import load_file
    saved = load_file(os.path.join(tmp, "model.safetensors"))
    legacy = {k.replace("decoder.decoder_encoder.layer.", "decoder.decoder_layers."): v.contiguous()
              for k, v in saved.items()}
    os.makedirs(os.path.join(out, "hf-v4"), exist_ok=True)
    torch.save(legacy, os.path.join(out, "hf-v4", "pytorch_model.bin"))
    os.replace(os.path.join(tmp, "config.json"), os.path.join(out, "hf-v4", "config.json"))
    os.remove(os.path.join(tmp, "model.safetensors"))
    os.rmdir(tmp)
    # transformers itself must read the legacy names back to the same model.
    back = ViTMAEForPreTraining.from_pretrained(os.path.join(out, "hf-v4"))
    for (n1, p1), (n2, p2) in zip(model.state_dict().items(), back.state_dict().items()):
        assert n1 == n2 and torch.equal(p1, p2), f"legacy names did not load back: {n1}"
    case(model, os.path.join(out, "hf-v4.case.safetensors"), batch=3, seed=22)

    # Encoder-only Hugging Face files.
    torch.manual_seed(3)
    encoder = ViTMAEModel(a)
    randomise(encoder, 31)
    encoder.save_pretrained(os.path.join(out, "hf-encoder"))
    torch.manual_seed(4)
    classifier = ViTForImageClassification(ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2,
                                                     num_attention_heads=4, intermediate_size=128, num_labels=5))
    randomise(classifier, 41)
    classifier.save_pretrained(os.path.join(out, "hf-classifier"))

    # The authors' layouts, from the tiny-a weights.
    from safetensors.torch import load_file as load
    here = os.path.dirname(os.path.abspath(__file__))
    tiny = load(os.path.join(here, "..", "Tests", "MAETests", "Fixtures", "tiny-a.model.safetensors"))
    encoder_only = {k: v for k, v in tiny.items() if not (k.startswith("decoder_") or k == "mask_token")}
    torch.save({"model": encoder_only}, os.path.join(out, "mae_pretrain_vit_tiny.pth"))

    class Call:
        def __reduce__(self):
            return (os.system, ("echo this must never run",))
    torch.save({"model": tiny, "epoch": 3, "extra": Call()}, os.path.join(out, "tiny-a.extra-call.pth"))


def check_convert(converted, case_path, reference):
    from safetensors import safe_open
    from safetensors.torch import load_file
    spec = importlib.util.spec_from_file_location("mae_reference", reference)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    with safe_open(converted, "pt") as f:
        config = json.loads(f.metadata()["mae.config"])
    eps = config.pop("layer_norm_eps", 1e-6)
    model = ref.MAE(config).double()
    for m in model.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.eps = eps
    state = {k: v.double() for k, v in load_file(converted).items()}
    model.load_state_dict(state, strict=True)
    c = load_file(case_path)
    with safe_open(case_path, "pt") as f:
        ratio = float(f.metadata()["mask_ratio"])
    with torch.no_grad():
        loss, pred, mask, latent, ids = model(c["input.imgs"].double(), ratio, c["input.noise"])
    worst = 0.0
    for name, got in [("pred", pred), ("mask", mask), ("latent", latent), ("loss", loss.reshape(1))]:
        want = c["expected." + name].double()
        err = ((got - want).abs().max() / want.abs().max().clamp_min(1e-12)).item()
        print(f"{name:8s} max relative error {err:.2e}")
        worst = max(worst, err)
    same_ids = torch.equal(ids, c["expected.ids_restore"])
    print(f"ids_restore {'equal' if same_ids else 'DIFFER'}; config {config}, eps {eps}")
    if worst > 1e-4 or not same_ids:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    k = sub.add_parser("check-convert")
    k.add_argument("converted")
    k.add_argument("case")
    here = os.path.dirname(os.path.abspath(__file__))
    k.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "tools", "mae_reference.py"))
    a = ap.parse_args()
    if a.cmd == "make":
        make(a.out)
    else:
        check_convert(a.converted, a.case, a.reference)


if __name__ == "__main__":
    main()
