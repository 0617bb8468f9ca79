#!/usr/bin/env bash
# Runs ON the GPU machine, from the repository root, in one device call once every part made by prepare.sh has
# arrived under /tmp/gpu-parts (see README.md). Writes its figures and logs to $OUT (or ./gpu-out).
#   tools/gpu-check/device.sh
set -uo pipefail
out=${OUT:-gpu-out}; mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/summary.txt"; }

# 1. The self-contained app, reassembled and checked.
if [ ! -x /tmp/gpu-app/app/gptplayground ]; then
  cat /tmp/gpu-parts/app.tar.xz.part-* > /tmp/app.tar.xz
  echo "$(cat /tmp/gpu-parts/app.sha256)  /tmp/app.tar.xz" | sha256sum -c - | tee -a "$out/summary.txt" || { log "parts do not reassemble"; exit 1; }
  mkdir -p /tmp/gpu-app && xz -d < /tmp/app.tar.xz | tar -C /tmp/gpu-app -xf -
fi
app=/tmp/gpu-app/app/gptplayground

# 2. CUDA 13 + cuDNN 9 user-space libraries: the image's PyTorch brings them as pip packages (nvidia-*).
nv=$(python3 -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]) + "/nvidia")' 2>/dev/null || true)
if [ -n "$nv" ]; then
  export LD_LIBRARY_PATH="$(find "$nv" -name lib -type d | tr '\n' ':')${LD_LIBRARY_PATH:-}"
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee -a "$out/summary.txt"

# 3. Correctness: CUDA greedy tokens equal CPU (fp32, a batch of two prompts), fp16 runs on CUDA, auto picks CUDA.
m=/tmp/gpu-models; mkdir -p $m
$app synth-model --out $m/small --layers 4 --hidden 256 --heads 8 --vocab 1000 --force >>"$out/summary.txt"
$app synth-model --out $m/small16 --layers 4 --hidden 256 --heads 8 --vocab 1000 --fp16 --force >>"$out/summary.txt"
for p in cpu cuda; do
  $app generate --model $m/small --prompt-ids 5,6,7,8,9 --prompt-ids 10,11 --max-new-tokens 32 --provider $p --json > "$out/greedy-$p.json" 2>"$out/greedy-$p.err"
done
python3 - "$out" <<'PY' | tee -a "$out/summary.txt"
import json, sys
out = sys.argv[1]
cpu, cuda = (json.load(open(f"{out}/greedy-{p}.json")) for p in ("cpu", "cuda"))
ids = lambda r: [s["tokens"] for s in r["sequences"]]
print("provider:", cuda.get("provider"), "| greedy tokens cuda == cpu:", ids(cpu) == ids(cuda))
PY
$app generate --model $m/small16 --prompt-ids 5,6,7 --max-new-tokens 16 --provider cuda --json > "$out/fp16-cuda.json" 2>&1; log "fp16 on cuda rc=$?"
$app generate --model $m/small --prompt-ids 5,6,7 --max-new-tokens 4 --provider auto 2>&1 >/dev/null | head -3 | tee -a "$out/summary.txt"

# 4. Benchmarks: GPT-2-small fp32 and a ~1B fp16 model, batch 1 and 8 (the KV cache stays in device memory).
$app synth-model --out $m/gpt2s --layers 12 --hidden 768 --heads 12 --vocab 50257 --force >>"$out/summary.txt"
$app synth-model --out $m/b1 --layers 24 --hidden 2048 --heads 16 --vocab 32000 --fp16 --external-data --force >>"$out/summary.txt"
for model in gpt2s b1; do for batch in 1 8; do
  log "bench $model batch $batch"
  $app bench --model $m/$model --provider cuda --prompt-tokens 128 --new-tokens 128 --runs 5 --batch $batch 2>&1 | tee -a "$out/summary.txt"
done; done
