#!/usr/bin/env bash
# Reproduces every committed result and leaderboard.md: each registered detector on every
# config (harness.core.configs.CONFIGS). The default config is run first with --no-cache, so
# fit time is measured and the fitted detector is cached for the held-out configs; then
# benchmarks/threshold_transfer.py measures the threshold rule on them (its other rules' cuts come
# from the validation predictions stored with each entry). Needs the built dataset (spinbench
# build) and the embedding extra. Timings: docs/baselines.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
models=${MODELS:-"all-spun random lexicon classifier embedding transformer"}
configs=$(python -c "from harness.core.configs import CONFIGS, DEFAULT_CONFIG; print(DEFAULT_CONFIG, *[c for c in CONFIGS if c != DEFAULT_CONFIG])")
for model in $models; do
  cache="--no-cache"
  for config in $configs; do
    evaluate --model "$model" --config "$config" $cache --submit
    cache=""
  done
done
spinbench leaderboard
python benchmarks/threshold_transfer.py
