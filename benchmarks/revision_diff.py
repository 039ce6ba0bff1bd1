"""What moved between two data revisions: every committed result's token F1 and AUPRC at an
older commit beside the working tree's, and the gap between ``news``/test and the held-out
configs (news minus each held-out config, and minus their mean).

    python benchmarks/revision_diff.py d7e6c23          # before issues 18-19's data revision

The older results are read from git (``git show COMMIT:results/...``), so it needs the
repository's history, not a checkout of the old commit. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from harness.core.configs import CONFIGS

ROOT = Path(__file__).resolve().parent.parent
CONFIG_ORDER = tuple(CONFIGS)


def results_at(commit: str | None, root: Path = ROOT) -> dict[tuple[str, str], dict]:
    """(model, config) -> detection results JSON, at ``commit`` (None: the working tree)."""
    if commit is None:
        paths = {str(p.relative_to(root)): p.read_text() for p in sorted((root / "results").glob("*/*.json"))}
    else:
        listing = subprocess.run(["git", "-C", str(root), "ls-tree", "-r", "--name-only", commit, "results/"],
                                 capture_output=True, text=True, check=True).stdout.split()
        paths = {p: subprocess.run(["git", "-C", str(root), "show", f"{commit}:{p}"], capture_output=True, text=True, check=True).stdout
                 for p in listing if p.count("/") == 2 and p.endswith(".json")}
    out = {}
    for text in paths.values():
        res = json.loads(text)
        out[(res["model"]["name"], res["dataset"]["config"])] = res
    return out


def _scores(res: dict | None) -> tuple[float, float, float | None] | None:
    """Pooled token F1, token AUPRC and the per-document token F1 (None where a result predates it)."""
    if not res:
        return None
    per_document = res["scores"].get("per_document", {}).get("token_f1", {}).get("value")
    return res["scores"]["token"]["f1"]["value"], res["scores"]["token"]["auprc"]["value"], per_document


def table(before: dict, after: dict) -> str:
    models = sorted({m for m, _ in after}, key=lambda m: -(after.get((m, "news"), {}).get("scores", {}).get("token", {}).get("f1", {}).get("value") or 0))
    held_out = [c for c in CONFIG_ORDER if c != "news"]
    lines = ["| model | config | token F1 before | token F1 after | AUPRC before | AUPRC after | per-document F1 before | after |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    gaps = ["| model | news - held-out mean, token F1 before | after | news - held-out mean, AUPRC before | after |", "|---|---:|---:|---:|---:|"]
    for model in models:
        for config in CONFIG_ORDER:
            b, a = _scores(before.get((model, config))), _scores(after.get((model, config)))
            cell = lambda x, i: f"{x[i]:.3f}" if x and x[i] is not None else "–"  # noqa: E731
            lines.append(f"| `{model}` | {config} | {cell(b, 0)} | {cell(a, 0)} | {cell(b, 1)} | {cell(a, 1)} | {cell(b, 2)} | {cell(a, 2)} |")
        row = [f"`{model}`"]
        for i in (0, 1):
            for results in (before, after):
                news = _scores(results.get((model, "news")))
                others = [_scores(results.get((model, c))) for c in held_out]
                others = [o[i] for o in others if o]
                row.append(f"{news[i] - sum(others) / len(others):+.3f}" if news and others else "–")
        gaps.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n\n" + "\n".join(gaps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the older commit (its committed results/)")
    args = parser.parse_args()
    print(table(results_at(args.commit), results_at(None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
