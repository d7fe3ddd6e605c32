#!/usr/bin/env bash
# Packs the netforge tool (NetForge.Tool) and the NetForge.* libraries into artifacts/ (Release, deterministic).
# Usage: tools/pack.sh [extra dotnet pack arguments, e.g. -o <dir>]
# Install the tool from there:
#   dotnet tool install --tool-path <dir> --add-source artifacts NetForge.Tool --version <version>
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet pack NetForge.sln -c Release -nologo "$@"
ls -1 artifacts/*.nupkg 2>/dev/null || true
