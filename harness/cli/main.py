"""The ``spinbench`` command (``build``, ``align``, ``profile``, ``evaluate``, ``detect``, ``export``, ``leaderboard``, ``cache``,
``report``) and
the ``evaluate`` alias.

One error policy for every command: a :class:`~harness.core.errors.SpinbenchError` (bad input,
missing data, a detector that breaks its contract) is printed as one line, ``PROG: error: ...``,
with exit status 2 (``--debug`` shows its traceback too); any other exception is a bug in
spinbench or a detector and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from harness.cli.corpus_commands import add_corpus_commands
from harness.cli.evaluation_commands import add_evaluation_commands, cmd_evaluate
from harness.cli.options import add_evaluate_arguments
from harness.cli.report_command import add_report_command
from harness.core.errors import SpinbenchError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinbench", description="spinbench: build, align, evaluate, detect and rank paraphrase-corruption detection.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_corpus_commands(sub)
    add_evaluation_commands(sub)
    add_report_command(sub)
    return parser


def check_cache(args: argparse.Namespace) -> None:
    """Before a command that stores fitted detectors does any work: can the cache be written?"""
    if getattr(args, "writes_fit_cache", False):
        from harness.core.files import cache_root
        from harness.core.paths import writable_location

        writable_location(cache_root(), "the cache of fitted detectors ($SPINBENCH_CACHE, else ~/.cache/spinbench)")


def run(prog: str, args: argparse.Namespace) -> int:
    try:
        check_cache(args)
        return args.func(args)
    except SpinbenchError as err:
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141


def main(argv: list[str] | None = None) -> int:
    return run("spinbench", build_parser().parse_args(argv))


def evaluate_main(argv: list[str] | None = None) -> int:
    """``evaluate ...``: the short alias of ``spinbench evaluate ...``."""
    parser = argparse.ArgumentParser(prog="evaluate", description="Score a detector on a spinbench split (same as `spinbench evaluate`).")
    add_evaluate_arguments(parser)
    parser.set_defaults(func=cmd_evaluate)
    return run("evaluate", parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
