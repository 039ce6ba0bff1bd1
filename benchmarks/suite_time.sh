#!/usr/bin/env bash
# Times the whole baseline suite: benchmarks/run_baselines.sh (every detector on every config,
# fits included, then the threshold table) and benchmarks/run_restoration.sh (every restorer on
# every config, on gold spans and on the transformer's spans), as a user reproducing every
# committed result runs them.
#
#   bash benchmarks/suite_time.sh            # this checkout; its results/ and leaderboard.md are rewritten
#   bash benchmarks/suite_time.sh 3a23254    # another commit, in a temporary git worktree
#
# Another commit runs in its own worktree with this checkout's virtual environment (PYTHONPATH
# pointing there) and this checkout's built data (data/ linked), so its results are thrown away
# with the worktree. Each run has its own fit cache, so every default-config fit is measured
# (the scripts pass --no-cache there anyway) and the held-out configs reuse that run's fits; the
# other kept look-ups (phrase rules, GloVe lists, NLTK data) are copied from $SPINBENCH_CACHE, as
# on any machine that has built the data. Prints each command's wall seconds, then each
# script's and the total, wall and CPU. Run it on a quiet machine.
set -euo pipefail
here=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
tmp=$(mktemp -d)
cache_from=${SPINBENCH_CACHE:-$HOME/.cache/spinbench}
code=$here
if [ $# -gt 0 ]; then
    code=$tmp/code
    git -C "$here" worktree add --detach -q "$code" "$1"
    for config in "$here"/data/*/; do ln -s "$config" "$code/data/$(basename "$config")"; done
fi
trap '[ "$code" = "$here" ] || git -C "$here" worktree remove --force "$code" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cache" "$tmp/bin"
for kept in "$cache_from"/*; do
    [ "$(basename "$kept")" = fits ] || cp -r "$kept" "$tmp/cache/"
done
# Each evaluate and spinbench call is timed by a shim ahead of the real command on PATH.
for cmd in evaluate spinbench; do
    real=$(command -v "$cmd")
    cat >"$tmp/bin/$cmd" <<EOF
#!/usr/bin/env bash
start=\$(date +%s.%N)
status=0
"$real" "\$@" || status=\$?
printf '%.1f\t%s %s\n' "\$(echo "\$(date +%s.%N) - \$start" | bc)" "$cmd" "\$*" >>"$tmp/steps.tsv"
exit \$status
EOF
    chmod +x "$tmp/bin/$cmd"
done
commit=$(git -C "$code" rev-parse --short HEAD)
[ -z "$(git -C "$code" status --porcelain -- harness baselines)" ] || commit="$commit + uncommitted changes"
echo "suite of $commit, started $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for script in run_baselines.sh run_restoration.sh; do
    (cd "$code" && /usr/bin/time -f "%e %U %S" -o "$tmp/time-$script" env PATH="$tmp/bin:$PATH" PYTHONPATH="$code" \
        SPINBENCH_CACHE="$tmp/cache" bash "benchmarks/$script" >"$tmp/log-$script" 2>&1) || {
        echo "$script failed; the end of its output:" >&2
        tail -n 20 "$tmp/log-$script" >&2
        exit 1
    }
done
echo "| seconds | command |"
echo "|---:|---|"
awk -F'\t' '{printf "| %s | `%s` |\n", $1, $2}' "$tmp/steps.tsv"
echo
echo "| script | commit | wall s | CPU s |"
echo "|---|---|---:|---:|"
for script in run_baselines.sh run_restoration.sh; do
    awk -v s="$script" -v c="$commit" '{printf "| %s | %s | %.1f | %.1f |\n", s, c, $1, $2 + $3}' "$tmp/time-$script"
done
cat "$tmp"/time-run_*.sh | awk -v c="$commit" '{w += $1; u += $2 + $3} END {printf "| the suite | %s | %.1f (%.1f min) | %.1f |\n", c, w, w / 60, u}'
echo "finished $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
