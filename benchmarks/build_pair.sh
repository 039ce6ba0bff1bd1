#!/usr/bin/env bash
# The full build (every config, `spinbench build --num-proc 2`) of this checkout paired against
# the build of another commit, in one run: old, new, old, new, each timed (wall and CPU seconds).
#
#   bash benchmarks/build_pair.sh d7e6c23        # the commit before the issue-18/19 data revision
#
# The other commit is checked out in a temporary git worktree and run with this checkout's
# virtual environment (each build runs in its own code's folder, with PYTHONPATH pointing there). Builds go to temporary
# folders, checked against neither's committed fingerprints (they may differ by design). Each
# commit has its own empty cache ($SPINBENCH_CACHE), so round 1 is a first build on a fresh
# clone (phrase rules derived, no GloVe neighbour lists kept) and round 2 a warm one. Run it on a
# quiet machine: the figures are the two builds side by side, not absolutes.
set -euo pipefail
old=${1:?give the commit to pair against}
here=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$here" worktree add --detach -q "$tmp/old" "$old"
run() {  # label, code folder, cache folder
    local out="$tmp/data-$1"
    rm -rf "$out"
    # from the code's own folder: `python -m` puts the working folder ahead of PYTHONPATH
    if ! (cd "$2" && /usr/bin/time -f "%e %U %S" -o "$tmp/time" env PYTHONPATH="$2" SPINBENCH_CACHE="$3" python -m harness.cli.main build \
        --num-proc 2 --out "$out" --update-fingerprints >"$tmp/log" 2>&1); then
        echo "the $1 build failed; the end of its output:" >&2
        tail -n 15 "$tmp/log" >&2
        exit 1
    fi
    local commit
    commit=$(git -C "$2" rev-parse --short HEAD)
    [ -z "$(git -C "$2" status --porcelain -- harness baselines)" ] || commit="$commit + uncommitted changes"
    awk -v label="$1" -v commit="$commit" '{printf "| %s | %s | %.1f | %.1f |\n", label, commit, $1, $2 + $3}' "$tmp/time"
}
echo "| build | commit | wall s | CPU s |"
echo "|---|---|---:|---:|"
for round in 1 2; do
    run "old, round $round" "$tmp/old" "$tmp/cache-old"
    run "new, round $round" "$here" "$tmp/cache-new"
done
for round in 1 2; do
    for side in old new; do
        [ -f "$tmp/data-$side, round $round/fingerprints.json" ] || { echo "round $round: the $side build wrote no fingerprints.json"; continue 2; }
    done
    if cmp -s "$tmp/data-old, round $round/fingerprints.json" "$tmp/data-new, round $round/fingerprints.json"; then
        echo "round $round: the two builds' content fingerprints are identical"
    else
        echo "round $round: the two builds' content fingerprints differ"
    fi
done
