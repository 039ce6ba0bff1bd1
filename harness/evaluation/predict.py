"""Scoring every document of a split with a detector: the *predict* stage of ``evaluate``.

Scores are checked against the contract (:mod:`harness.evaluation.detector_calls`) and rounded
to :data:`SCORE_DECIMALS`, the precision they are stored and scored at.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from harness.core.dataset import Split
from harness.core.progress import progress
from harness.evaluation import detector_calls

SCORE_DECIMALS = 4  # predictions are stored, and scored, at this precision
BATCH_DOCUMENTS = 64


class Predictions(NamedTuple):
    token_scores: list[list[float]]
    doc_scores: list[float]
    seconds: float  # time spent predicting, after a one-document warm-up


def predict_split(name: str, detector, split: Split, desc: str, batch: int = BATCH_DOCUMENTS) -> Predictions:
    """Token and document scores of every document of ``split``, checked and rounded as stored."""
    docs = split.token_texts()
    ids = split.gold.ids
    tokens: list[list[float]] = []
    doc_scores: list[float] = []
    try:
        with progress(sum(map(len, docs)), desc, "token", unit_scale=True) as bar:  # watched from the warm-up on: a slow first call shows
            if docs:  # warm-up: lazy resource loading is not throughput
                detector_calls.predict(name, detector, ids[:1], docs[:1])
            started = time.perf_counter()
            for i in range(0, len(docs), batch):
                chunk_tokens, chunk_docs = detector_calls.predict(name, detector, ids[i : i + batch], docs[i : i + batch])
                tokens += chunk_tokens
                doc_scores += chunk_docs
                bar.update(sum(map(len, docs[i : i + batch])))
    except detector_calls.DetectorError as err:  # which split the document is in: validation's, or the scored one's
        raise type(err)(f"{err} (in {split.config}/{split.split})") from err.__cause__
    seconds = time.perf_counter() - started
    return Predictions([[round(v, SCORE_DECIMALS) for v in s] for s in tokens], [round(v, SCORE_DECIMALS) for v in doc_scores], seconds)
