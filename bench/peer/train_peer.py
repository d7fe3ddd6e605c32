#!/usr/bin/env python3
"""Train one of the five seed networks with PyTorch (eager, CPU): the peer of `netforge train`.

Usage: python3 train_peer.py --model mlp [--epochs N] [--limit N] [--threads 2] [--seed 1234] [--json FILE] [--ftz]

Mirrors `netforge train`: --limit keeps the first N training images before the validation split;
each epoch shuffles with a seeded generator and keeps the last partial batch; after each epoch the
validation set (or the test set when there is no validation_split) is evaluated, outside the timed
training loop. samples/s of an epoch = training samples / training-loop seconds, as in NetForge's
history.json. Run it under the fair configuration (see bench/README.md): OpenBLAS with its
SkylakeX kernel via LD_LIBRARY_PATH and OPENBLAS_CORETYPE; this script sets 2 threads.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import build, load_mnist, make_optimizer, split_train  # noqa: E402


def evaluate(model, x, y, flat, bs=1000):
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], bs):
            xb = x[i:i + bs]
            if flat:
                xb = xb.reshape(xb.shape[0], 784)
            out = model(xb)
            loss += F.cross_entropy(out, y[i:i + bs], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + bs]).sum().item()
    return correct / x.shape[0], loss / x.shape[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--epochs", type=int, default=None, help="default: the spec's epochs")
    ap.add_argument("--limit", type=int, default=None, help="train on the first N images (before the validation split)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--json", default=None, help="write the run record here")
    ap.add_argument("--quiet", action="store_true", help="print only the final result")
    ap.add_argument("--data", default=None, help="a folder with the four IDX files (raw or .gz) instead of MNIST's cache")
    ap.add_argument("--ftz", action="store_true", help="torch.set_flush_denormal(True); not PyTorch's default, so off")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.ftz:
        torch.set_flush_denormal(True)
    model, spec = build(args.model)
    epochs = args.epochs or spec["epochs"]
    xtr, ytr, xte, yte = load_mnist(args.data)
    if args.limit is not None:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    n_train = split_train(xtr.shape[0], spec["validation_split"])
    if n_train < xtr.shape[0]:
        xval, yval, val_is_test = xtr[n_train:], ytr[n_train:], False
    else:
        xval, yval, val_is_test = xte, yte, True
    xtr, ytr = xtr[:n_train].contiguous(), ytr[:n_train].contiguous()
    flat = spec["flat"]
    if flat:
        xtr = xtr.reshape(n_train, 784)
    bs = spec["batch"]
    opt = make_optimizer(spec, model.parameters())
    gen = torch.Generator().manual_seed(args.seed + 1)
    n_params = sum(p.numel() for p in model.parameters())
    say = (lambda *_: None) if args.quiet else (lambda s: print(s, flush=True))
    say(f"{args.model}: {n_params} params, {n_train} train samples, batch {bs}, {epochs} epochs, threads {torch.get_num_threads()}")

    record = dict(model=args.model, params=n_params, train_samples=n_train, batch=bs, epochs=[],
                  threads=torch.get_num_threads(), torch=torch.__version__,
                  openblas_coretype=os.environ.get("OPENBLAS_CORETYPE"), ftz=args.ftz,
                  ld_library_path=os.environ.get("LD_LIBRARY_PATH", ""), validation_is_test=val_is_test)
    first_batch = None
    for ep in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n_train, generator=gen)
        tot_loss, correct = 0.0, 0
        if first_batch is None:
            first_batch = time.time()
        t0 = time.perf_counter()
        for i in range(0, n_train, bs):   # the last partial batch is kept, as in Keras and NetForge
            idx = perm[i:i + bs]
            xb, yb = xtr.index_select(0, idx), ytr.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            tot_loss += loss.item() * yb.shape[0]
            correct += (out.argmax(1) == yb).sum().item()
        seconds = time.perf_counter() - t0
        val_acc, val_loss = evaluate(model, xval, yval, flat)
        rec = dict(epoch=ep, loss=tot_loss / n_train, accuracy=correct / n_train, val_loss=val_loss, val_accuracy=val_acc,
                   train_seconds=seconds, samples_per_second=n_train / seconds)
        record["epochs"].append(rec)
        say(f"  epoch {ep}/{epochs}: {seconds:.2f} s ({rec['samples_per_second']:.0f} samples/s) loss {rec['loss']:.4f} "
            f"val_accuracy {val_acc:.4f}")

    test_acc, test_loss = evaluate(model, xte, yte, flat)
    rates = [e["samples_per_second"] for e in record["epochs"]]
    record.update(first_batch_unix=first_batch, samples_per_second_median=statistics.median(rates),
                  test_accuracy=test_acc, test_loss=test_loss)
    print(f"test_loss: {test_loss:.4f} - test_accuracy: {test_acc:.4f} - {len(rates)} epochs - "
          f"{record['samples_per_second_median']:.0f} samples/s (median)", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)


if __name__ == "__main__":
    main()
