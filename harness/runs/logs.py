"""How spinbench's own log records (the ``harness`` and ``baselines`` loggers: progress, fits,
notices) reach people: the command line shows them on stderr (:func:`configure_logging`), and
so do the Python API's runs (``harness.evaluate``, ``harness.restore`` and their ``_all``
forms) in a program that has not set up logging itself (:func:`log_by_default`). A program that
has (``logging.basicConfig``, a notebook's handler) gets the records through its own handlers
instead, never twice.
"""

from __future__ import annotations

import logging
import sys

OWN_LOGGERS = ("harness", "baselines")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time, as ``print(..., file=sys.stderr)`` does
    (so a redirected or captured stderr gets the lines)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class DefaultHandler(StderrHandler):
    """:class:`StderrHandler` for a program that set up no logging of its own: silent once the
    root logger has a handler, which then shows the records (they propagate to it)."""

    def emit(self, record: logging.LogRecord) -> None:
        if not logging.getLogger().handlers:
            super().emit(record)


def _attach(handler_type: type[StderrHandler], level: int | None) -> None:
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        if level is not None:
            logger.setLevel(level)
        if handler_type is StderrHandler:  # the command line's handler replaces the API's default one
            for old in [h for h in logger.handlers if isinstance(h, DefaultHandler)]:
                logger.removeHandler(old)
        if not any(isinstance(h, StderrHandler) for h in logger.handlers):
            handler = handler_type()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)


def configure_logging(level: int = logging.INFO) -> None:
    """Show the log records of spinbench's own code of ``level`` and above on stderr, the message
    alone (the command line's way). Other libraries' loggers are left as they are. Calling it
    again changes nothing but the level."""
    _attach(StderrHandler, level)


def log_by_default() -> None:
    """Show spinbench's INFO records on stderr, as the command line does, unless the program
    chose otherwise: a level set on spinbench's loggers is kept, and a handler on the root
    logger takes the records instead (:class:`DefaultHandler`)."""
    _attach(DefaultHandler, None)
    for name in OWN_LOGGERS:
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
