"""A conformance check any detector can be run through (like scikit-learn's ``check_estimator``).

>>> from harness.evaluation.floor_detectors import RandomDetector
>>> check_detector(RandomDetector)
"""

from __future__ import annotations

from collections.abc import Callable

from harness.core.tokens import tokenize
from harness.evaluation.contract import get_params, requires_fit
from harness.evaluation.detector_calls import DetectorError, fit, predict

# Made-up sentences: a few spun (1) and clean (0) tokens, enough for any detector to fit on.
_TRAIN = [
    ("The financial institution of England raised premium rates on Thursday .", [0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
    ("Heavy rain closed three roads near the harbour .", [0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("Weighty rain shut three streets close to the harbour .", [1, 0, 1, 0, 1, 1, 1, 0, 0, 0]),
    ("Shares in the firm rose after record profits .", [0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("Offers in the firm climbed after record benefits .", [1, 0, 0, 0, 1, 0, 0, 1, 0]),
]
_TEST = [
    "The central bank kept interest rates unchanged .",
    "Counterfeit consciousness is changing how huge information is used !",
    "",
    "Rain",
]


class ConformanceError(AssertionError):
    """A detector breaks the contract in :mod:`harness.evaluation.contract`."""


def _docs(texts):
    return [[t.text for t in tokenize(s)] for s in texts]


def check_detector(make: Callable[[], object], train=None, test=None) -> None:
    """Raise :class:`ConformanceError` unless the detector made by ``make()``:

    - has the :class:`~harness.evaluation.contract.Detector` methods (``fit`` may be left out by a
      detector that sets ``requires_fit = False``: ``evaluate`` never fits one, and nor does this);
    - exposes its hyperparameters (``__init__`` keywords) as attributes and learns nothing there;
    - returns itself from ``fit`` (when it is fitted);
    - gives one finite score in [0, 1] per token (empty documents included), and one document
      score in [0, 1] per document;
    - gives the same scores when built and fitted again (seeded), and for a document whether it
      is scored alone or in a batch.
    """
    train = train or _TRAIN
    docs = _docs([s for s, _ in train])
    labels = [list(doc_labels) for _, doc_labels in train]
    if any(len(d) != len(doc_labels) for d, doc_labels in zip(docs, labels)):
        raise ConformanceError("internal: fixture labels do not match the tokenizer")
    test_docs = _docs(test or _TEST)

    if isinstance(make, str) or not callable(make):
        raise ConformanceError(f"check_detector takes the detector's class (or a function that makes one), not {make!r}")
    detector = make()
    name = type(detector).__name__
    needs_fit = requires_fit(detector)
    if not callable(getattr(detector, "predict_token_proba", None)) or (needs_fit and not callable(getattr(detector, "fit", None))):
        raise ConformanceError(
            f"{name} lacks the Detector methods: fit(docs, labels) (unless it sets requires_fit = False) and predict_token_proba(docs)"
        )
    params = get_params(detector)
    hidden = [k for k in params if not hasattr(detector, k)]
    if hidden:
        raise ConformanceError(f"{name}.__init__ does not store {hidden} under the same names: store each hyperparameter as self.<name>, "
                               "so that results record the values used")
    learned = [k for k in vars(detector) if k.endswith("_") and not k.startswith("_")]
    if learned:
        raise ConformanceError(f"{name}.__init__ sets learned attributes {learned}: only store hyperparameters there")
    ids = [f"test-{i}" for i in range(len(test_docs))]
    def fitted(d):  # as evaluate does: a detector that requires no fit is used as made
        return fit(name, d, docs, labels) if needs_fit else d

    try:
        if fitted(detector) is not detector:
            raise ConformanceError(f"{name}.fit must return self")
        if get_params(detector) != params:
            raise ConformanceError(f"{name}.fit changed its hyperparameters")
        # The same checks evaluate applies: one finite score in [0, 1] per token, one per document.
        scores, _ = predict(name, detector, ids, test_docs)
        again, _ = predict(name, fitted(make()), ids, test_docs)
        alone = [predict(name, detector, [i], [doc])[0][0] for i, doc in zip(ids, test_docs)]
    except DetectorError as err:
        raise ConformanceError(str(err)) from err
    if again != scores:
        raise ConformanceError(f"{name} is not deterministic: a second fit gave different scores")
    if any(max((abs(a - b) for a, b in zip(x, y)), default=0.0) > 1e-6 for x, y in zip(alone, scores)):
        raise ConformanceError(f"{name} scores a document differently alone and in a batch")
