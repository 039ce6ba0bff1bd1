#!/usr/bin/env bash
# Reproduces every committed restoration result and the restoration table of leaderboard.md:
# each restoration baseline on every config (harness.core.configs.CONFIGS; one process per
# restorer, refitted with --no-cache, as benchmarks/run_baselines.sh does), on the gold spans
# and, end to end, on the spans the detector $SPANS_FROM flags (default: transformer, whose
# leaderboard entries must be in results/ first: benchmarks/run_baselines.sh). Then
# reverse-rules with the phrasebook's own tables (runs/, not submitted) and the context model's speed
# figure. Needs the built dataset and committed code (entries record the commit).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
restorers=${RESTORERS:-"keep reverse-thesaurus reverse-rules context ranker"}
spans_from=${SPANS_FROM:-transformer}
for restorer in $restorers; do
  evaluate --task restore --model "$restorer" --config all --spans-from "$spans_from" --no-cache --submit
done
evaluate --task restore --model reverse-rules --model-args phrasebook=True --name reverse-rules-phrasebook
spinbench leaderboard
spinbench leaderboard --check
python benchmarks/restoration_context_speed.py
