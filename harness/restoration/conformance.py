"""A conformance check any restorer can be run through, as :func:`harness.check_detector` is
for detectors.

>>> from harness.restoration.floor import KeepRestorer
>>> check_restorer(KeepRestorer)
"""

from __future__ import annotations

from collections.abc import Callable

from harness.core.tokens import tokenize
from harness.evaluation.conformance import ConformanceError
from harness.evaluation.contract import get_params
from harness.restoration.contract import RestorerError, call, check_restored, requires_fit

# Made-up sentences: spun tokens, their spans and the original wording of each (no third-party text).
_TRAIN = [
    ("The financial institution of England raised premium rates on Thursday .", [(1, 3), (6, 8)], ["bank", "interest rates"]),
    ("Weighty rain shut three streets close to the harbour .", [(0, 1), (2, 3), (4, 7)], ["Heavy", "closed", "roads near"]),
    ("Offers in the firm climbed after record benefits .", [(0, 1), (4, 5), (7, 8)], ["Shares", "rose", "profits"]),
]
_TEST = [
    ("Counterfeit consciousness is changing how huge information is used !", [(0, 2), (5, 7)]),
    (_TRAIN[0][0], _TRAIN[0][1]),  # spans met in training: a restorer that looks up what it learned answers these
    ("The focal bank kept premium rates unchanged .", [(1, 2), (4, 5)]),
    ("Rain", []),
    ("", []),
]


def _tokens(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def check_restorer(make: Callable[[], object]) -> None:
    """Raise :class:`ConformanceError` unless the restorer made by ``make()``:

    - has ``restore`` (and ``fit``, unless it sets ``requires_fit = False``);
    - exposes its hyperparameters as attributes and learns nothing in ``__init__``;
    - returns itself from ``fit``;
    - returns one list per span (none for a document without spans) of strings, or of
      ``(string, confidence)`` pairs with confidences in [0, 1], no candidate longer than twice
      its span and 50 words (what ``evaluate`` refuses too), for spans unseen and seen in ``fit``;
    - gives the same candidates (and confidences) when built and fitted again, and for a span whether the
      document's other spans are asked for with it or not.
    """
    if isinstance(make, str) or not callable(make):
        raise ConformanceError(f"check_restorer takes the restorer's class (or a function that makes one), not {make!r}")
    restorer = make()
    name = type(restorer).__name__
    needs_fit = requires_fit(restorer)
    if not callable(getattr(restorer, "restore", None)) or (needs_fit and not callable(getattr(restorer, "fit", None))):
        raise ConformanceError(f"{name} lacks the Restorer methods: fit(docs, spans, originals) (unless requires_fit = False) and restore(tokens, spans)")
    params = get_params(restorer)
    hidden = [k for k in params if not hasattr(restorer, k)]
    if hidden:
        raise ConformanceError(f"{name}.__init__ does not store {hidden} under the same names")
    learned = [k for k in vars(restorer) if k.endswith("_") and not k.startswith("_")]
    if learned:
        raise ConformanceError(f"{name}.__init__ sets learned attributes {learned}: only store hyperparameters there")
    docs = [_tokens(s) for s, _, _ in _TRAIN]
    spans = [list(sp) for _, sp, _ in _TRAIN]
    originals = [list(o) for _, _, o in _TRAIN]

    def fitted(r):
        if not needs_fit:
            return r
        out = call(name, "fit", r.fit, docs, spans, originals)
        if out is not r:
            raise ConformanceError(f"{name}.fit must return self")
        return r

    def answers(r):
        return [check_restored(name, f"test-{i}", sp, call(name, "restore", r.restore, _tokens(s), list(sp))) for i, (s, sp) in enumerate(_TEST)]

    try:
        fitted(restorer)
        if get_params(restorer) != params:
            raise ConformanceError(f"{name}.fit changed its hyperparameters")
        first = answers(restorer)
        again = answers(fitted(make()))
        alone = [[tuple(part[0] for part in check_restored(name, f"test-{i}", [s], call(name, "restore", restorer.restore, _tokens(t), [s]))) for s in sp]
                 for i, (t, sp) in enumerate(_TEST)]
    except RestorerError as err:
        raise ConformanceError(str(err)) from err
    if again != first:
        raise ConformanceError(f"{name} is not deterministic: a second fit gave different candidates")
    if alone != [list(zip(*answer)) for answer in first]:
        raise ConformanceError(f"{name} restores a span differently when the document's other spans are asked for with it")
