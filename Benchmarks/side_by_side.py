#!/usr/bin/env python3
"""Runs `maex bench` and `mae_reference.py bench` (PyTorch) next to each other and prints the
table BENCHMARKS.md shows: the four targets of issue 7, each from the same round.

Usage: Benchmarks/side_by_side.py [--maex .build/release/maex] [--reference PATH] [--rounds 3]

Each round runs, back to back: PyTorch tiny (batch 64, 2 threads), maex tiny (same), PyTorch
base (batch 1), maex base (batch 1); odd rounds start with maex, even rounds with PyTorch, so
that neither side always gets the quieter moment. The load average is printed before each run.
Not run by CI: it takes minutes and needs torch.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

TINY = {"img_size": 64, "patch_size": 8, "in_chans": 3, "embed_dim": 192, "depth": 6, "num_heads": 3,
        "decoder_embed_dim": 128, "decoder_depth": 2, "decoder_num_heads": 4, "mlp_ratio": 4.0,
        "norm_pix_loss": False}
BASE = {"img_size": 224, "patch_size": 16, "in_chans": 3, "embed_dim": 768, "depth": 12, "num_heads": 12,
        "decoder_embed_dim": 512, "decoder_depth": 8, "decoder_num_heads": 16, "mlp_ratio": 4.0,
        "norm_pix_loss": False}


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def run_json(cmd):
    print(f"# load {load()}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
        return f"{fields.get('Model name', '?').strip()}, {fields.get('CPU(s)', '?').strip()} CPUs"
    except OSError:
        return platform.processor()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maex", default=os.path.join(here, "..", ".build", "release", "maex"))
    ap.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "tools", "mae_reference.py"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    t = str(a.threads)

    def torch(config, batch, steps):
        return run_json([sys.executable, a.reference, "bench", "--config", json.dumps(config),
                         "--batch", str(batch), "--steps", str(steps), "--threads", t])

    def maex(preset, batch, steps):
        return run_json([a.maex, "bench", "--preset", preset, "--batch", str(batch), "--steps", str(steps),
                         "--threads", t, "--json"])

    print(f"machine: {cpu_model()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    rows = []
    for r in range(a.rounds):
        first_maex = r % 2 == 0
        res = {}
        for name, job in [("tiny", lambda which: maex("tiny", 64, 10) if which == "maex" else torch(TINY, 64, 10)),
                          ("base", lambda which: maex("base", 1, 3) if which == "maex" else torch(BASE, 1, 3))]:
            for which in (["maex", "torch"] if first_maex else ["torch", "maex"]):
                res[(name, which)] = job(which)
        m, p = res[("tiny", "maex")], res[("tiny", "torch")]
        mb, pb = res[("base", "maex")], res[("base", "torch")]
        rows.append((r + 1, m, p, mb, pb))

    def mark(value, met, text):
        return f"**{text}**" if met else f"{text} (missed)"

    print()
    print("| round | tiny train img/s maex / torch (ratio ≥ 1.25) | tiny batch-1 ms maex mean (median) / torch mean (ratio ≤ 0.5) "
          "| base batch-1 ms maex mean (median) / torch mean (ratio ≤ 1.0) | train GFLOP/s / sgemm GFLOP/s (≥ 0.5) "
          "| all four |")
    print("| --- | --- | --- | --- | --- | --- |")
    all_met = 0
    for r, m, p, mb, pb in rows:
        tr = m["train_images_per_s"] / p["train_images_per_s"]
        lt = m["forward_ms"] / p["forward_ms"]
        lb = mb["forward_ms"] / pb["forward_ms"]
        g = m["train_gflops"] / m["sgemm_gflops"]
        met = [tr >= 1.25, lt <= 0.5, lb <= 1.0, g >= 0.5]
        all_met += all(met)
        print(f"| {r} | {m['train_images_per_s']:.1f} / {p['train_images_per_s']:.1f} = {mark(tr, met[0], f'{tr:.3f}×')} "
              f"| {m['forward_ms']:.2f} ({m['forward_median_ms']:.2f}) / {p['forward_ms']:.2f} = {mark(lt, met[1], f'{lt:.3f}×')} "
              f"| {mb['forward_ms']:.1f} ({mb['forward_median_ms']:.1f}) / {pb['forward_ms']:.1f} = {mark(lb, met[2], f'{lb:.3f}×')} "
              f"| {m['train_gflops']:.1f} / {m['sgemm_gflops']:.1f} = {mark(g, met[3], f'{g:.3f}')} "
              f"| {'yes' if all(met) else 'no'} |")
    print()
    print(f"rounds with all four targets met: {all_met} of {len(rows)}")
    print()
    print("raw:", json.dumps([{"round": r, "maex_tiny": m, "torch_tiny": p, "maex_base": mb, "torch_base": pb}
                              for r, m, p, mb, pb in rows]))


if __name__ == "__main__":
    main()
