"""The restoration track: recover the original wording of spun text, and score it.

A *restorer* is given a spun document's tokens and spans of it (the gold spans, or a detector's
own) and returns, for each span, a ranked list of candidate original wordings. The package
stands on the evaluation side (it reuses its bootstrap, provenance and file helpers) and the
ground floor; the evaluation side never imports it.

- :mod:`~harness.restoration.contract`: the :class:`Restorer` protocol and its optional hooks;
- :mod:`~harness.restoration.conformance`: :func:`check_restorer`;
- :mod:`~harness.restoration.registry`: names of the reference restorers (lazy);
- :mod:`~harness.restoration.kinds`: the edit kinds results are broken down by;
- :mod:`~harness.restoration.metrics`: one pure function per metric;
- :mod:`~harness.restoration.items`: what is restored in a split (gold spans, detector spans);
- :mod:`~harness.restoration.scoring`: every number with its bootstrap interval;
- :mod:`~harness.restoration.predictions`, :mod:`~harness.restoration.results`: the files;
- :mod:`~harness.restoration.run`: ``restore`` / ``rescore_restoration``, the pipeline;
- :mod:`~harness.restoration.leaderboard`: the restoration table and its ``--check``.

See ``docs/restoration.md``.
"""
