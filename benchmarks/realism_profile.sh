#!/usr/bin/env bash
# The realism profile of every built split next to the real spinners (the table in docs/dataset.md):
# `spinbench profile` on data/, as a Markdown table; --check fails if news/test leaves a range.
set -euo pipefail
cd "$(dirname "$0")/.."
spinbench profile --split all --format markdown "$@"
spinbench profile news --check > /dev/null && echo "news/test: every statistic inside its range"
