#!/usr/bin/env python3
"""The course's model presets in PyTorch, timed the way `fmnist bench` times them in TensorFlow.js.

`npm run bench -- --compare-torch` runs this script to put PyTorch's training speed beside ours, on the same
machine, presets, batch sizes and thread count. Each preset here is built layer for layer like its namesake in
lib/models/presets.ts (test/torch-presets.test.ts checks the parameter counts against the TypeScript table). One
training step is what a PyTorch learner writes: zero_grad, forward in training mode, cross-entropy, backward,
optimizer step, on real Fashion-MNIST images; three warm-up steps, then as many steps as fit in --seconds.

Prints one JSON line per preset and batch size: images per second, the parameter count, the BLAS library
that served PyTorch and the process's peak memory. Debian's python3-torch runs its Linear layers through
whatever libblas.so.3 is installed; on the netlib reference BLAS it is several times slower than on OpenBLAS, so
--require-fast-blas exits with status 3 there. Needs: apt-get install python3-torch libopenblas0-openmp
dataset-fashion-mnist. The external anchor shared/anchors/torch_bench.py (FMNIST_TORCH_BENCH) is a cross-check.
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

DATA_DIR = os.environ.get("FASHION_MNIST_DIR") or "/usr/share/datasets/fashion-mnist"
REFERENCE_BLAS_EXIT = 3
VGG11_PATTERN = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]


def vgg11(batch_norm, width_divisor=4):
    """VGG-11's pattern on 28x28 images zero-padded to 32x32, channels divided by width_divisor."""
    layers, channels = [nn.ZeroPad2d(2)], 1
    for step in VGG11_PATTERN:
        if step == "M":
            layers.append(nn.MaxPool2d(2))
            continue
        width = step // width_divisor
        layers.append(nn.Conv2d(channels, width, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(width, momentum=0.1, eps=1e-3))
        layers.append(nn.ReLU())
        channels = width
    head = [nn.Linear(channels, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10)]
    return nn.Sequential(*layers, nn.Flatten(), *head)


def conv_block(inputs, filters, dropout=0.0):
    """5x5 'same' convolution, ReLU, 2x2 max-pool, then dropout when asked (cnn-deep's blocks)."""
    block = [nn.Conv2d(inputs, filters, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2)]
    return block + ([nn.Dropout(dropout)] if dropout else [])


# name: (builder, optimizer, walkthrough batch size); softmax is in the loss, as PyTorch learners write it
PRESETS = {
    "mlp": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), "adam", 32),
    "mlp-deep": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 784), nn.ReLU(), nn.Linear(784, 100), nn.ReLU(),
                                       nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10)), "rmsprop", 32),
    "cnn-simple": (lambda: nn.Sequential(nn.Conv2d(1, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                         nn.Linear(13 * 13 * 64, 128), nn.ReLU(), nn.Linear(128, 10)), "adam", 32),
    "cnn-deep": (lambda: nn.Sequential(*conv_block(1, 32), *conv_block(32, 64, 0.25), *conv_block(64, 128, 0.25), nn.Flatten(),
                                       nn.Linear(3 * 3 * 128, 1024), nn.ReLU(), nn.Dropout(0.4), nn.Linear(1024, 10)), "adam", 100),
    "vgg11": (lambda: vgg11(batch_norm=False), "adam", 128),
    "vgg11-bn": (lambda: vgg11(batch_norm=True), "adam", 128),
}


def make_optimizer(name, parameters):
    """Keras' defaults, which the TypeScript presets use: Adam 1e-3; RMSprop 1e-3 with rho 0.9 and epsilon 1e-7."""
    if name == "adam":
        return torch.optim.Adam(parameters, lr=1e-3)
    return torch.optim.RMSprop(parameters, lr=1e-3, alpha=0.9, eps=1e-7)


def read_idx(name):
    """One gzipped IDX file of the Debian data set as a numpy array."""
    path = os.path.join(DATA_DIR, name)
    if not os.path.exists(path):
        sys.exit(f"torch_presets: {path} not found: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def as_images(name):
    """An IDX image file as a float tensor [n, 1, 28, 28] scaled to [0, 1]."""
    return torch.from_numpy(read_idx(name).copy()).float().div(255).unsqueeze(1)


def fashion_mnist():
    """Training images and labels, and the test images, as a learner's training script loads them.

    The test images are loaded even though only the training step is timed: a real script has them in memory, and
    freeing their 31 MB float buffer raises glibc's dynamic mmap threshold, so the step's activation buffers then
    come from the heap instead of fresh mmap'd (page-faulted, zeroed) memory. Measured here: cnn-simple trains about
    twice as fast in PyTorch with that state (2,740-2,860 against 1,450-1,510 img/s), so leaving it out would
    handicap the anchor.
    """
    images = as_images("train-images-idx3-ubyte.gz")
    labels = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    test_images = as_images("t10k-images-idx3-ubyte.gz")
    return images, labels, test_images


def blas_library():
    """Which BLAS serves PyTorch's matrix products: the file libblas.so.3 resolved to, once one has run."""
    torch.mm(torch.ones(16, 16), torch.ones(16, 16))
    with open("/proc/self/maps") as maps:
        mapped = {line.split()[-1] for line in maps if "/libblas.so" in line}
    if not mapped:
        return "bundled"
    for kind in ("openblas", "blis", "mkl"):
        if any(kind in path for path in mapped):
            return kind
    return "reference"


def images_per_second(name, batch, seconds, images, labels, warmup=3):
    build, optimizer_name, _ = PRESETS[name]
    model = build()
    model.train()
    optimizer = make_optimizer(optimizer_name, model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(images.shape[0])
    steps_per_pass = images.shape[0] // batch

    def step(k):
        rows = order[(k % steps_per_pass) * batch: (k % steps_per_pass + 1) * batch]
        optimizer.zero_grad()
        loss_fn(model(images[rows]), labels[rows]).backward()
        optimizer.step()

    for k in range(warmup):
        step(k)
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        step(warmup + steps)
        steps += 1
    return steps * batch / (time.perf_counter() - started), sum(p.numel() for p in model.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", action="append", choices=sorted(PRESETS), help="repeatable; default: all")
    parser.add_argument("--batch", action="append", type=int, help="repeatable; default: the preset's walkthrough batch size")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--require-fast-blas", action="store_true", help=f"exit {REFERENCE_BLAS_EXIT} on the reference BLAS")
    parser.add_argument("--params-only", action="store_true", help="print the parameter counts and exit (no data, no timing)")
    args = parser.parse_args()
    names = args.preset or list(PRESETS)
    if args.params_only:
        for name in names:
            print(json.dumps({"preset": name, "params": sum(p.numel() for p in PRESETS[name][0]().parameters())}))
        return
    torch.set_num_threads(args.threads)
    blas = blas_library()
    if blas == "reference":
        print("torch_presets: PyTorch runs on the reference BLAS, several times slower than on OpenBLAS: "
              "apt-get install libopenblas0-openmp", file=sys.stderr)
        if args.require_fast_blas:
            sys.exit(REFERENCE_BLAS_EXIT)
    torch.manual_seed(0)
    images, labels, _test_images = fashion_mnist()
    for name in names:
        for batch in args.batch or [PRESETS[name][2]]:
            speed, params = images_per_second(name, batch, args.seconds, images, labels)
            print(json.dumps({
                "preset": name, "batch": batch, "framework": f"torch {torch.__version__}", "threads": args.threads,
                "blas": blas, "params": params, "train_img_per_s": round(speed, 1),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }), flush=True)


if __name__ == "__main__":
    main()
