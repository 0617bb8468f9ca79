#!/usr/bin/env bash
# Runs on the development machine (no GPU needed). Fetches the CUDA execution-provider plugin from npm,
# compresses it and splits it into parts small enough to travel to the GPU machine one call at a time
# (the device tool carries at most 64 MiB per call, working tree included).
#   tools/gpu-check/prepare.sh [PART_MB]      -> .gpu-carry/provider.xz.part-NN  (git-ignored)
set -euo pipefail
cd "$(dirname "$0")/../.."
part_mb=${1:-28}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --no-audit --no-fund --prefix "$work" com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 >/dev/null
lib="$work/node_modules/com.github.asus4.onnxruntime.linux-x64-gpu/Plugins/Linux/x64/libonnxruntime_providers_cuda.so"
rm -rf .gpu-carry && mkdir -p .gpu-carry
sha256sum "$lib" | cut -d' ' -f1 > .gpu-carry/provider.sha256
xz -T0 -6 -c "$lib" > "$work/provider.xz"
split -b "${part_mb}M" -d "$work/provider.xz" .gpu-carry/provider.xz.part-
ls -la .gpu-carry
echo "carry each part in its own device call while the machine stays warm (see tools/gpu-check/README.md)"
