#!/usr/bin/python3
"""PyTorch twin of `./wengert train`: the same models and recipes on Fashion-MNIST.

    /usr/bin/python3 bench/reference/train.py [--model cnn-s|lenet5|cnn-bn] [--epochs 2]
        [--batch 64] [--threads 2] [--data DIR] [--seed 0] [--json]

Models (nn.Sequential, so state-dict keys match Wengert's model.safetensors):
  cnn-s:  Conv(1,32,3,p1)-ReLU-MaxPool2 - Conv(32,64,3,p1)-ReLU-MaxPool2 - Flatten -
          Linear(3136,128)-ReLU - Linear(128,10); SGD lr 0.01 momentum 0.9
  lenet5: Conv(1,6,5,p2)-ReLU-MaxPool2 - Conv(6,16,5)-ReLU-MaxPool2 - Flatten -
          Linear(400,120)-ReLU-Linear(120,84)-ReLU-Linear(84,10); Adam 1e-3
  cnn-bn: Conv(1,32,3,p1)-BN-ReLU-MaxPool2 - Conv(32,64,3,p1)-BN-ReLU-MaxPool2 - Flatten -
          Linear(3136,128)-ReLU-Dropout(0.25)-Linear(128,10); Adam 1e-3
Data: the four gzipped IDX files (default /usr/share/datasets/fashion-mnist, from
`apt-get install dataset-fashion-mnist`), normalised with mean 0.2860 and std 0.3530,
shuffled each epoch, batches of 64 (the last one partial), cross entropy.

--json prints one object per epoch (epoch, train_loss, train_acc, test_loss, test_acc,
seconds) and a final one (final, model, epochs, test_acc, seconds_per_epoch, peak_rss_mb),
the same fields as `./wengert train --json`.
"""

import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, split):
    images = read_idx(os.path.join(directory, split + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, split + "-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None, :, :].copy())
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def model_and_optimizer(name):
    if name == "cnn-s":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    if name == "lenet5":
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)
    if name == "cnn-bn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)
    sys.exit("unknown model %r; valid models: cnn-s, lenet5, cnn-bn" % name)


def evaluate(model, x, y):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            logits = model(x[i:i + 1000])
            loss += F.cross_entropy(logits, y[i:i + 1000], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + 1000]).sum().item()
    return loss / len(x), correct / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="cnn-s")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if not os.path.isdir(args.data):
        sys.exit("missing %s: apt-get install dataset-fashion-mnist" % args.data)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    model, optimizer = model_and_optimizer(args.model)
    total_seconds = 0.0
    test_acc = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(x_train))
        loss_sum, correct = 0.0, 0
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            xb, yb = x_train[idx], y_train[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        test_loss, test_acc = evaluate(model, x_test, y_test)
        seconds = time.perf_counter() - start
        total_seconds += seconds
        row = {"epoch": epoch, "train_loss": round(loss_sum / len(order), 6), "train_acc": round(correct / len(order), 6),
               "test_loss": round(test_loss, 6), "test_acc": round(test_acc, 6), "seconds": round(seconds, 3)}
        print(json.dumps(row) if args.json else
              "epoch %d/%d  train loss %.4f  train acc %.2f%%  test loss %.4f  test acc %.2f%%  %.1f s"
              % (epoch, args.epochs, row["train_loss"], 100 * row["train_acc"], test_loss, 100 * test_acc, seconds))
        sys.stdout.flush()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    final = {"final": True, "model": args.model, "epochs": args.epochs, "test_acc": round(test_acc, 6),
             "seconds_per_epoch": round(total_seconds / args.epochs, 3), "peak_rss_mb": round(peak_rss_mb, 1)}
    print(json.dumps(final) if args.json else
          "%s: test acc %.2f%% after %d epochs, %.1f s per epoch, peak RSS %.0f MB (torch %s, %d threads)"
          % (args.model, 100 * test_acc, args.epochs, final["seconds_per_epoch"], peak_rss_mb, torch.__version__, args.threads))


if __name__ == "__main__":
    main()
