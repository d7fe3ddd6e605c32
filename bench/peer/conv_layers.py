#!/usr/bin/env python3
"""Per-layer convolution timings of the PyTorch peer: forward and backward of each conv + ReLU of the two CNN
seed networks at their training batch size, as NetForge's `NetForge.Bench conv` measures its own layers.

Usage: conv_layers.py [--threads 2] [--steps 30] [cnn] [cnn_keras]
Prints one line per layer: `conv <spec> <index> <name>: forward <ms> ms, backward <ms> ms` (medians over the steps
after 5 warm-up steps). The first conv layer's input needs no gradient (as in training); later ones do.
Run it like compare.sh runs the peer (OpenBLAS alternative, OPENBLAS_CORETYPE, OMP_NUM_THREADS); convolutions go
through oneDNN, which PyTorch picks itself.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn

import peer_common

BATCH = {"cnn": 200, "cnn_keras": 128}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("specs", nargs="*", default=["cnn", "cnn_keras"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for spec in args.specs:
        model, _ = peer_common.build(spec)
        batch = BATCH[spec]
        x = torch.randint(0, 256, (batch, 1, 28, 28)).float() / 255.0
        first = True
        for index, layer in enumerate(model):
            if isinstance(layer, nn.Conv2d):
                relu = nn.ReLU()
                inp = x.detach().clone().requires_grad_(not first)
                fwd, bwd = [], []
                for step in range(args.steps + 5):
                    layer.zero_grad(set_to_none=False)
                    t0 = time.perf_counter()
                    y = relu(layer(inp))
                    t1 = time.perf_counter()
                    y.backward(torch.ones_like(y))
                    t2 = time.perf_counter()
                    if step >= 5:
                        fwd.append((t1 - t0) * 1e3)
                        bwd.append((t2 - t1) * 1e3)
                    inp.grad = None
                print(f"conv {spec} {layer.in_channels}->{layer.out_channels} {layer.kernel_size[0]}x{layer.kernel_size[1]}: "
                      f"forward {statistics.median(fwd):.2f} ms, backward {statistics.median(bwd):.2f} ms", flush=True)
                first = False
            with torch.no_grad():
                x = layer(x)


if __name__ == "__main__":
    main()
