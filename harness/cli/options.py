"""Command-line options shared by several commands, each defined once.

``spinbench evaluate`` and the ``evaluate`` alias take :func:`add_evaluate_arguments`;
``spinbench detect`` shares the model options with them.
"""

from __future__ import annotations

import argparse

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT


def add_debug_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")


def add_model_arguments(parser: argparse.ArgumentParser, *, predictions_file: bool) -> None:
    what = "registered name, import path package.module:Class" + (", or a predictions .jsonl.gz file" if predictions_file else "")
    parser.add_argument("--model", required=True, help=what)
    parser.add_argument("--model-args", default="", help="hyperparameters: k=v,k2=v2")
    parser.add_argument("--dataset", default=None, help="dataset folder (default: data/) or a hub id; detectors are fitted on its news/train")
    parser.add_argument("--threshold", type=float, default=None, help="token threshold instead of the one chosen on news/validation")
    parser.add_argument("--no-cache", action="store_true", help="refit even if a fitted detector is cached")


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser, predictions_file=True)
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"{', '.join(CONFIGS)} (default {DEFAULT_CONFIG})")
    parser.add_argument("--split", default=EVALUATION_SPLIT)
    parser.add_argument("--output-dir", default="results")
    parser.add_argument("--name", default=None, help="name for the results folder (default: the model)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    add_debug_argument(parser)
