"""The ``spinbench`` command (``build``, ``align``, ``profile``, ``evaluate``, ``detect``, ``export``, ``leaderboard``, ``cache``,
``report``) and
the ``evaluate`` alias.

One error policy for every command: a :class:`~harness.core.errors.SpinbenchError` (bad input,
missing data, a detector that breaks its contract) is printed as one line, ``PROG: error: ...``,
with exit status 2 (``--debug`` shows its traceback too); any other exception is a bug in
spinbench or a detector and keeps its traceback.

Library code reports progress through :mod:`logging`; the commands show the ``harness`` and
``baselines`` loggers' messages on stderr (:func:`harness.runs.logs.configure_logging`). The current folder is put
on the import path, as ``python -m`` does, so ``--model mydet:MyDetector`` finds ``./mydet.py``.
"""

from __future__ import annotations

import argparse
import atexit
import errno
import os
import signal
import sys
import traceback

from harness.cli.corpus_commands import add_corpus_commands
from harness.cli.evaluation_commands import add_evaluation_commands, cmd_evaluate
from harness.cli.options import add_evaluate_arguments
from harness.cli.report_command import add_report_command
from harness.core.errors import SpinbenchError
from harness.runs.logs import configure_logging


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


# Errors of the disk a command writes to, said in one line: each file is written whole or not at
# all (harness.core.files), so what was there before stays as it was.
DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


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
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except OSError as err:
        if err.errno not in DISK_ERRORS:
            raise
        where = f" {err.filename}" if err.filename else ""
        print(f"{prog}: error: cannot write{where}: {err.strerror}; files written before are as they were (each file is written whole or not at all)",
              file=sys.stderr)
        return 2
    except SystemExit as err:  # parsing is done: only a model's code ends the run this way
        print(f"{prog}: error: the run was ended by sys.exit({err.code!r}) in a model's code (a detector or restorer returns its answer; "
              "it may not end the process)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # a second Ctrl-C while the process winds down (exit handlers): no second traceback
        atexit.register(signal.signal, signal.SIGINT, signal.SIG_IGN)
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


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
