"""``spinbench report``: the static HTML report built from ``results/``."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.options import add_debug_argument


def cmd_report(args: argparse.Namespace) -> int:
    from harness.core.paths import writable_location
    from harness.evaluation.results import ResultsError
    from harness.report.runs import load_inputs
    from harness.report.site import build_report

    writable_location(Path(args.out), "the report (--out)")  # before the results are read
    source = args.runs if args.runs is not None else args.results
    try:
        inputs = load_inputs(Path(source), args.models, args.configs, args.dataset, progress=True, runs=args.runs is not None)
    except ResultsError as err:
        if args.runs is not None:
            raise
        raise ResultsError(
            f"{err} (--results holds leaderboard entries, <model>/<config>.json: for your own runs, "
            "`spinbench report --runs runs/`)"
        ) from None
    index = build_report(inputs, Path(args.out), results_dir=source, progress=True)
    pages = f", {plural(len(inputs.restoration), 'restoration page')}" if inputs.restoration else ""
    print(f"wrote {Path(args.out)}/ ({plural(len(inputs.models), 'model')}, {plural(len(inputs.configs), 'config')}, "
          f"{plural(len(inputs.runs), 'error browser')}{pages}): open {index}")
    return 0


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def add_report_command(sub) -> None:
    r = sub.add_parser("report", help="write a static HTML report (leaderboard, curves, breakdowns, error browser, restoration pages) from results/")
    r.add_argument("--results", default="results", help="results folder of leaderboard entries (default: results)")
    r.add_argument("--runs", default=None, metavar="DIR", help="report on ordinary runs instead (evaluate without --submit: DIR/<name>/<config>.<split>.json)")
    r.add_argument("--models", default=None, help="comma-separated models or restorers (folders in --results, --results/restore); default: all")
    r.add_argument("--configs", default=None, help="comma-separated configs; default: every config with results")
    r.add_argument("--dataset", default=None, help="dataset with the gold labels (default: $SPINBENCH_DATA, else data/)")
    r.add_argument("--out", default="report", help="folder to write (default: report); replaced if it holds an earlier report")
    add_debug_argument(r)
    r.set_defaults(func=cmd_report)
