#!/usr/bin/env python3
"""Writes the files `maex watch`'s tests read (Tests/WatchFixtures), so the tests need no Python.

Run once, from the repository root, and commit what it writes:

    pip install /opt/wheels/torch-*-cp311-*.whl numpy pillow tensorboard   # a CPU build of torch
    python3 Tests/WatchFixtures/make_fixtures.py --reference ../shared/tools/mae_reference.py

It writes, under Tests/WatchFixtures:

  authors-run/      what the authors' main_pretrain.py leaves in its output_dir: log.txt (one JSON
                    object an epoch) and checkpoint-0.pth, checkpoint-20.pth, checkpoint-40.pth, each
                    torch.save({'model', 'optimizer', 'epoch', 'scaler', 'args'}) with args an
                    argparse.Namespace holding the fields of their argument parser. The model is a
                    micro MAE (32 px, patch 8, 32 wide, 1 block, 2 heads; decoder 16 wide, 1 block,
                    2 heads, norm-pix loss) trained for real on crops of Assets/images, so the
                    reconstructions of later checkpoints are better than earlier ones.
  authors-tb/       the same run's TensorBoard scalars as the authors write them
                    (SummaryWriter.add_scalar('train_loss' / 'lr', value, epoch_1000x)).
  hf-trainer/       Hugging Face Trainer's layout: runs/DATE_HOST/events.out.tfevents.* with
                    train/loss, train/learning_rate and train/epoch against the global step.
  tf2-tensors/      scalars in the tensor form (tensorboard.summary.Writer, the way TF2 writes
                    them): no simple_value, a DT_FLOAT tensor with the "scalars" plugin.
  damaged/          the authors-tb file with one record's payload changed (its CRC fails) and the
                    first half of a record appended (a writer caught mid-record).

The reference MAE (mae_reference.py, the authors' state-dict names) builds and trains the model.
"""
import argparse
import glob
import importlib.util
import json
import math
import os
import shutil
import struct

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CONFIG = dict(img_size=32, patch_size=8, in_chans=3, embed_dim=32, depth=1, num_heads=2,
              decoder_embed_dim=16, decoder_depth=1, decoder_num_heads=2, mlp_ratio=4.0, norm_pix_loss=True)
EPOCHS, ITERS, BATCH, WARMUP, BLR = 41, 6, 16, 4, 1.5e-4 * 40
START_TIME = 1_750_000_000.0  # wall times are fixed so the files do not change from run to run


def load_reference(path):
    spec = importlib.util.spec_from_file_location("mae_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def crops(rng, images, n, side):
    """Random square crops of the images, resized to side × side, normalised as ImageNet."""
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    out = []
    for _ in range(n):
        img = images[rng.integers(len(images))]
        h, w = img.shape[1:]
        s = int(rng.integers(min(h, w) // 3, min(h, w) + 1))
        y, x = int(rng.integers(h - s + 1)), int(rng.integers(w - s + 1))
        patch = img[:, y:y + s, x:x + s].unsqueeze(0)
        patch = torch.nn.functional.interpolate(patch, size=(side, side), mode="bicubic", align_corners=False)[0]
        if rng.random() < 0.5:
            patch = patch.flip(-1)
        out.append((patch.clamp(0, 1) - mean) / std)
    return torch.stack(out)


def read_images():
    from PIL import Image  # pillow
    files = sorted(glob.glob(os.path.join(ROOT, "Assets/images/*.png")))[:6]
    return [torch.from_numpy(np.asarray(Image.open(f).convert("RGB"), dtype=np.float32) / 255).permute(2, 0, 1)
            for f in files]


def namespace(output_dir):
    """The args main_pretrain.py saves: every field of its parser, as it leaves them."""
    eff = BATCH * 1 * 1
    return argparse.Namespace(
        batch_size=BATCH, epochs=EPOCHS, accum_iter=1, model="mae_vit_micro_patch8", input_size=32,
        mask_ratio=0.75, norm_pix_loss=True, weight_decay=0.05, lr=BLR * eff / 256, blr=BLR, min_lr=0.0,
        warmup_epochs=WARMUP, data_path="/datasets01/imagenet_full_size/061417/", output_dir=output_dir,
        log_dir=output_dir, device="cpu", seed=0, resume="", start_epoch=0, num_workers=10, pin_mem=True,
        world_size=1, local_rank=-1, dist_on_itp=False, dist_url="env://", distributed=False)


def lr_at(epoch_f, lr):
    """The authors' util/lr_sched.adjust_learning_rate: linear warmup, then half-cycle cosine."""
    if epoch_f < WARMUP:
        return lr * epoch_f / WARMUP
    return lr * 0.5 * (1.0 + math.cos(math.pi * (epoch_f - WARMUP) / (EPOCHS - WARMUP)))


def train_authors_run(ref, images):
    out = os.path.join(HERE, "authors-run")
    tb = os.path.join(HERE, "authors-tb")
    hf = os.path.join(HERE, "hf-trainer", "runs", "Jun15_10-00-00_gpu-node-1")
    tf2 = os.path.join(HERE, "tf2-tensors")
    for d in (out, tb, os.path.join(HERE, "hf-trainer"), tf2):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    os.makedirs(hf)

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    model = ref.MAE(CONFIG)
    args = namespace(out)
    optimizer = torch.optim.AdamW(ref.param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.95))
    writer = SummaryWriter(log_dir=tb)
    hf_writer = SummaryWriter(log_dir=hf)
    from tensorboard.summary import Writer
    tf2_writer = Writer(tf2)
    L = (CONFIG["img_size"] // CONFIG["patch_size"]) ** 2
    step = 0
    with open(os.path.join(out, "log.txt"), "w") as log:
        for epoch in range(EPOCHS):
            losses, last_lr = [], 0.0
            for it in range(ITERS):
                epoch_f = epoch + it / ITERS
                for group in optimizer.param_groups:
                    group["lr"] = lr_at(epoch_f, args.lr)
                last_lr = optimizer.param_groups[0]["lr"]
                imgs = crops(rng, images, BATCH, CONFIG["img_size"])
                loss, *_ = model(imgs, args.mask_ratio, torch.rand(BATCH, L))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                epoch_1000x = int((it / ITERS + epoch) * 1000)
                wall = START_TIME + step * 2.0
                writer.add_scalar("train_loss", loss.item(), epoch_1000x, walltime=wall)
                writer.add_scalar("lr", last_lr, epoch_1000x, walltime=wall)
                step += 1
                hf_writer.add_scalar("train/loss", loss.item(), step, walltime=wall)
                hf_writer.add_scalar("train/learning_rate", last_lr, step, walltime=wall)
                hf_writer.add_scalar("train/epoch", epoch_f + 1 / ITERS, step, walltime=wall)
                tf2_writer.add_scalar("epoch_loss", loss.item(), step, wall_time=wall)
                tf2_writer.add_scalar("learning_rate", last_lr, step, wall_time=wall)
            log.write(json.dumps({"train_lr": last_lr, "train_loss": sum(losses) / len(losses), "epoch": epoch}) + "\n")
            if epoch % 20 == 0 or epoch + 1 == EPOCHS:
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                            "scaler": {"scale": 65536.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                                       "growth_interval": 2000, "_growth_tracker": 0},
                            "args": args}, os.path.join(out, f"checkpoint-{epoch}.pth"))
    for w in (writer, hf_writer):
        w.close()
    tf2_writer.close()
    # Fixed names: the writers put the time, host and pid into them.
    for folder, name in ((tb, "events.out.tfevents.1750000000.gpu-node-1.4242.0"),
                         (hf, "events.out.tfevents.1750000000.gpu-node-1.4243.0"),
                         (tf2, "events.out.tfevents.1750000000.gpu-node-1.4244.0.v2")):
        files = glob.glob(os.path.join(folder, "events.out.tfevents.*"))
        assert len(files) == 1, files
        os.rename(files[0], os.path.join(folder, name))


def records(data):
    """(offset, length) of each TFRecord in data: u64 length, u32 crc, payload, u32 crc."""
    out, i = [], 0
    while i + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, i)
        out.append((i, n))
        i += 12 + n + 4
    return out


def write_damaged():
    src = os.path.join(HERE, "authors-tb", "events.out.tfevents.1750000000.gpu-node-1.4242.0")
    data = bytearray(open(src, "rb").read())
    recs = records(data)
    # Record 5 (a scalar event): flip a byte of its payload, so the payload's CRC fails.
    off, n = recs[5]
    data[off + 12 + n // 2] ^= 0xFF
    # A writer caught mid-record: the first half of the last record once more.
    off, n = recs[-1]
    data += data[off:off + (12 + n + 4) // 2]
    d = os.path.join(HERE, "damaged")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    open(os.path.join(d, "events.out.tfevents.1750000000.gpu-node-1.4242.0"), "wb").write(bytes(data))
    return len(recs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "tools", "mae_reference.py"))
    a = parser.parse_args()
    ref = load_reference(a.reference)
    train_authors_run(ref, read_images())
    count = write_damaged()
    print(f"wrote {HERE}: authors-run, authors-tb ({count} records), hf-trainer, tf2-tensors, damaged")


if __name__ == "__main__":
    main()
