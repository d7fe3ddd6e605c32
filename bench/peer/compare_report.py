#!/usr/bin/env python3
"""Reads the per-spec results compare.sh left in a work folder and prints the comparison.

Usage: python3 compare_report.py WORKDIR [--accuracy] [--torchsharp] SPEC...

For each SPEC, WORKDIR/SPEC/ holds:
  nf/history.json, nf/metrics.json, nf/spec.resolved.yaml   the `netforge train --out` run folder
  nf.launch, pt.launch     wall-clock launch time (Unix seconds) of each process
  nf.time, pt.time         `/usr/bin/time -v` output (peak RSS, elapsed)
  pt.json                  the PyTorch peer's record (train_peer.py --json)
  ts/, ts.launch, ts.time  with --torchsharp: the same as nf* for `netforge train --engine torchsharp`
Speed = median over epochs of (training samples / training-loop seconds) for both engines.
Startup = launch -> first batch: for NetForge the modification time of spec.resolved.yaml, which the
trainer writes immediately before its first batch; for the peer its own first-batch timestamp.
The table goes to stdout, then one line per spec: `speed <spec>: netforge <x> samples/s, pytorch <y> samples/s, ratio <r>`.
"""
import json
import os
import statistics
import sys


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_float(path):
    try:
        with open(path) as f:
            return float(f.read().strip())
    except (OSError, ValueError):
        return None


def peak_rss_mb(path):
    """'Maximum resident set size (kbytes): N' from GNU time -v, in MB."""
    try:
        with open(path) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.rsplit(":", 1)[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


def netforge_result(d, run="nf"):
    hist = read_json(os.path.join(d, run, "history.json"))
    metrics = read_json(os.path.join(d, run, "metrics.json"))
    launch = read_float(os.path.join(d, run + ".launch"))
    r = dict(speed=None, acc=None, rss=peak_rss_mb(os.path.join(d, run + ".time")), startup=None, epochs=0, params=None,
             alloc=None, gc=None, epoch_s=None)
    if not hist:
        r["rss"] = None
    else:
        r["speed"] = statistics.median(e["samples_per_second"] for e in hist)
        r["epoch_s"] = statistics.median(e["seconds"] for e in hist)
        r["epochs"] = len(hist)
    if metrics:
        r["acc"] = metrics.get("test_accuracy")
        r["params"] = metrics.get("parameter_count")
        a, g = metrics.get("allocated_bytes_per_step"), metrics.get("gc_pause_fraction")
        r["alloc"] = a if isinstance(a, (int, float)) else None     # NaN is written as the string "NaN"
        r["gc"] = g * 100 if isinstance(g, (int, float)) else None
    marker = os.path.join(d, run, "spec.resolved.yaml")
    if launch is not None and os.path.exists(marker):
        r["startup"] = os.stat(marker).st_mtime - launch
    return r


def pytorch_result(d):
    rec = read_json(os.path.join(d, "pt.json"))
    launch = read_float(os.path.join(d, "pt.launch"))
    r = dict(speed=None, acc=None, rss=peak_rss_mb(os.path.join(d, "pt.time")), startup=None, epochs=0, params=None, epoch_s=None)
    if not rec:
        r["rss"] = None   # the peer failed (or has no network for this spec): its memory means nothing
    else:
        r["speed"] = rec["samples_per_second_median"]
        r["epoch_s"] = statistics.median(e["train_seconds"] for e in rec["epochs"])
        r["acc"] = rec["test_accuracy"]
        r["epochs"] = len(rec["epochs"])
        r["params"] = rec["params"]
        if launch is not None and rec.get("first_batch_unix"):
            r["startup"] = rec["first_batch_unix"] - launch
    return r


def fmt(v, f, missing="-"):
    return missing if v is None else format(v, f)


def torchsharp_table(work, rows, show_acc):
    """NetForge's TorchSharp engine beside the own engine and the PyTorch peer: speed, s/epoch (median), memory, accuracy."""
    head = ["spec", "epochs", "TorchSharp samples/s", "s/epoch TS", "s/epoch NF", "s/epoch PT", "NF/TS", "PT/TS",
            "TS peak RSS MB", "TS startup s"]
    if show_acc:
        head += ["TS test acc", "NF test acc", "PT test acc"]
    table = [head]
    for spec, nf, pt, _ in rows:
        ts = netforge_result(os.path.join(work, spec), "ts")
        nf_ts = nf["speed"] / ts["speed"] if nf["speed"] and ts["speed"] else None
        pt_ts = pt["speed"] / ts["speed"] if pt["speed"] and ts["speed"] else None
        row = [spec, str(ts["epochs"]), fmt(ts["speed"], ",.0f"), fmt(ts["epoch_s"], ".2f"), fmt(nf["epoch_s"], ".2f"),
               fmt(pt["epoch_s"], ".2f"), fmt(nf_ts, ".2f"), fmt(pt_ts, ".2f"), fmt(ts["rss"], ",.0f"), fmt(ts["startup"], ".2f")]
        if show_acc:
            row += [fmt(ts["acc"], ".4f"), fmt(nf["acc"], ".4f"), fmt(pt["acc"], ".4f")]
        table.append(row)
    return table


def print_table(table):
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for k, r in enumerate(table):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    work, rest = argv[0], argv[1:]
    show_acc = "--accuracy" in rest
    show_ts = "--torchsharp" in rest
    specs = [s for s in rest if s not in ("--accuracy", "--torchsharp")]
    rows, lines, notes = [], [], []
    for spec in specs:
        d = os.path.join(work, spec)
        nf, pt = netforge_result(d), pytorch_result(d)
        ratio = nf["speed"] / pt["speed"] if nf["speed"] and pt["speed"] else None
        rows.append((spec, nf, pt, ratio))
        if nf["params"] and pt["params"] and nf["params"] != pt["params"]:
            notes.append(f"warning: {spec}: NetForge has {nf['params']} parameters, the PyTorch peer {pt['params']}: not the same network")
        lines.append(f"speed {spec}: netforge {fmt(nf['speed'], '.0f', 'n/a')} samples/s, "
                     f"pytorch {fmt(pt['speed'], '.0f', 'n/a')} samples/s, ratio {fmt(ratio, '.2f', 'n/a')}")

    head = ["spec", "epochs", "NetForge samples/s", "PyTorch samples/s", "ratio", "NF peak RSS MB", "PT peak RSS MB",
            "NF startup s", "PT startup s", "NF alloc B/step", "NF GC %"]
    if show_acc:
        head += ["NF test acc", "PT test acc"]
    table = [head]
    for spec, nf, pt, ratio in rows:
        row = [spec, f"{nf['epochs']}/{pt['epochs']}", fmt(nf["speed"], ",.0f"), fmt(pt["speed"], ",.0f"), fmt(ratio, ".2f"),
               fmt(nf["rss"], ",.0f"), fmt(pt["rss"], ",.0f"), fmt(nf["startup"], ".2f"), fmt(pt["startup"], ".2f"),
               fmt(nf["alloc"], ",.0f"), fmt(nf["gc"], ".2f")]
        if show_acc:
            row += [fmt(nf["acc"], ".4f"), fmt(pt["acc"], ".4f")]
        table.append(row)
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    for n in notes:
        print(n)
    print()
    if show_ts:
        print_table(torchsharp_table(work, rows, show_acc))
        print()
        for spec, _, _, _ in rows:
            ts = netforge_result(os.path.join(work, spec), "ts")
            lines.append(f"speed {spec}: torchsharp {fmt(ts['speed'], '.0f', 'n/a')} samples/s")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
