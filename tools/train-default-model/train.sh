#!/bin/sh
# Reproduces models/playground-mini: dataset + tokenizer + training + ONNX export, then the eval report.
#   apt-get install -y python3-torch python3-numpy python3-onnx libopenblas0-pthread fortunes dict-devil dict-jargon wamerican
#   tools/train-default-model/train.sh            # resumes from tools/train-default-model/work/ckpt.pt if present
# Extra arguments go to train.py (e.g. --steps 300 --out /tmp/m for a quick run).
# Stop early (keeping the last checkpoint, then export): touch tools/train-default-model/work/STOP
set -e
cd "$(dirname "$0")/../.."
OUT=models/playground-mini
for a in "$@"; do case "$prev" in --out) OUT="$a";; esac; prev="$a"; done
nice -n 5 /usr/bin/python3 tools/train-default-model/train.py --out "$OUT" \
    --stop-file tools/train-default-model/work/STOP "$@"
/usr/bin/python3 tools/train-default-model/eval.py --model "$OUT"
