#!/bin/sh
# playground-mini v2, reproduced from a seed (tools/train-default-model/README.md, "v2"):
# held-out eval items + tokenizer + data, training (resumes from <work>/ckpt.pt), export, samples.
#   tools/train-default-model/train_v2.sh                       # work dir ~/.cache/gptplayground/train-v2, model in <work>/out
#   tools/train-default-model/train_v2.sh --out models/playground-mini   # export into the repo's model folder
# Long run in the background (outlives the shell; rerun the same line to resume):
#   mkdir -p ~/.cache/gptplayground/train-v2
#   setsid nohup tools/train-default-model/train_v2.sh >> ~/.cache/gptplayground/train-v2/train.log 2>&1 &
# Stop cleanly (checkpoint kept; rerun to resume): touch ~/.cache/gptplayground/train-v2/STOP  (remove it before resuming)
# Extra arguments go to train_v2.py (e.g. --stage export, --steps, --stop-at).
# Final stage: once training is complete, `all` (this script without --stage) exports, samples and runs the eval
# through the app's CLI (eval_v2.py: builds the app; <out>/eval.json and the table in <out>/README.md). Rerunning this
# script after training ends redoes those three; the eval alone: tools/train-default-model/train_v2.sh --stage eval
# ONE thread, low priority: the machine has two cores and the other one is left to .NET builds and tests.
set -e
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec nice -n 10 /usr/bin/python3 tools/train-default-model/train_v2.py --threads 1 "$@"
