#!/usr/bin/env bash
# Reproduces every committed result and leaderboard.md: each registered detector on every
# config. news is run first with --no-cache, so fit time is measured and the fitted detector is
# cached for the held-out configs. Needs the built dataset (spinbench build) and the
# embedding extra. About 40 minutes on 2 CPU cores for the first five, plus the transformer's
# fit (see benchmarks/transformer_fit.py) and about 10 minutes of its predictions.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
models=${MODELS:-"all-spun random lexicon classifier embedding transformer"}
for model in $models; do
  evaluate --model "$model" --config news --no-cache --submit
  evaluate --model "$model" --config unseen-spinner --submit
  evaluate --model "$model" --config unseen-domain --submit
done
spinbench leaderboard
