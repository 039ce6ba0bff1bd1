"""Command-line options shared by several commands, each defined once.

``spinbench evaluate`` and the ``evaluate`` alias take :func:`add_evaluate_arguments`;
``spinbench detect`` shares the model options with them.
"""

from __future__ import annotations

import argparse
import sys

from harness.core.checks import is_probability
from harness.core.configs import ALL_CONFIGS, CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
from harness.runs.bootstrap import DEFAULT_RESAMPLES

TASKS = ("detect", "restore")  # evaluate --task: detection (the default), or the restoration track


def probability(text: str) -> float:
    """An argparse type: a finite number in [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not is_probability(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number in [0, 1]")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


class _OldSpelling(argparse.Action):
    """An option's value under its current name, from an older spelling too (with a warning)."""

    def __call__(self, parser, namespace, values, option_string=None):
        if option_string != self.option_strings[0]:
            print(f"{parser.prog}: warning: {option_string} is now {self.option_strings[0]}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_out_argument(parser: argparse.ArgumentParser, help: str, default: str | None = None, old: tuple[str, ...] = ()) -> None:
    """``--out``: where every command writes (``old``: spellings an earlier version used, still
    accepted with a warning)."""
    parser.add_argument("--out", *old, dest="out", default=default, action=_OldSpelling, help=help)


def add_debug_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")


def add_model_arguments(parser: argparse.ArgumentParser, *, predictions_file: bool, threshold: bool = True) -> None:
    what = "registered name, hf:PATH_OR_HUB_ID (a saved token-classification model), import path package.module:Class" + (
        ", or a predictions .jsonl.gz file" if predictions_file else "")
    parser.add_argument("--model", required=True, help=what)
    parser.add_argument("--model-args", default="", help="hyperparameters: k=v,k2=v2 (quote a value that holds a comma: lexicon=\"a,b.txt\")")
    parser.add_argument("--dataset", default=None, help="dataset folder (default: $SPINBENCH_DATA, else data/) or a hub id; detectors are fitted on its news/train")
    if threshold:
        parser.add_argument("--threshold", type=probability, default=None, help="token threshold instead of the one chosen on news/validation")
    parser.add_argument("--no-cache", action="store_true", help="refit even if a fitted detector is cached")
    parser.set_defaults(writes_fit_cache=True)  # a fit is stored even with --no-cache: checked before any work


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    from harness.restoration.registry import RESTORERS

    add_model_arguments(parser, predictions_file=True)
    parser.add_argument("--doc-threshold", type=probability, default=None, help="document threshold instead of the one chosen on news/validation")
    parser.add_argument("--config", default=None, help=f"{', '.join(CONFIGS)} (default {DEFAULT_CONFIG}, or the one a predictions file's header names), "
                        f"{ALL_CONFIGS} for each of them in turn, or wild for imported pairs")
    parser.add_argument("--split", default=None, help=f"train, validation or {EVALUATION_SPLIT} (default {EVALUATION_SPLIT}, or the one a predictions file's header names)")
    parser.add_argument("--submit", action="store_true", help="write the leaderboard entry results/<name>/<config>.json (test split, validation thresholds only)")
    add_out_argument(parser, "folder for the results (default: runs/, or results/ with --submit)", old=("--output-dir",))
    parser.add_argument("--name", default=None, help="name for the results folder (default: the model); letters, digits, -_.")
    parser.add_argument("--bootstrap", type=positive_int, default=DEFAULT_RESAMPLES, help=f"bootstrap resamples for the intervals (default {DEFAULT_RESAMPLES:,}, the leaderboard's)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (leaderboard entries use 0)")
    parser.add_argument("--allow-dirty", action="store_true", help="let code with uncommitted changes make a leaderboard entry, saying so in it")
    parser.add_argument("--task", choices=TASKS, default=TASKS[0], help="detect (default): score a detector; restore: score a restorer "
                        f"(--model {', '.join(RESTORERS)} or module:Class) on recovering the original wording, docs/restoration.md")
    parser.add_argument("--spans-from", default=None, help="--task restore: also restore the spans this detector flags (a detection results .json, "
                        "or a detector with a leaderboard entry in results/) and score the text end to end")
    add_debug_argument(parser)
