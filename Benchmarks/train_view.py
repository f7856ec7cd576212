#!/usr/bin/env python3
"""Measures the explorer while it trains (issue 15's targets), against headless training.

Usage: Benchmarks/train_view.py [--maex .build/release/maex] [--seconds 60] [--warm 20]

Three runs back to back on the bundled images, each from the bundled model with the explorer's
recipe for a trained model (`InteractiveRun.recipe(trained: true)`):
  1. `maex train --no-tui` (headless), `--seconds` after `--warm` seconds of start-up;
  2. `maex explore` in a 160×48 tmux pane (truecolour), `T` pressed; after `--warm` seconds,
     `--seconds` without input (the steady screen, whose output `tmux pipe-pane` counts), then
     one input a second for `--seconds` (a new random mask `r`, a mouse press that toggles a
     patch in the masked panel, a ratio key, in turn);
  3. headless again (the VM changes speed; the view is compared with the mean of 1 and 3).
It prints, for the view: the key-to-screen milliseconds of every input (MAEX_LATENCY_LOG: from
reading the input to presenting the reconstruction it asked for), the training images/s as a
fraction of headless (over both halves), and the bytes a second the steady screen sent (an
input is drawn at once, whatever it costs).
Targets: every input ≤ 100 ms, ≥ 0.90 of headless images/s, ≤ 10 KB/s. Not run by CI.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECIPE = ["--steps", "3000", "--lr", "2e-4", "--crop-scale-min", "0.05", "--channel-shuffle", "--saturation", "1.0",
          "--grey-prob", "0.1", "--save-every-minutes", "2", "--log-every", "10"]


def rate(metrics, start, end):
    """Images a second from metrics.jsonl's step lines with time in [start, end]."""
    points = []
    with open(metrics) as f:
        for line in f:
            o = json.loads(line)
            if "loss" in o and start <= o["time"] <= end:
                points.append((o["time"], o["step"]))
    if len(points) < 2:
        return float("nan")
    (t0, s0), (t1, s1) = points[0], points[-1]
    return (s1 - s0) * 64 / (t1 - t0)


def headless(maex, model, work, warm, seconds, name):
    run = os.path.join(work, name)
    p = subprocess.Popen([maex, "train", "--no-tui", "--init", model, "--data", os.path.join(ROOT, "Assets/images"),
                          "--run", run] + RECIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time() + warm
    time.sleep(warm + seconds)
    end = time.time()
    p.send_signal(signal.SIGINT)
    p.wait()
    return rate(os.path.join(run, "metrics.jsonl"), start, end)


def tmux(socket, *args):
    return subprocess.run(["tmux", "-L", socket] + list(args), check=True, capture_output=True, text=True).stdout


def wait_for(socket, what, test, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        screen = tmux(socket, "capture-pane", "-p")
        if test(screen):
            return screen
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


def view(maex, model, work, warm, seconds):
    run, log, out = os.path.join(work, "view"), os.path.join(work, "latency.log"), os.path.join(work, "pane.out")
    socket = f"maex-bench-{os.getpid()}"
    env = f"env -u TMUX MAEX_LATENCY_LOG={log} TERM=tmux-256color COLORTERM=truecolor LC_ALL=C.UTF-8"
    command = f"{env} {maex} explore --model {model} --run {run} --stats; sleep 60"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48", command],
                   check=True)
    try:
        wait_for(socket, "the explorer", lambda s: "PSNR" in s)
        tmux(socket, "send-keys", "T")
        screen = wait_for(socket, "training", lambda s: "maex train" in s and "weights @ step" in s)
        time.sleep(warm)
        # The masked panel: the second run of half blocks below the titles.
        lines = screen.split("\n")
        title = next(i for i, l in enumerate(lines) if "reconstruction + visible" in l)
        row = lines[title + 1]
        runs = [m.start() for m in re.finditer(r"(?<!▀)▀", row)]
        x, y = runs[1] + 3, title + 3
        with open(log) as f:
            before = len(f.readlines())
        start = time.time()
        tmux(socket, "pipe-pane", "-o", f"cat >> {out}")
        time.sleep(seconds)
        tmux(socket, "pipe-pane")
        steady = time.time() - start
        inputs = ["r", f"\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m", "7", "r", f"\x1b[<2;{x};{y}M\x1b[<2;{x};{y}m", "8"]
        for i in range(seconds):
            tmux(socket, "send-keys", "-l", inputs[i % len(inputs)])
            time.sleep(1)
        end = time.time()
        tmux(socket, "send-keys", "q")
        wait_for(socket, "the exit", lambda s: "training run" in s)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    with open(log) as f:
        latencies = [float(m.group(1)) for l in f.readlines()[before:] if (m := re.search(r"key-to-screen ([\d.]+) ms", l))]
    received = os.path.getsize(out) if os.path.exists(out) else 0
    return latencies, rate(os.path.join(run, "metrics.jsonl"), start, end), received / steady


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--maex", default=os.path.join(ROOT, ".build/release/maex"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warm", type=int, default=20)
    a = parser.parse_args()
    model = os.path.join(ROOT, "Assets/models/maex-tiny.safetensors")
    work = tempfile.mkdtemp(prefix="maex-train-view-")
    try:
        first = headless(a.maex, model, work, a.warm, 2 * a.seconds, "headless-1")
        latencies, shown, bytes_per_second = view(a.maex, model, work, a.warm, a.seconds)
        last = headless(a.maex, model, work, a.warm, 2 * a.seconds, "headless-2")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = (first + last) / 2
    print(f"headless: {first:.1f} and {last:.1f} img/s (mean {base:.1f})")
    print(f"with the view: {shown:.1f} img/s = {shown / base:.3f} of headless (target >= 0.90)")
    if latencies:
        print(f"key-to-screen, {len(latencies)} inputs: median {statistics.median(latencies):.1f} ms, "
              f"max {max(latencies):.1f} ms, over 100 ms: {sum(l > 100 for l in latencies)} (target 0)")
    print(f"terminal, steady: {bytes_per_second:.0f} bytes/s at 160x48 truecolour (target <= 10240)")


if __name__ == "__main__":
    main()
