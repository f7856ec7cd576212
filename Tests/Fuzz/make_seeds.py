#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (Tests/Fuzz/Seeds/<harness>/), small files of
every kind each parser reads, so that libFuzzer starts from real structure. The seeds are
committed; run this again only to change them (pip install torch safetensors numpy pillow).

    python3 Tests/Fuzz/make_seeds.py
"""
import argparse
import io
import json
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image
from safetensors.numpy import save as save_safetensors

ROOT = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(ROOT, "Seeds")
REPO = os.path.dirname(os.path.dirname(ROOT))

# The smallest MAE worth the name: 8×8 images of 4×4 patches (a 2×2 grid), width 8, one block a side.
CONFIG = {"img_size": 8, "patch_size": 4, "in_chans": 3, "embed_dim": 8, "depth": 1, "num_heads": 2,
          "decoder_embed_dim": 8, "decoder_depth": 1, "decoder_num_heads": 2, "mlp_ratio": 2.0,
          "norm_pix_loss": False}


def state_dict(c):
    """The authors' names and shapes for config c, filled with small random values."""
    rng = np.random.default_rng(0)
    p, D, Dd, C = c["patch_size"], c["embed_dim"], c["decoder_embed_dim"], c["in_chans"]
    L = (c["img_size"] // p) ** 2
    shapes = {"cls_token": (1, 1, D), "pos_embed": (1, L + 1, D),
              "patch_embed.proj.weight": (D, C, p, p), "patch_embed.proj.bias": (D,)}

    def block(prefix, d):
        h = int(d * c["mlp_ratio"])
        for name, shape in [("norm1.weight", (d,)), ("norm1.bias", (d,)), ("attn.qkv.weight", (3 * d, d)),
                            ("attn.qkv.bias", (3 * d,)), ("attn.proj.weight", (d, d)), ("attn.proj.bias", (d,)),
                            ("norm2.weight", (d,)), ("norm2.bias", (d,)), ("mlp.fc1.weight", (h, d)),
                            ("mlp.fc1.bias", (h,)), ("mlp.fc2.weight", (d, h)), ("mlp.fc2.bias", (d,))]:
            shapes[f"{prefix}.{name}"] = shape

    for i in range(c["depth"]):
        block(f"blocks.{i}", D)
    shapes.update({"norm.weight": (D,), "norm.bias": (D,), "decoder_embed.weight": (Dd, D),
                   "decoder_embed.bias": (Dd,), "mask_token": (1, 1, Dd), "decoder_pos_embed": (1, L + 1, Dd)})
    for i in range(c["decoder_depth"]):
        block(f"decoder_blocks.{i}", Dd)
    shapes.update({"decoder_norm.weight": (Dd,), "decoder_norm.bias": (Dd,),
                   "decoder_pred.weight": (p * p * C, Dd), "decoder_pred.bias": (p * p * C,)})
    return {k: (rng.standard_normal(s) * 0.02).astype(np.float32) for k, s in shapes.items()}


def write(harness, name, data):
    folder = os.path.join(SEEDS, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def safetensors_seeds():
    sd = state_dict(CONFIG)
    meta = {"format": "mae-explorer/1", "mae.config": json.dumps(CONFIG)}
    write("SafeTensors", "maex-model", save_safetensors(sd, metadata=meta))
    write("SafeTensors", "no-metadata", save_safetensors(sd))
    half = {k: v.astype(np.float16) for k, v in list(sd.items())[:4]}
    write("SafeTensors", "f16-part", save_safetensors(half))
    mixed = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.arange(4, dtype=np.int64),
             "c": np.zeros((0, 3), dtype=np.float32), "d": np.array(1.5, dtype=np.float64)}
    write("SafeTensors", "mixed-dtypes", save_safetensors(mixed))
    # bf16 by hand (numpy has none): the top halves of F32 values.
    raw = np.array([1.0, -2.0, 0.5], dtype=np.float32).view(np.uint32) >> 16
    header = json.dumps({"x": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]}}).encode()
    write("SafeTensors", "bf16", struct.pack("<Q", len(header)) + header + raw.astype(np.uint16).tobytes())


def torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def pth_seeds():
    sd = {k: torch.from_numpy(v) for k, v in state_dict(CONFIG).items()}
    args = argparse.Namespace(model="mae_vit_base_patch16", input_size=8, mask_ratio=0.75, norm_pix_loss=True,
                              batch_size=4, epochs=2, lr=None, blr=1.5e-3, output_dir="./out")
    objects = {
        "state-dict": sd,
        "authors-model": {"model": sd},
        "authors-checkpoint": {"model": sd, "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4}]},
                               "epoch": 3, "scaler": {"scale": 65536.0}, "args": args},
        "f16-view": {"w": torch.arange(12, dtype=torch.float16).reshape(3, 4).t(), "n": torch.tensor(7)},
    }
    for name, obj in objects.items():
        data = torch_bytes(obj)
        write("Pth", name, data)
        write("Unpickler", name, data_pkl(data))
    for proto in (2, 3, 4, 5):
        import pickle
        write("Unpickler", f"protocol-{proto}", pickle.dumps(
            {"a": [1, 2.5, True, None, "text", b"raw", (1, 2), {"k": -(1 << 70)}], "b": list(range(300))},
            protocol=proto))


def data_pkl(zip_bytes):
    import zipfile
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        return z.read(name)


def hf_config_seeds():
    for folder in ("hf-v4", "hf-v5"):
        with open(os.path.join(REPO, "Tests/MAETests/Fixtures", folder, "config.json"), "rb") as f:
            write("HuggingFaceConfig", folder, f.read())
    write("HuggingFaceConfig", "pair-sizes", json.dumps(
        {"model_type": "vit_mae", "image_size": [32, 32], "patch_size": [8, 8], "hidden_size": 32,
         "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, "decoder_hidden_size": 24,
         "decoder_num_hidden_layers": 2, "decoder_num_attention_heads": 3, "decoder_intermediate_size": 96,
         "layer_norm_eps": 1e-12, "norm_pix_loss": True}).encode())


def image_seeds():
    rng = np.random.default_rng(1)
    rgb = Image.fromarray(rng.integers(0, 256, (6, 5, 3), dtype=np.uint8))
    rgba = Image.fromarray(rng.integers(0, 256, (4, 7, 4), dtype=np.uint8))
    grey = rgb.convert("L")
    kinds = {"rgb": (rgb, {}), "rgba": (rgba, {}), "grey": (grey, {}), "grey-alpha": (rgba.convert("LA"), {}),
             "palette": (rgb.convert("P"), {}), "bilevel": (grey.convert("1"), {}),
             "interlaced": (rgb, {"interlace": 1}),
             "grey16": (Image.fromarray(rng.integers(0, 65536, (3, 4), dtype=np.uint16)), {})}
    for name, (image, options) in kinds.items():
        buf = io.BytesIO()
        image.save(buf, "PNG", **options)
        write("PNG", name, buf.getvalue())
    # A palette image with transparency (tRNS).
    buf = io.BytesIO()
    rgb.convert("P").save(buf, "PNG", transparency=0)
    write("PNG", "palette-trns", buf.getvalue())
    for name, image, options in [("baseline", rgb, {}), ("progressive", rgb, {"progressive": True}),
                                 ("grey", grey, {}), ("subsampled", rgb.resize((17, 9)), {"subsampling": 2}),
                                 ("optimised", rgb, {"optimize": True, "quality": 30})]:
        buf = io.BytesIO()
        image.save(buf, "JPEG", **options)
        write("JPEG", name, buf.getvalue())


def run_log_seeds():
    maex = "\n".join(json.dumps(x) for x in [
        {"event": "start", "step": 0, "time": 1750000000.5, "pid": 4242, "host": "node", "total_steps": 100},
        {"step": 1, "epoch": 0.01, "loss": 1.25, "lr": 1e-4, "images_per_s": 210.5, "elapsed": 0.3},
        {"step": 2, "epoch": 0.02, "loss": None, "lr": 2e-4, "images_per_s": 209.0, "elapsed": 0.6},
        {"event": "checkpoint", "step": 2, "time": 1750000001.0},
        {"event": "stop", "step": 2, "reason": "signal"}]) + "\n"
    write("RunLog", "metrics", maex.encode())
    with open(os.path.join(REPO, "Tests/WatchFixtures/authors-run/log.txt"), "rb") as f:
        write("RunLog", "authors-log", b"".join(f.readlines()[:4]))
    write("RunLog", "non-finite", b'{"step": 3, "loss": NaN}\r\n{"step": 4, "loss": "Infinity"}\n{"step": 5')


def tfrecords(path):
    with open(path, "rb") as f:
        data = f.read()
    records, at = [], 0
    while at + 12 <= len(data):
        n = struct.unpack("<Q", data[at:at + 8])[0]
        records.append(data[at + 12:at + 12 + n])
        at += 12 + n + 4
    return data, records


def tensorboard_seeds():
    for folder in ("authors-tb", "tf2-tensors"):
        directory = os.path.join(REPO, "Tests/WatchFixtures", folder)
        data, records = tfrecords(os.path.join(directory, os.listdir(directory)[0]))
        # Payloads in the harness's own framing (first byte not 0): the first events of the run.
        write("TensorBoard", folder + "-events", b"\x01" + b"\n--\n".join(records[:8]))
        # The file as it is, after the harness's 0 byte: the framing and its CRCs.
        write("TensorBoard", folder + "-file", b"\x00" + data[:2048])


def mask_seeds():
    write("MaskFile", "grid-4", b"\x03" + b"#.#.\n....\n1010\n0000\n")
    write("MaskFile", "line-4", b"\x03" + b"1 0 1 0  0000 #.#. ....\r\n\n")
    write("MaskFile", "grid-14", b"\x0d" + b"\n".join(b"#..#" * 3 + b".#" for _ in range(14)))


def mouse_seeds():
    write("Mouse", "press-drag-release", b"0;10;5M32;11;5M32;12;6M0;12;6m")
    write("Mouse", "wheel-and-move", b"64;3;3M65;3;3M35;100;40M")
    write("Mouse", "modifiers", b"4;1;1M8;2;2M16;3;3M2;4;4M2;4;4m")


if __name__ == "__main__":
    safetensors_seeds(); pth_seeds(); hf_config_seeds(); image_seeds(); run_log_seeds()
    tensorboard_seeds(); mask_seeds(); mouse_seeds()
    for harness in sorted(os.listdir(SEEDS)):
        files = os.listdir(os.path.join(SEEDS, harness))
        size = sum(os.path.getsize(os.path.join(SEEDS, harness, f)) for f in files)
        print(f"{harness}: {len(files)} seeds, {size} bytes")
