#!/usr/bin/env python3
"""PyTorch's training speed at several batch sizes, for `fmnist bench --batch-sizes ... --compare-torch`.

Uses the PyTorch anchor's own models, optimizers, data loading and BLAS check (shared/anchors/torch_bench.py,
imported, not copied; FMNIST_TORCH_BENCH points elsewhere) and times the training step as the anchor does:
three warm-up steps, then forward, loss, backward and optimizer step on real images for --seconds.
Prints one JSON line per preset and batch size. Exits 3 on the reference BLAS with --require-fast-blas.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ANCHOR = os.environ.get("FMNIST_TORCH_BENCH") or os.path.join(HERE, "..", "..", "shared", "anchors", "torch_bench.py")
sys.path.insert(0, os.path.dirname(os.path.abspath(ANCHOR)))
import torch_bench as anchor  # noqa: E402
import torch  # noqa: E402


def images_per_second(name, batch, seconds, data):
    make, optimizer_name, _ = anchor.PRESETS[name]
    xtr, ytr = data
    model = make()
    optimizer = anchor.optimizer(optimizer_name, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(xtr.shape[0])
    step, seen, started = 0, 0, None
    while True:
        start = (step * batch) % (xtr.shape[0] - batch)
        idx = order[start : start + batch]
        optimizer.zero_grad()
        loss_fn(model(xtr[idx]), ytr[idx]).backward()
        optimizer.step()
        step += 1
        if step == 3:
            started = time.time()
        elif started is not None:
            seen += batch
            if time.time() - started > seconds:
                return seen / (time.time() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", action="append", required=True)
    parser.add_argument("--batch", action="append", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--require-fast-blas", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    blas = anchor.blas_in_use()
    if blas == "reference":
        print("torch_batch_sweep: PyTorch is using the reference BLAS: apt-get install libopenblas0-openmp", file=sys.stderr)
        if args.require_fast_blas:
            sys.exit(3)
    torch.manual_seed(0)
    xtr, ytr, _, _ = anchor.load()
    for name in args.preset:
        for batch in args.batch:
            speed = images_per_second(name, batch, args.seconds, (xtr, ytr))
            print(json.dumps({"preset": name, "batch": batch, "framework": f"torch {torch.__version__}", "blas": blas,
                              "threads": args.threads, "train_img_per_s": round(speed, 1)}), flush=True)


if __name__ == "__main__":
    main()
