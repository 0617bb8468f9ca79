#!/usr/bin/env bash
# Checks that GptPlayground's greedy tokens equal an independent full-recompute ONNX Runtime
# loop (reference.js, onnxruntime-node). One line per model/prompt: MATCH or MISMATCH (or ERROR);
# exits non-zero if any line is not MATCH.
#
#   tools/compat-check/check.sh [MODEL_FOLDER_OR_CATALOG_NAME ...]
#
# Default models: every folder in ../shared/compat-models (beside the repo root), or $COMPAT_MODELS.
# Environment:
#   PROMPTS   prompt id lists separated by spaces   (default "1,2,3,4,5 10,200,30,999 7")
#   STEPS     new tokens per prompt                  (default 8)
#   BATCH     1 = also decode all prompts as one engine batch and compare each row (default 1)
#   BUILD     1 = run `dotnet build src/GptPlayground` first even if a build exists (default 0)
#   BUILD_RETRIES / BUILD_WAIT  retries and seconds between them when the build fails (3 / 60)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PROMPTS="${PROMPTS:-1,2,3,4,5 10,200,30,999 7}"
STEPS="${STEPS:-8}"
BATCH="${BATCH:-1}"
BUILD="${BUILD:-0}"
BUILD_RETRIES="${BUILD_RETRIES:-3}"
BUILD_WAIT="${BUILD_WAIT:-60}"
PROJECT="$ROOT/src/GptPlayground"

# --- the node reference ------------------------------------------------------------------------
if ! command -v node >/dev/null; then echo "check.sh: node is not installed" >&2; exit 2; fi
if [ ! -d "$HERE/node_modules/onnxruntime-node" ]; then
  # --ignore-scripts: the package's postinstall only fetches CUDA/TensorRT providers;
  # the CPU runtime ships inside the npm package.
  (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund >&2) || { echo "check.sh: npm ci failed" >&2; exit 2; }
fi

# --- model folders -----------------------------------------------------------------------------
models=()
if [ "$#" -eq 0 ]; then
  dir="${COMPAT_MODELS:-$ROOT/../shared/compat-models}"
  for d in "$dir"/*/; do [ -d "$d" ] && models+=("${d%/}"); done
  if [ "${#models[@]}" -eq 0 ]; then echo "check.sh: no model folders in $dir; name some: check.sh models/mymodel" >&2; exit 2; fi
else
  for m in "$@"; do
    if [ -d "$m" ]; then models+=("$(cd "$m" && pwd)")
    elif [ -d "$ROOT/$m" ]; then models+=("$(cd "$ROOT/$m" && pwd)")
    elif [ -d "$ROOT/models/$m" ]; then models+=("$(cd "$ROOT/models/$m" && pwd)")  # a catalog name
    else echo "check.sh: no model folder '$m'" >&2; exit 2; fi
  done
fi

# --- the engine --------------------------------------------------------------------------------
built() { compgen -G "$PROJECT/bin/*/net*/gptplayground.dll" >/dev/null || compgen -G "$PROJECT/bin/*/net*/GptPlayground.dll" >/dev/null; }
if [ "$BUILD" = 1 ] || ! built; then
  ok=0
  for ((try = 1; try <= BUILD_RETRIES; try++)); do
    echo "check.sh: dotnet build src/GptPlayground (try $try/$BUILD_RETRIES)" >&2
    if (cd "$ROOT" && dotnet build src/GptPlayground -nologo -v q >/tmp/compat-check-build.$$ 2>&1); then ok=1; break; fi
    grep -E "error" /tmp/compat-check-build.$$ | sort -u | head -5 >&2
    [ "$try" -lt "$BUILD_RETRIES" ] && sleep "$BUILD_WAIT"
  done
  rm -f /tmp/compat-check-build.$$
  [ "$ok" = 1 ] || { echo "check.sh: the engine does not build" >&2; exit 2; }
fi

engine() { # engine OUTFILE --prompt-ids A [--prompt-ids B ...]
  local out="$1"; shift
  (cd "$ROOT" && dotnet run --project src/GptPlayground --no-build -- generate --model "$model" "$@" \
      --max-new-tokens "$STEPS" --json) >"$out" 2>"$out.err"
}
engine_error() { # the engine's own message, one line
  { cat "$1.err"; grep -v '^\s*$' "$1" | grep -v '^[{}]' ; } | grep -v '^\s*$' | head -3 | tr '\n' ' ' | cut -c1-400
}

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
failures=0; total=0
report() { total=$((total + 1)); [ "$1" -eq 0 ] || failures=$((failures + 1)); }

for model in "${models[@]}"; do
  name="$(basename "$model")"
  i=0; batch_args=()
  for p in $PROMPTS; do
    ref="$tmp/ref.$i.json"
    out="$tmp/eng.$i.json"
    if ! node "$HERE/reference.js" "$model" --prompt-ids "$p" --steps "$STEPS" --margins >"$ref" 2>"$ref.err"; then
      rm -f "$ref"
      if engine "$out" --prompt-ids "$p"; then eng="engine ran: $(node -e 'const t=require("fs").readFileSync(process.argv[1],"utf8");try{process.stdout.write(JSON.stringify(JSON.parse(t.slice(t.indexOf("{"))).sequences[0].tokens))}catch(e){process.stdout.write("unreadable output")}' "$out")"
      else eng="engine failed too: $(engine_error "$out")"; fi
      echo "ERROR $name prompt=$p reference.js failed: $(head -c 400 "$ref.err" | tr '\n' ' ') | $eng"; report 1; i=$((i + 1)); continue
    fi
    if engine "$out" --prompt-ids "$p"; then
      node "$HERE/compare.js" "$name prompt=$p" "$out" 0 "$ref" "$STEPS"; report $?
    else
      echo "ERROR $name prompt=$p engine failed: $(engine_error "$out") reference=$(node -e 'process.stdout.write(JSON.stringify(require(process.argv[1]).tokens))' "$ref")"
      report 1
    fi
    batch_args+=(--prompt-ids "$p"); i=$((i + 1))
  done
  if [ "$BATCH" = 1 ] && [ "$i" -gt 1 ]; then
    out="$tmp/eng.batch.json"
    if engine "$out" "${batch_args[@]}"; then
      j=0
      for p in $PROMPTS; do
        [ -s "$tmp/ref.$j.json" ] && { node "$HERE/compare.js" "$name batch[$j] prompt=$p" "$out" "$j" "$tmp/ref.$j.json" "$STEPS"; report $?; }
        j=$((j + 1))
      done
    else
      echo "ERROR $name batch of $i prompts: engine failed: $(engine_error "$out")"; report 1
    fi
  fi
  rm -f "$tmp"/*
done

echo "compat-check: $((total - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
