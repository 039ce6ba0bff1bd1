"""The ``spinbench`` command (``build``, ``align``, ``profile``, ``evaluate``, ``detect``, ``export``, ``leaderboard``, ``cache``,
``report``) and
the ``evaluate`` alias.

One error policy for every command: a :class:`~harness.core.errors.SpinbenchError` (bad input,
missing data, a detector that breaks its contract) is printed as one line, ``PROG: error: ...``,
with exit status 2 (``--debug`` shows its traceback too); any other exception is a bug in
spinbench or a detector and keeps its traceback.

Library code reports progress through :mod:`logging`; the commands show the ``harness`` and
``baselines`` loggers' messages on stderr (:func:`configure_logging`). The current folder is put
on the import path, as ``python -m`` does, so ``--model mydet:MyDetector`` finds ``./mydet.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback

from harness.cli.corpus_commands import add_corpus_commands
from harness.cli.evaluation_commands import add_evaluation_commands, cmd_evaluate
from harness.cli.options import add_evaluate_arguments
from harness.cli.report_command import add_report_command
from harness.core.errors import SpinbenchError


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time, as ``print(..., file=sys.stderr)`` does
    (so a redirected or captured stderr gets the lines)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure_logging(level: int = logging.INFO) -> None:
    """Show the log records of spinbench's own code (``harness.*`` and ``baselines.*``) of
    ``level`` and above on stderr, the message alone. Other libraries' loggers are left as
    they are. Calling it again changes nothing but the level."""
    for name in ("harness", "baselines"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinbench", description="spinbench: build, align, evaluate, detect and rank paraphrase-corruption detection.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_corpus_commands(sub)
    add_evaluation_commands(sub)
    add_report_command(sub)
    return parser


def check_cache(args: argparse.Namespace) -> None:
    """Before a command that may store a fitted detector does any work: can the cache be written?"""
    if getattr(args, "writes_fit_cache", False):
        from harness.runs import fit_cache

        fit_cache.check_writable()


def run(prog: str, args: argparse.Namespace) -> int:
    configure_logging()
    if os.getcwd() not in sys.path:  # as `python -m` would: a detector module in the current folder imports
        sys.path.insert(0, os.getcwd())
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
