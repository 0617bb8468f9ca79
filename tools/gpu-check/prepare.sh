#!/usr/bin/env bash
# Runs on the development machine (no GPU needed). Publishes the app self-contained for linux-x64 (the .NET runtime,
# ONNX Runtime 1.31 from the NuGet package Microsoft.ML.OnnxRuntime.Gpu, its 284 MB CUDA provider), compresses it and
# splits it into parts small enough to travel to the GPU machine one device call at a time (the device tool carries at
# most 64 MiB per call, working tree included; the GPU machine has no network, so no NuGet there).
#   tools/gpu-check/prepare.sh [PART_MIB]      -> .gpu-carry/app.tar.xz.part-NN + app.sha256  (git-ignored)
set -euo pipefail
cd "$(dirname "$0")/../.."
part_mib=${1:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish src/GptPlayground -c Release -r linux-x64 --self-contained -o "$work/app" -v q -nologo
# Not needed on the GPU machine: GenAI's CPU library (bench --compare-genai is a CPU comparison) and TensorRT.
rm -f "$work/app/libonnxruntime-genai.so" "$work/app/libonnxruntime_providers_tensorrt.so" "$work/app/"*.pdb
du -sh "$work/app"
tar -C "$work" -cf - app | xz -T0 -6 > "$work/app.tar.xz"
rm -rf .gpu-carry && mkdir -p .gpu-carry
sha256sum "$work/app.tar.xz" | cut -d' ' -f1 > .gpu-carry/app.sha256
split -b "${part_mib}M" -d "$work/app.tar.xz" .gpu-carry/app.tar.xz.part-
ls -la .gpu-carry
echo "carry each part in its own device call, back to back while the machine stays warm (tools/gpu-check/README.md)"
