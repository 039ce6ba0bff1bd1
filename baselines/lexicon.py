"""``lexicon``: a list of known spun phrases, as the research-integrity community uses today.

Learned from the train split: every n-gram (1 to ``max_n`` tokens) that appears entirely inside
a spun region is a candidate phrase; for each, the detector counts how often it appears spun and
how often it appears at all, so a phrase that is usually innocent ("the", "company") scores low.
A token's score is the highest smoothed spun-rate of the known phrases covering it:

    p(phrase) = (spun + alpha * prior) / (seen + alpha)

where ``prior`` is the spun rate of tokens whose word was seen only once in training (the best
guess for a word the lexicon knows too little about); words never seen in training get it too.

An external list can be added with ``--model-args lexicon=FILE``: a UTF-8 text file, one phrase
per line, optionally followed by a tab and its expected original (``counterfeit
consciousness<TAB>artificial intelligence``); lines starting with ``#`` are comments; or a
Problematic Paper Screener export (a CSV whose header names ``Fingerprint - Tortured Phrase``,
read by :mod:`baselines.fingerprints`), its tortured phrases with their ``Expected Text``. Its
phrases score ``external_score`` unless the training counts know better.

Matching is one pass per document over a dictionary of n-grams with a prefix set, so most tokens
cost one or two dictionary look-ups.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from harness.core.tokens import normalize, tokenize
from harness.evaluation.contract import Interval, check_docs, check_fitted


def read_external_lexicon(path: str | Path) -> dict[tuple[str, ...], str]:
    """Phrase (as normalized tokens) -> expected original ('' when not given)."""
    out: dict[tuple[str, ...], str] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read lexicon file {path}: {err}") from None
    from baselines.fingerprints import FINGERPRINT_COLUMN, read_fingerprints

    if lines and FINGERPRINT_COLUMN in lines[0]:  # a Screener export
        return {tuple(normalize(t.text) for t in tokenize(row.fingerprint)): row.expected for row in read_fingerprints(path)}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, original = line.partition("\t")
        key = tuple(normalize(t.text) for t in tokenize(phrase))
        if not key:
            raise ValueError(f"{path}:{n}: empty phrase")
        out[key] = original.strip()
    return out


# The longest phrase max_n may ask for: fitting costs grow with max_n for every token (a
# max_n of 99999 ran for minutes), while spun phrases are a few tokens long.
MAX_PHRASE_TOKENS = 16


class LexiconDetector:
    """Score tokens by the spun-rates of the known phrases that cover them.

    Parameters
    ----------
    max_n : longest phrase, in tokens (at most ``MAX_PHRASE_TOKENS``).
    min_spun : a phrase of two or more tokens must have been seen spun this often to be listed.
    alpha : smoothing strength towards ``prior``.
    lexicon : optional path of an external phrase list (see the module docstring).
    external_score : score of external phrases the training data never saw.
    """

    param_ranges = {"max_n": Interval(1, MAX_PHRASE_TOKENS), "min_spun": Interval(1), "alpha": Interval(0), "external_score": Interval(0, 1)}

    def __init__(self, max_n: int = 4, min_spun: int = 2, alpha: float = 2.0, lexicon: str | None = None, external_score: float = 0.9):
        self.max_n = max_n
        self.min_spun = min_spun
        self.alpha = alpha
        self.lexicon = lexicon
        self.external_score = external_score

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        docs = check_docs(docs, labels, fitting=True)
        keys = [[normalize(t) for t in doc] for doc in docs]
        spun: Counter = Counter()
        for doc, lab in zip(keys, labels):
            for i in range(len(doc)):
                for n in range(1, self.max_n + 1):
                    if i + n > len(doc) or not lab[i + n - 1]:
                        break
                    if all(lab[i : i + n]):
                        spun[tuple(doc[i : i + n])] += 1
        phrases = {g for g, c in spun.items() if len(g) == 1 or c >= self.min_spun}
        seen: Counter = Counter()
        for doc in keys:
            for i in range(len(doc)):
                seen[(doc[i],)] += 1
                for n in range(2, self.max_n + 1):
                    g = tuple(doc[i : i + n])
                    if len(g) == n and g in phrases:
                        seen[g] += 1
        once = [w for w, c in seen.items() if c == 1 and len(w) == 1]
        self.prior_ = sum(spun[w] for w in once) / len(once) if once else 0.5
        scores = {}
        for g in phrases | {w for w in seen if len(w) == 1}:
            scores[g] = (spun[g] + self.alpha * self.prior_) / (seen[g] + self.alpha)
        if self.lexicon:
            for g in read_external_lexicon(self.lexicon):
                scores.setdefault(g, self.external_score)
        # Phrases are stored as space-joined strings (tokens never contain spaces): cheaper to
        # build and hash than tuples in the matching loop.
        self.scores_ = {" ".join(g): v for g, v in scores.items()}
        self.prefixes_ = {" ".join(g[:k]) for g in scores for k in range(1, len(g))}
        return self

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        check_fitted(self, "scores_", method="predict_token_proba")
        docs = check_docs(docs)
        scores, prefixes, prior, max_n = self.scores_, self.prefixes_, self.prior_, self.max_n
        get = scores.get
        out = []
        for doc in docs:
            keys = list(map(normalize, doc))
            best = [get(k, prior) for k in keys]
            size = len(keys)
            for i, g in enumerate(keys):
                n = 1
                while g in prefixes and n < max_n and i + n < size:
                    g = g + " " + keys[i + n]
                    n += 1
                    s = get(g)
                    if s is not None:
                        for j in range(i, i + n):
                            if s > best[j]:
                                best[j] = s
            out.append(best)
        return out
