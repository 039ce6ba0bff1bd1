"""The ``evaluate`` command: ``evaluate --model X [--config news] [--split test] ...``.

Prints a table of scores with 95% intervals and writes ``results/<model>/<config>.json`` and
the per-token predictions beside it. Expected failures are one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import sys


def format_table(results: dict) -> str:
    def cell(m):
        if m["value"] is None:
            return "   n/a"
        lo, hi = m["ci95"]
        ci = f"[{lo:.3f}, {hi:.3f}]" if lo is not None else ""
        return f"{m['value']:.3f} {ci}"

    s = results["scores"]
    d = results["dataset"]
    lines = [
        f"model {results['model']['name']} on {d['config']}/{d['split']} ({d['documents']} documents, {d['tokens']:,} tokens; "
        f"dataset {d['fingerprint'][:12]}); thresholds token {results['thresholds']['token']:.4f}, document {results['thresholds']['document']:.4f}",
        "",
        f"{'level':<14}{'precision':>24}{'recall':>24}{'F1':>24}",
    ]
    for key, label in (("token", "token"), ("span_strict", "span (strict)"), ("span_partial", "span (partial)"), ("document", "document")):
        lines.append(f"{label:<14}" + "".join(f"{cell(s[key][m]):>24}" for m in ("precision", "recall", "f1")))
    lines.append(f"{'document':<14}  AUROC {cell(s['document']['auroc'])}   AUPRC {cell(s['document']['auprc'])}")
    for kind, table in s["breakdown"].items():
        lines += ["", f"token scores by {kind.replace('_', ' ')}:", f"  {'group':<16}{'docs':>6}{'tokens':>9}{'precision':>11}{'recall':>9}{'F1':>24}"]
        for key, row in table.items():
            p, r = row["precision"]["value"] or 0.0, row["recall"]["value"] or 0.0
            lines.append(f"  {key:<16}{row['documents']:>6}{row['tokens']:>9}{p:>11.3f}{r:>9.3f}{cell(row['f1']):>24}")
    t = results["throughput"]
    speed = f"{t['tokens_per_second']:,.0f} tokens/s" if t["tokens_per_second"] else "n/a (predictions file)"
    lines += ["", f"throughput {speed}; peak memory {t['peak_memory_mb']:,.0f} MB" + (f"; fit {t['fit_seconds']:.1f}s" if t.get("fit_seconds") else "")]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evaluate", description="Score a detector on a spinbench split.")
    p.add_argument("--model", required=True, help="registered name, import path package.module:Class, or a predictions .jsonl.gz file")
    p.add_argument("--config", default="news", help="news (default), unseen-spinner or unseen-domain")
    p.add_argument("--split", default="test")
    p.add_argument("--model-args", default="", help="hyperparameters: k=v,k2=v2")
    p.add_argument("--dataset", default=None, help="local dataset folder (default: data/) or a hub id")
    p.add_argument("--output-dir", default="results")
    p.add_argument("--name", default=None, help="name for the results folder (default: the model)")
    p.add_argument("--threshold", type=float, default=None, help="token threshold instead of the one chosen on validation")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--no-cache", action="store_true", help="refit even if a fitted detector is cached")
    return p


def main(argv: list[str] | None = None) -> int:
    from harness.dataset import DatasetNotFound
    from harness.evaluate import evaluate
    from harness.registry import UnknownModel, parse_model_args
    from harness.results import ResultsError

    args = build_parser().parse_args(argv)
    try:
        if args.bootstrap < 1:
            raise ValueError("--bootstrap must be at least 1")
        results = evaluate(
            args.model, config=args.config, split=args.split, model_args=parse_model_args(args.model_args), dataset=args.dataset,
            output_dir=args.output_dir, name=args.name, n_boot=args.bootstrap, seed=args.seed, threshold=args.threshold, use_cache=not args.no_cache,
        )
    except (DatasetNotFound, UnknownModel, ResultsError, ValueError, KeyError) as err:
        msg = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"evaluate: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("evaluate: interrupted; nothing was written", file=sys.stderr)
        return 130
    print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
