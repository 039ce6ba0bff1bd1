#!/usr/bin/env bash
# Reproduces every committed result and leaderboard.md: each registered detector on every
# config (harness.core.configs.CONFIGS), in one process per detector (--config all: the default
# config first, refitted with --no-cache so that the fit is measured, then the held-out configs
# with that fit, each entry recording its own peak memory); then
# benchmarks/threshold_transfer.py measures the threshold rule on them (its other rules' cuts come
# from the validation predictions stored with each entry). Needs the built dataset (spinbench
# build) and the embedding extra. Timings: docs/baselines.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
models=${MODELS:-"all-spun random lexicon classifier embedding transformer"}
for model in $models; do
  evaluate --model "$model" --config all --no-cache --submit
done
spinbench leaderboard
python benchmarks/threshold_transfer.py
