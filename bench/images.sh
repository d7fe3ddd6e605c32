#!/usr/bin/env bash
# images.sh — image folders against IDX on the same pictures: first-pass decode rate, cache-hit load time, and training
# samples/s of the same network from both (the target: image folders >= 90 % of IDX).
#
# Usage: bench/images.sh [--limit N] [--format png|jpeg] [--keep]
#   --limit N   pictures per set written from Fashion-MNIST (default 60000: the whole training set, and 10000 test)
#   --format    the files written (default png; jpeg is lossy, so the two trainings then see slightly different pixels)
#   --keep      keep the work folder and print where it is
# Needs Debian's dataset-fashion-mnist. Everything runs one after the other with --threads 2 (the machine's cores).
# Output: lines "images <what>: <value>" for scripts, and the run folders' samples/s.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
limit=60000; format=png; keep=0
while (($#)); do
  case "$1" in
    --limit) limit="$2"; shift ;;
    --format) format="$2"; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "images.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || { echo "images.sh: install dataset-fashion-mnist" >&2; exit 2; }
work="$(mktemp -d -t netforge-images.XXXXXX)"
cleanup() { if ((keep)); then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
export NETFORGE_HOME="$work/home"   # an empty cache: the first load decodes, the second hits
"$root/netforge" --help >/dev/null

"$root/netforge" data export "$root/specs/fashion_mlp.yaml" "$work/pictures" --format "$format" --limit "$limit" >&2
n=$(find "$work/pictures" -type f | wc -l)
echo "images files: $n $format pictures, $(du -sh "$work/pictures" | cut -f1)"

# The same MLP on the pictures (gray, 28x28, no resize) and on the IDX files.
sed -e 's|^name: fashion_mlp|name: pictures_mlp|' \
    -e "s|^  dataset: .*|  dataset: {images: {train: $work/pictures/train, test: $work/pictures/test, color: gray}}|" \
    -e '/^labels:/d' "$root/specs/fashion_mlp.yaml" > "$work/pictures_mlp.yaml"

t0=$(date +%s.%N)
"$root/netforge" data inspect "$work/pictures_mlp.yaml" > "$work/inspect1.out" 2> "$work/inspect1.err"
t1=$(date +%s.%N)
"$root/netforge" data inspect "$work/pictures_mlp.yaml" > "$work/inspect2.out" 2> "$work/inspect2.err"
t2=$(date +%s.%N)
grep -h "images: decoded .* pictures in" "$work/inspect1.err" | sed 's/^/images first pass: /'
echo "images first load (list, decode, cache write, inspect): $(echo "$t1 - $t0" | bc) s"
echo "images cache-hit load (list, stat, read the cache, inspect): $(echo "$t2 - $t1" | bc) s"

for spec in "$work/pictures_mlp.yaml" "$root/specs/fashion_mlp.yaml"; do
  name=$(basename "$spec" .yaml)
  "$root/netforge" train "$spec" --epochs 3 --limit "$limit" --threads 2 --quiet --no-report --out "$work/$name" > "$work/$name.out" 2>&1
  /usr/bin/python3 - "$work/$name" "$name" <<'PY'
import json, statistics, sys
run, name = sys.argv[1], sys.argv[2]
history = json.load(open(run + "/history.json"))
accuracy = json.load(open(run + "/metrics.json"))["test_accuracy"]
speed = statistics.median(e["samples_per_second"] for e in history)
print(f"images train {name}: {speed:.0f} samples/s (median of {len(history)} epochs), test accuracy {accuracy:.4f}")
PY
done
