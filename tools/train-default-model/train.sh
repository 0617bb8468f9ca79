#!/bin/sh
# Reproduces models/playground-mini in one seeded command: dataset + tokenizer, phase 1 (steps 0-1300, eight
# tasks), phase 2 (steps 1300-2300, new task mix, continued from the phase-1 checkpoint with the same
# tokenizer), ONNX export, the eval report (models/playground-mini/README.md) and the eval notebook
# (prompts/eval-playground-mini.md).
#   apt-get install -y python3-torch python3-numpy python3-onnx libopenblas0-pthread fortunes dict-devil dict-jargon wamerican
#   tools/train-default-model/train.sh            # resumes from work/ckpt.pt (phase 1) / work/ckpt2.pt (phase 2) if present
# Extra arguments go to train.py (e.g. --steps 20 --extend-to 0 --phase2-to 30 --rows2 500 --out /tmp/m for a quick run).
# Stop early (keeping the last checkpoint, then export): touch tools/train-default-model/work/STOP
set -e
cd "$(dirname "$0")/../.."
OUT=models/playground-mini
for a in "$@"; do case "$prev" in --out) OUT="$a";; esac; prev="$a"; done
nice -n 5 /usr/bin/python3 tools/train-default-model/train.py --out "$OUT" \
    --stop-file tools/train-default-model/work/STOP "$@"
/usr/bin/python3 tools/train-default-model/eval.py --model "$OUT"
if [ "$OUT" = models/playground-mini ]; then
    /usr/bin/python3 tools/train-default-model/make_notebook.py
fi
