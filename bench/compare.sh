#!/usr/bin/env bash
# compare.sh — NetForge vs PyTorch, side by side on this machine, one engine at a time.
#
# Usage: bench/compare.sh [--quick] [--epochs N] [--keep] [--install] [spec ...]
#   spec       a spec file or the name of one in specs/ (default: mlp deep_mlp dropout_mlp cnn cnn_keras)
#   --quick    3 short epochs on a subset (MLPs: first 10,240 images; cnn: 4,000; cnn_keras: 2,560), a few
#              minutes for all five on an idle machine; the median of 3 epochs drops the warm-up epoch.
#              No accuracy column (the subsets are too small to mean anything).
#   --epochs N override the epochs of both engines (default: the spec's; with --quick: 3)
#   --keep     keep the work folder (run folders, logs, /usr/bin/time reports) and print where it is
#   --install  when packages are missing and this runs as root: apt-get install them
#   --torchsharp  also train each spec with NetForge's TorchSharp engine (--engine torchsharp) at its best
#              configuration (MKL_NUM_THREADS and OMP_NUM_THREADS = 2), inside the TorchSharp lane where the host's
#              libstdc++ is too old (tools/torch-lane.sh: a cached Debian 13 root; needs root there), and add a
#              TorchSharp table: samples/s and s/epoch beside both others, peak RSS, startup, test accuracy
#   --no-infer skip the batch-1 inference table (NetForge's engine vs ONNX Runtime on the exported model) and
#              the per-layer convolution table (NetForge vs PyTorch's oneDNN, cnn and cnn_keras only)
#
# Each spec runs `./netforge train SPEC --out <tmp> --threads 2 --quiet` and then the PyTorch peer
# (bench/peer/train_peer.py) under the fair configuration (bench/README.md): Debian's /usr/bin/python3
# with python3-torch, BLAS taken from OpenBLAS (libopenblas0-openmp) with its AVX-512 kernel, 2 threads.
# Then batch-1 inference latency of each spec through NetForge's engine and through ONNX Runtime
# (bench/NetForge.Bench infer: which one to embed). Output: tables, then one line per spec for scripts:
#   speed <spec>: netforge <samples/s> samples/s, pytorch <samples/s> samples/s, ratio <r>
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
PY=/usr/bin/python3                                   # Debian's python3; a pyenv/venv python3 on PATH may lack torch
export PYTHONDONTWRITEBYTECODE=1                       # no __pycache__ in bench/peer/
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
THREADS=2

quick=0; epochs=""; keep=0; install=0; infer=1; torchsharp=0; specs=()
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --epochs) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --epochs needs a positive number" >&2; exit 2; }
              epochs="$2"; shift ;;
    --keep) keep=1 ;;
    --install) install=1 ;;
    --no-infer) infer=0 ;;
    --torchsharp) torchsharp=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) specs+=("$1") ;;
  esac
  shift
done
((${#specs[@]})) || specs=(mlp deep_mlp dropout_mlp cnn cnn_keras)

# --- prerequisites: say what is missing; install only when asked to -------------------------------
missing=()
if [[ ! -x "$PY" ]] || ! "$PY" -c 'import torch' 2>/dev/null; then missing+=(python3-torch); fi
if [[ ! -x "$PY" ]] || ! "$PY" -c 'import numpy' 2>/dev/null; then missing+=(python3-numpy); fi
[[ -e "$OPENBLAS_DIR/libblas.so.3" ]] || missing+=(libopenblas0-openmp)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  if ((install)) && [[ $(id -u) -eq 0 ]]; then
    echo "installing: ${missing[*]}" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  else
    echo "compare.sh: missing packages: ${missing[*]}" >&2
    echo "  install them with:  sudo apt-get install ${missing[*]}" >&2
    echo "  (or run this script as root with --install)" >&2
    exit 2
  fi
fi

# --- the fair PyTorch configuration ---------------------------------------------------------------
# OpenBLAS 0.3.21 does not recognise recent CPUs and falls back to a slow generic kernel: name the core.
coretype=""
if grep -qw avx512f /proc/cpuinfo; then coretype=SkylakeX
elif grep -qw avx2 /proc/cpuinfo; then coretype=Haswell
fi
peer_env=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OMP_NUM_THREADS=$THREADS)
[[ -n "$coretype" ]] && peer_env+=("OPENBLAS_CORETYPE=$coretype")

# Resolve spec arguments to (file, name); the peer knows the five seed networks by name.
files=(); names=()
for s in "${specs[@]}"; do
  if [[ -f "$s" ]]; then f="$s"; elif [[ -f "$root/specs/$s.yaml" ]]; then f="$root/specs/$s.yaml"
  else echo "compare.sh: no spec '$s' (neither a file nor specs/$s.yaml)" >&2; exit 2; fi
  n="$(sed -n 's/^name:[[:space:]]*\([A-Za-z0-9_.-]*\).*/\1/p' "$f" | head -n1)"
  [[ -n "$n" ]] || n="$(basename "$f" .yaml)"
  files+=("$(readlink -f "$f")"); names+=("$n")
done

work="$(mktemp -d -t netforge-compare.XXXXXX)"
cleanup() { if ((keep)); then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT

# Build the CLI and make sure MNIST is cached before anything is timed (the peer reads NetForge's cache).
echo "preparing: building netforge and checking the MNIST cache..." >&2
"$root/netforge" data fetch >&2
if ((torchsharp)); then
  # builds the engine plugin (.netforge/engines/torchsharp, libtorch) untimed; the lane is entered once untimed too,
  # so a first-time debootstrap is never measured
  echo "preparing: the TorchSharp engine and its lane..." >&2
  "$root/netforge" train --help --engine torchsharp >/dev/null
  (cd "$root" && tools/torch-lane.sh true) >&2
fi

limit_for() {   # --quick subset per spec: whole batches of the spec's batch size
  case "$1" in
    cnn) echo 4000 ;;          # validation_split 0.2: 3,200 train = 16 batches of 200
    cnn_keras) echo 2560 ;;    # 20 batches of 128
    *) echo 10240 ;;           # 80 batches of 128
  esac
}

now() { date +%s.%N; }

echo "load before: $(uptime | sed 's/.*load average/load average/')" >&2
for i in "${!files[@]}"; do
  f="${files[$i]}"; n="${names[$i]}"; d="$work/$n"; mkdir -p "$d"
  nf_args=(--threads "$THREADS" --quiet --no-report); pt_args=(--threads "$THREADS" --quiet)
  e="$epochs"; ((quick)) && e="${e:-3}"
  if [[ -n "$e" ]]; then nf_args+=(--epochs "$e"); pt_args+=(--epochs "$e"); fi
  if ((quick)); then l="$(limit_for "$n")"; nf_args+=(--limit "$l"); pt_args+=(--limit "$l"); fi

  echo "== $n: netforge train ${nf_args[*]}" >&2
  # rebuild first (untimed) if src/ changed meanwhile; a failed build shows up as a failed run below
  "$root/netforge" --help >/dev/null || echo "   (netforge build failed; see .netforge/build.log)" >&2
  now >"$d/nf.launch"
  if ! /usr/bin/time -v -o "$d/nf.time" "$root/netforge" train "$f" --out "$d/nf" "${nf_args[@]}" >"$d/nf.out" 2>"$d/nf.err"; then
    echo "   netforge failed:" >&2; tail -n 5 "$d/nf.err" >&2
  fi
  cat "$d/nf.out" >&2

  echo "== $n: pytorch peer ${pt_args[*]}" >&2
  now >"$d/pt.launch"
  if ! "${peer_env[@]}" /usr/bin/time -v -o "$d/pt.time" "$PY" "$here/peer/train_peer.py" --model "$n" --json "$d/pt.json" \
      "${pt_args[@]}" >"$d/pt.out" 2>"$d/pt.err"; then
    echo "   pytorch peer failed:" >&2; tail -n 5 "$d/pt.err" >&2
  fi
  cat "$d/pt.out" >&2

  if ((torchsharp)); then
    echo "== $n: netforge train --engine torchsharp ${nf_args[*]}" >&2
    now >"$d/ts.launch"
    if ! (cd "$root" && MKL_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS /usr/bin/time -v -o "$d/ts.time" tools/torch-lane.sh \
        ./netforge train "$f" --engine torchsharp --out "$d/ts" "${nf_args[@]}" >"$d/ts.out" 2>"$d/ts.err"); then
      echo "   torchsharp failed:" >&2; tail -n 5 "$d/ts.err" >&2
    fi
    cat "$d/ts.out" >&2
  fi
done
echo "load after: $(uptime | sed 's/.*load average/load average/')" >&2
echo >&2

if ((infer)); then
  echo "== batch-1 inference: NetForge engine vs ONNX Runtime (1 thread each)" >&2
  if dotnet build -c Release -nologo -v q "$root/bench/NetForge.Bench" >"$work/bench-build.log" 2>&1; then
    dotnet "$root/bench/NetForge.Bench/bin/Release/net10.0/NetForge.Bench.dll" infer --iterations 2000 "${files[@]}" | grep -v '^infer '
    echo
    conv_specs=()
    for n in "${names[@]}"; do [[ "$n" == cnn || "$n" == cnn_keras ]] && conv_specs+=("$n"); done
    if ((${#conv_specs[@]})); then
      echo "== conv layers (conv + relu) inside training steps at the spec's batch size, $THREADS threads: NetForge vs PyTorch (oneDNN)" >&2
      dotnet "$root/bench/NetForge.Bench/bin/Release/net10.0/NetForge.Bench.dll" conv --threads "$THREADS" "${conv_specs[@]}" >"$work/conv-nf.txt" || true
      "${peer_env[@]}" "$PY" "$here/peer/conv_layers.py" --threads "$THREADS" "${conv_specs[@]}" >"$work/conv-pt.txt" 2>"$work/conv-pt.err" || true
      # lines: conv <spec> <in->out> <kxk>: forward <ms> ms, backward <ms> ms
      awk 'FNR == NR { pt[$2 " " $3 " " $4] = $6 " " $9; next }
           FNR == 1 { print "| spec | layer | NetForge fwd ms | NetForge bwd ms | PyTorch fwd ms | PyTorch bwd ms | fwd+bwd ratio PyTorch/NetForge |"
                      print "|---|---|---:|---:|---:|---:|---:|" }
           { k = $2 " " $3 " " $4; split(pt[k], p, " "); r = (p[1] + p[2]) / ($6 + $9)
             sub(":", "", $4); printf "| %s | %s %s | %s | %s | %s | %s | %.2f |\n", $2, $3, $4, $6, $9, p[1], p[2], r }' \
        "$work/conv-pt.txt" "$work/conv-nf.txt"
      echo
    fi
  else
    echo "   bench build failed; see $work/bench-build.log" >&2
  fi
fi

report=("$work")
((quick)) || report+=(--accuracy)
((torchsharp)) && report+=(--torchsharp)
"$PY" "$here/peer/compare_report.py" "${report[@]}" "${names[@]}"
