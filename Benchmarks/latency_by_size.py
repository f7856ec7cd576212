#!/usr/bin/env python3
"""Batch-1 reconstruction latency of the authors' three ViTs (base/16, large/16, huge/14 at
224 px), maex next to PyTorch, for BENCHMARKS.md.

Usage: Benchmarks/latency_by_size.py [--maex .build/release/maex] [--reference PATH] [--rounds 2]

PyTorch times what `mae_reference.py bench` times for its latency (the reference MAE's
`model(img, 0.75, noise)` under no_grad: forward and loss, 2 warm-up runs, then at least 3 runs
and 2 s; the mean), without its training part, so ViT-H needs no optimizer state in memory.
maex runs `maex bench --preset P --batch 1 --only latency --json` (the whole reconstruction,
prediction pasted into image space included; mean and median). Each round runs both engines
back to back for every size, alternating which goes first. Two threads each. Not run by CI.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

import torch

PRESETS = {
    "base": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "large": {"img_size": 224, "patch_size": 16, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "huge": {"img_size": 224, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16},
}
DECODER = {"in_chans": 3, "decoder_embed_dim": 512, "decoder_depth": 8, "decoder_num_heads": 16, "mlp_ratio": 4.0,
           "norm_pix_loss": False}


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def torch_latency(ref, config, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = ref.MAE(config).eval()
    s, L = config["img_size"], (config["img_size"] // config["patch_size"]) ** 2
    one = torch.randn(1, 3, s, s)
    with torch.no_grad():
        for _ in range(2):
            model(one, 0.75, torch.rand(1, L))
        reps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 2.0 or reps < 3:
            model(one, 0.75, torch.rand(1, L))
            reps += 1
        return (time.perf_counter() - t0) / reps * 1e3


def maex_latency(binary, preset, threads):
    out = subprocess.run([binary, "bench", "--preset", preset, "--batch", "1", "--only", "latency", "--threads",
                          str(threads), "--json"], check=True, capture_output=True, text=True).stdout
    o = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    return o["forward_ms"], o.get("forward_median_ms", float("nan"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maex", default=os.path.join(here, "..", ".build", "release", "maex"))
    ap.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "tools", "mae_reference.py"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("mae_reference", a.reference)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    print(f"# torch {torch.__version__}, {a.threads} threads", flush=True)
    print("| round | model | maex mean (median) ms | PyTorch mean ms | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for r in range(1, a.rounds + 1):
        for preset, shape in PRESETS.items():
            config = dict(shape, **DECODER)
            order = ["maex", "torch"] if r % 2 else ["torch", "maex"]
            got = {}
            for engine in order:
                print(f"# load {load()}: {engine} {preset}", file=sys.stderr, flush=True)
                got[engine] = maex_latency(a.maex, preset, a.threads) if engine == "maex" else torch_latency(ref, config, a.threads)
            # maex's own peak_rss_mb is left out: a process forked from this one (holding a
            # PyTorch ViT) keeps the larger resident peak. `make test-large` measures memory.
            mean, median = got["maex"]
            print(f"| {r} | {preset} | {mean:.1f} ({median:.1f}) | {got['torch']:.1f} | {mean / got['torch']:.3f}× |", flush=True)


if __name__ == "__main__":
    main()
