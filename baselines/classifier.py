"""``classifier``: a scikit-learn logistic regression over sparse, one-hot token features.

Each token is described by itself and its neighbours, plus what real English says about it:

- the word, its neighbours, and the bigrams it forms with them; shape and case;
- how frequent it is in English (wordfreq Zipf value, bucketed);
- how common its bigrams with its neighbours are on the web (wordsegment's Google n-gram
  counts): a spun bigram ("weighty rain") is usually rare or unseen where the original ("heavy
  rain") is common;
- thesaurus relations (Moby): how many synonyms the word has, and how much more common the
  bigrams with its neighbours would be if one of its more frequent synonyms stood in its place,
  i.e. whether a more ordinary wording fits the context better.

Numeric values are bucketed so that a linear model can learn non-linear effects. Feature
strings seen at least ``min_count`` times in training become columns (a plain dictionary
look-up per feature is faster here than hashing). Document scores come from token scores (the harness's default).
"""

from __future__ import annotations

import math

import numpy as np

from harness.core.lexical import load_moby, zipf
from harness.core.tokens import normalize
from harness.evaluation.contract import Interval


class _Resources:
    """English statistics, loaded once per process."""

    def __init__(self, n_synonyms: int):
        import wordsegment

        wordsegment.load()
        self.unigrams = wordsegment.UNIGRAMS
        self.bigrams = wordsegment.BIGRAMS
        self.moby = load_moby()
        self.zipf = zipf
        self.n_synonyms = n_synonyms
        self._syn: dict[str, tuple[str, ...]] = {}

    def synonyms(self, w: str) -> tuple[str, ...]:
        """The word's most frequent single-word Moby synonyms."""
        syns = self._syn.get(w)
        if syns is None:
            cands = [s for s in self.moby.get(w, ()) if s.isalpha() and s.islower()]
            cands.sort(key=lambda s: -self.zipf(s))
            syns = self._syn[w] = tuple(cands[: self.n_synonyms])
        return syns

    def bigram(self, a: str, b: str) -> float:
        return math.log10(self.bigrams.get(f"{a} {b}", 0.0) + 1.0)


_RESOURCES: dict[int, _Resources] = {}


def _resources(n_synonyms: int) -> _Resources:
    if n_synonyms not in _RESOURCES:
        _RESOURCES[n_synonyms] = _Resources(n_synonyms)
    return _RESOURCES[n_synonyms]


def _shape(tok: str) -> str:
    if tok.isalpha():
        if tok.isupper():
            return "AA" if len(tok) > 1 else "A"
        return "Aa" if tok[0].isupper() else "a"
    if tok[:1].isdigit() or tok[:1] in "$£€":
        return "d"
    if tok.isalnum() or "-" in tok or "'" in tok or "\u2019" in tok:
        return "w-"
    return "p"


def _bucket(x: float, step: float = 0.5) -> str:
    return str(round(x / step) * step)


_HALVES = {k: str(k / 2) for k in range(-40, 41)}


def _half(x: float) -> str:
    """``_bucket(x, 0.5)`` for the hot path: a table look-up."""
    return _HALVES.get(round(x * 2)) or _bucket(x)


def _word_features(w: str, res: _Resources) -> tuple[str, ...]:
    """Frequency and thesaurus features of a (normalized) word type."""
    if not w.isalpha():
        return ()
    z = res.zipf(w)
    syns = res.synonyms(w)
    feats = (f"z={_bucket(z)}", f"ns={min(len(res.moby.get(w, ())), 400) // 50}")
    return feats + ((f"gz={_bucket(res.zipf(syns[0]) - z)}",) if syns else ())


def _pair_features(a: str, b: str, side: str, res: _Resources) -> tuple[float, float]:
    """(log10 web count of the bigram ``a b``, gain if the alpha word's best synonym stood in)."""
    here = res.bigram(a, b)
    word = b if side == "l" else a
    syns = res.synonyms(word) if word.isalpha() else ()
    if not syns:
        return here, 0.0
    if side == "l":
        return here, max(res.bigram(a, s) for s in syns) - here
    return here, max(res.bigram(s, b) for s in syns) - here


_START, _END = "<s>", "</s>"


def word_group(tok: str, res: _Resources) -> list[str]:
    """Features of the token itself."""
    w = normalize(tok)
    return [f"w={w}", *_word_features(w, res)]


def _bigram_group(w: str, neighbour: str, side: str, res: _Resources) -> list[str]:
    """Web-count features of the word ``w`` with its neighbour on ``side`` (``l`` or ``r``):
    the bigram's count, a flag for a bigram never seen with a known neighbour, and the gain if
    the word's best synonym stood in."""
    if not w.isalpha():
        return []
    count, gain = _pair_features(neighbour, w, side, res) if side == "l" else _pair_features(w, neighbour, side, res)
    feats = [f"b{side}=" + _half(count)]
    if count == 0.0 and neighbour in res.unigrams:
        feats.append(f"b{side}0")
    if res.synonyms(w):
        feats.append(f"g{side}=" + _half(gain))
    return feats


def left_group(prev: str, tok: str, res: _Resources) -> list[str]:
    """Features of the token with its left neighbour (``<s>`` at the start)."""
    p, w = normalize(prev), normalize(tok)
    return [f"p={p}", f"pw={p}|{w}", f"s={'<s>' if prev == _START else _shape(prev)}|{_shape(tok)}", *_bigram_group(w, p, "l", res)]


def right_group(tok: str, nxt: str, res: _Resources) -> list[str]:
    """Features of the token with its right neighbour (``</s>`` at the end)."""
    w, n = normalize(tok), normalize(nxt)
    return [f"n={n}", f"wn={w}|{n}", *_bigram_group(w, n, "r", res)]


def token_features(doc: list[str], res: _Resources) -> list[list[str]]:
    """Feature strings for every token of one document."""
    padded = [_START, *doc, _END]
    return [word_group(t, res) + left_group(padded[i], t, res) + right_group(t, padded[i + 2], res) for i, t in enumerate(doc)]


class ClassifierDetector:
    """Logistic regression on one-hot token features (see the module docstring).

    Parameters
    ----------
    C : inverse regularisation strength.
    min_count : features seen fewer times in training are dropped.
    n_synonyms : how many of a word's most frequent Moby synonyms are tried in its place.
    max_iter : solver iterations.
    """

    param_ranges = {"C": Interval(0, None, closed=False), "min_count": Interval(1), "n_synonyms": Interval(0), "max_iter": Interval(1)}

    def __init__(self, C: float = 0.5, min_count: int = 2, n_synonyms: int = 6, max_iter: int = 200):
        self.C = C
        self.min_count = min_count
        self.n_synonyms = n_synonyms
        self.max_iter = max_iter

    def _fill(self, cache: dict, key, feats: list[str]) -> list[int]:
        index = self.vocabulary_.get
        cols = cache[key] = [j for j in map(index, feats) if j is not None]
        return cols

    def _matrix(self, docs: list[list[str]]):
        """One-hot rows. Each token's columns are three cached pieces (the word, the word with
        its left neighbour, with its right one), so text seen before costs three look-ups."""
        from scipy.sparse import csr_matrix

        res = _resources(self.n_synonyms)
        words, lefts, rights = self.columns_
        cols: list[int] = []
        indptr = [0]
        for doc in docs:
            padded = [_START, *doc, _END]
            for i, tok in enumerate(doc):
                prev, nxt = padded[i], padded[i + 2]
                c = words.get(tok)
                cols += c if c is not None else self._fill(words, tok, word_group(tok, res))
                c = lefts.get((prev, tok))
                cols += c if c is not None else self._fill(lefts, (prev, tok), left_group(prev, tok, res))
                c = rights.get((tok, nxt))
                cols += c if c is not None else self._fill(rights, (tok, nxt), right_group(tok, nxt, res))
                indptr.append(len(cols))
        data = np.ones(len(cols), dtype=np.float32)
        return csr_matrix((data, np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(self.vocabulary_)))

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        import sys
        from collections import Counter

        from sklearn.linear_model import LogisticRegression
        from tqdm.auto import tqdm

        res = _resources(self.n_synonyms)
        counts = Counter(f for doc in tqdm(docs, desc="classifier: features", unit="doc", disable=None) for feats in token_features(doc, res) for f in feats)
        kept = sorted(f for f, c in counts.items() if c >= self.min_count)
        self.vocabulary_ = {f: j for j, f in enumerate(kept)}
        # Column caches for the word, left-pair and right-pair pieces of the training text:
        # learned state, kept in the fitted detector so a cached fit predicts at full speed.
        self.columns_ = ({}, {}, {})
        X = self._matrix(docs)
        y = np.array([v for lab in labels for v in lab])
        print(f"classifier: fitting logistic regression on {X.shape[0]:,} tokens x {X.shape[1]:,} features...", file=sys.stderr)
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear").fit(X, y)
        return self

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        if not any(docs):
            return [[] for _ in docs]
        proba = self.model_.predict_proba(self._matrix(docs))[:, 1]
        out, k = [], 0
        for doc in docs:
            out.append(proba[k : k + len(doc)].tolist())
            k += len(doc)
        return out
