"""Floor detectors that set the floor every real method must clear: ``random`` and
``all-spun``. They need no training."""

from __future__ import annotations

import hashlib

import numpy as np


class RandomDetector:
    """Uniform random token scores, seeded, and the same for a document however it is batched
    (each document's generator is keyed on the seed and the document's tokens)."""

    requires_fit = False

    def __init__(self, seed: int = 0):
        self.seed = seed

    def fit(self, docs, labels):
        return self

    def predict_token_proba(self, docs):
        out = []
        for doc in docs:
            key = hashlib.sha256(("\x1f".join(doc) + f"\x1e{self.seed}").encode()).digest()
            rng = np.random.default_rng(int.from_bytes(key[:8], "big"))
            out.append(rng.random(len(doc)).tolist())
        return out


class AllSpunDetector:
    """Calls every token spun: recall 1, precision = the spun-token rate."""

    requires_fit = False

    def __init__(self):
        pass

    def fit(self, docs, labels):
        return self

    def predict_token_proba(self, docs):
        return [[1.0] * len(doc) for doc in docs]
