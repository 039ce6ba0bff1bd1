"""spinbench's harness.

The code stands in layers, and the folders say which:

- ``harness.core``: the base layer every other part stands on (the tokenizer, the dataset's
  configs and schema, loading a split, files, English lexical resources). It imports nothing
  above it.
- ``harness.corpus``: making the data (sources, spinners, the aligner, the build, the data card,
  importing pairs from the wild, the realism profile).
- ``harness.runs``: the run layer both tracks share (options, paths, making and fitting a model,
  provenance, the bootstrap, the results base, the locked write, leaderboard admission and the
  board).
- ``harness.evaluation``: the detection track (the detector contract, the registry, reference
  detectors, conformance, metrics, thresholds, scoring, ``evaluate``, results, the leaderboard,
  ``detect``). It reaches the data only through :func:`harness.load`.
- ``harness.restoration``: the restoration track (``restore``), on the same run layer.
- ``harness.report``: the static HTML report (``spinbench report``), built on both tracks from
  results, predictions and the gold data.

``harness.cli`` holds the command-line entry points. The public names below are imported on
first use, so ``import harness`` is cheap and needs no optional dependency. A researcher's way in:
``harness.evaluate(detector_or_name, config=..., split=...)`` returns :class:`Results`
(``results.get_score("token", "f1")``); ``harness.rescore(predictions_file)`` scores stored
predictions; ``harness.check_detector(MyDetector)`` runs the conformance suite on a class.
``harness.restore(restorer_or_name, ...)`` scores a restorer on the restoration track
(``harness.restoration``; ``harness.check_restorer`` checks one). ``harness.evaluate_all`` and
``harness.restore_all`` run every config in turn; ``harness.entry_problems(results)`` says why a
run of either track could not stand on the leaderboard.

>>> import harness
>>> [t.text for t in harness.tokenize("Heavy rain fell.")]
['Heavy', 'rain', 'fell', '.']
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Token": "harness.core.tokens",
    "tokenize": "harness.core.tokens",
    "Split": "harness.core.dataset",
    "load": "harness.core.dataset",
    "Edit": "harness.core.schema",
    "Alignment": "harness.corpus.align",
    "align_texts": "harness.corpus.align",
    "align_tokens": "harness.corpus.align",
    "profile": "harness.corpus.realism",
    "evaluate": "harness.evaluation.evaluate",
    "evaluate_all": "harness.evaluation.evaluate",
    "rescore": "harness.evaluation.evaluate",
    "entry_problems": "harness.runs.admission",
    "Results": "harness.evaluation.results",
    "read_results": "harness.evaluation.results",
    "Detector": "harness.evaluation.contract",
    "Interval": "harness.evaluation.contract",
    "OneOf": "harness.evaluation.contract",
    "OPTIONAL_HOOKS": "harness.evaluation.contract",
    "check_detector": "harness.evaluation.conformance",
    "restore": "harness.restoration.run",
    "restore_all": "harness.restoration.run",
    "Restorer": "harness.restoration.contract",
    "check_restorer": "harness.restoration.conformance",
}

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("spinbench")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+unknown"

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
