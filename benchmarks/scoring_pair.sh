#!/usr/bin/env bash
# Scoring speed (benchmarks/scoring_speed.py: score_split on the full news test split, all levels,
# 1,000 resamples, against seqeval's strict span P/R/F1 on the same labels) of this checkout
# paired against another commit's, in one run: old, new, old, new.
#
#   bash benchmarks/scoring_pair.sh 44b6811^     # the scoring before the run-layer and ranking work
#
# The other commit is checked out in a temporary git worktree; each side runs its own
# scoring_speed.py with its own code (PYTHONPATH) on this checkout's data. Run it on a quiet
# machine: the figures are the two side by side, not absolutes.
set -euo pipefail
old=${1:?give the commit to pair against}
here=$(git rev-parse --show-toplevel)
data=${SPINBENCH_DATA:-$here/data}
tmp=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$here" worktree add --detach -q "$tmp/old" "$old"
run() {  # label, code folder
    PYTHONPATH="$2" python "$2/benchmarks/scoring_speed.py" --dataset "$data" --repeat 5 2>/dev/null \
        | awk -v label="$1" -v commit="$(git -C "$2" rev-parse --short HEAD)" '
            /score_split/ {ours = $NF} /seqeval strict/ {theirs = $NF} /^ratio/ {ratio = $5}
            END {printf "| %s | %s | %s | %s | %s |\n", label, commit, ours, theirs, ratio}'
}
echo "| scoring | commit | spinbench | seqeval | ratio |"
echo "|---|---|---:|---:|---:|"
for round in 1 2; do
    run "old, round $round" "$tmp/old"
    run "new, round $round" "$here"
done
