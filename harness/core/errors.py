"""The base of every error that is the user's to fix (bad input, missing data, a detector that
breaks its contract). The command line prints these as one line; anything else is a bug and
keeps its traceback."""


class SpinbenchError(Exception):
    """A problem with what the user gave spinbench, explained in one line."""
