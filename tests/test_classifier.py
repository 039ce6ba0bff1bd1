"""The classifier's bulk features against a straightforward per-token implementation (the one the
baseline had before it was vectorised, kept here as the oracle), and the look-up table under it."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baselines.classifier import ClassifierDetector
from baselines.classifier_features import Features, IntTable, bigrams, word_entry
from harness.core.lexical import load_moby, zipf
from harness.core.tokens import normalize, tokenize

# --- the reference: one token at a time, feature strings built directly -----------------------


class Reference:
    def __init__(self, n_synonyms: int):
        import wordsegment

        wordsegment.load()
        self.unigrams, self.bigrams, self.moby, self.n = wordsegment.UNIGRAMS, wordsegment.BIGRAMS, load_moby(), n_synonyms

    def synonyms(self, w):
        cands = [s for s in self.moby.get(w, ()) if s.isalpha() and s.islower()]
        cands.sort(key=lambda s: -zipf(s))
        return tuple(cands[: self.n])

    def bigram(self, a, b):
        return math.log10(self.bigrams.get(f"{a} {b}", 0.0) + 1.0)

    def word_group(self, tok):
        w = normalize(tok)
        if not w.isalpha():
            return [f"w={w}"]
        z, syns = zipf(w), self.synonyms(w)
        gz = [f"gz={bucket(zipf(syns[0]) - z)}"] if syns else []
        return [f"w={w}", f"z={bucket(z)}", f"ns={min(len(self.moby.get(w, ())), 400) // 50}", *gz]

    def bigram_group(self, w, neighbour, side):
        if not w.isalpha():
            return []
        syns = self.synonyms(w)
        count = self.bigram(neighbour, w) if side == "l" else self.bigram(w, neighbour)
        feats = [f"b{side}={bucket(count)}"]
        if count == 0.0 and neighbour in self.unigrams:
            feats.append(f"b{side}0")
        if syns:
            best = max(self.bigram(neighbour, s) if side == "l" else self.bigram(s, neighbour) for s in syns)
            feats.append(f"g{side}={bucket(best - count)}")
        return feats

    def token_features(self, doc):
        padded = ["<s>", *doc, "</s>"]
        out = []
        for i, tok in enumerate(doc):
            prev, nxt = padded[i], padded[i + 2]
            p, w, n = normalize(prev), normalize(tok), normalize(nxt)
            left = [f"p={p}", f"pw={p}|{w}", f"s={'<s>' if prev == '<s>' else shape(prev)}|{shape(tok)}", *self.bigram_group(w, p, "l")]
            right = [f"n={n}", f"wn={w}|{n}", *self.bigram_group(w, n, "r")]
            out.append(self.word_group(tok) + left + right)
        return out


def bucket(x, step=0.5):
    return str(round(x / step) * step)


def shape(tok):
    if tok.isalpha():
        if tok.isupper():
            return "AA" if len(tok) > 1 else "A"
        return "Aa" if tok[0].isupper() else "a"
    if tok[:1].isdigit() or tok[:1] in "$£€":
        return "d"
    if tok.isalnum() or "-" in tok or "'" in tok or "\u2019" in tok:
        return "w-"
    return "p"


# --- the tests ----------------------------------------------------------------------------------

# Padding look-alikes, a "|" inside and beside tokens, case folding (ß), curly apostrophes,
# numbers, a word no thesaurus knows, an empty and a one-token document.
ODD = [["<s>", "a", "</s>", "x|y", "|", "Weighty", "rain", "Straße", "STRASSE", "don\u2019t", "$5", "I", "Zyzzogeton"], [], ["rain"]]


UNSEEN = [["The", "weighty", "rain", "fell", "on", "Zyzzogeton", "|", "x|y", "fleet", "bungalows"], ["rain", "x"]]


def fixture_docs(paragraphs):
    return [[t.text for t in tokenize(p)] for p in paragraphs] + ODD


def small_lexicon(docs, n_synonyms):
    """The fit's lexicon restricted to these documents' Moby headwords: any other word then takes
    the path of a word that no thesaurus lists."""
    moby = load_moby()
    words = {normalize(t) for doc in docs for t in doc}
    return {w: word_entry(w, moby, n_synonyms) for w in sorted(words) if w.isalpha() and w in moby}


@pytest.mark.parametrize("n_synonyms", [6, 0])
def test_bulk_features_equal_the_per_token_reference(paragraphs, n_synonyms):
    docs = fixture_docs(paragraphs)
    families = Features(small_lexicon(docs, n_synonyms), n_synonyms).of(docs)
    ours = [[f.name(int(f.keys[i])) for f in families if f.present[i]] for i in range(len(families[0].keys))]
    ref = Reference(n_synonyms)
    theirs = [feats for doc in docs for feats in ref.token_features(doc)]
    assert len(ours) == len(theirs) > 500
    assert ours == theirs  # the same strings, in the same order, for every token


@pytest.fixture
def small_headwords(monkeypatch, paragraphs):
    """Fit with only the fixture's Moby headwords in the lexicon (the whole thesaurus takes
    seconds to rank)."""
    import baselines.classifier_features as features

    docs = fixture_docs(paragraphs) + UNSEEN
    monkeypatch.setattr(features, "_headword_lexicon", lambda n: small_lexicon(docs, n))


def test_fit_matrix_equals_the_reference_one_hot(paragraphs, small_headwords):
    """The vocabulary and the design matrix (column order within each row included) are what the
    per-token implementation gave, so the fitted model is the same."""
    from collections import Counter

    docs = fixture_docs(paragraphs)[:12] + ODD
    labels = [[int(len(t) > 6) for t in doc] for doc in docs]
    det = ClassifierDetector(max_iter=20).fit(docs, labels)
    ref = Reference(det.n_synonyms)
    feats = [f for doc in docs for f in ref.token_features(doc)]
    counts = Counter(f for fs in feats for f in fs)
    assert det.vocabulary_ == {f: j for j, f in enumerate(sorted(f for f, c in counts.items() if c >= det.min_count))}
    X = det._matrix(det._families(docs))
    rows = [[det.vocabulary_[f] for f in fs if f in det.vocabulary_] for fs in feats]
    assert [X.indices[X.indptr[i] : X.indptr[i + 1]].tolist() for i in range(X.shape[0])] == rows
    # Unseen text: the columns of new words and pairs, with and without the cached tables.
    new = UNSEEN
    X = det._matrix(det._families(new))
    assert [X.indices[X.indptr[i] : X.indptr[i + 1]].tolist() for i in range(X.shape[0])] == [
        [det.vocabulary_[f] for f in fs if f in det.vocabulary_] for doc in new for fs in ref.token_features(doc)
    ]


def test_the_fit_on_distinct_rows_is_the_fit_on_every_token(paragraphs, small_headwords):
    """Train spins each original several times, so most clean tokens' rows repeat: the fit solves
    the same problem on the distinct rows weighted by their counts, and scores as the token-by-token
    fit does (to the solver's tolerance)."""
    from sklearn.linear_model import LogisticRegression

    docs = fixture_docs(paragraphs)[:12]
    labels = [[int(len(t) > 6 and i % 3 == 0) for i, t in enumerate(doc)] for doc in docs]
    docs, labels = docs * 3 + ODD, labels * 3 + [[0] * len(doc) for doc in ODD]
    det = ClassifierDetector().fit(docs, labels)
    X = det._matrix(det._families(docs))
    y = np.array([v for lab in labels for v in lab])
    assert len(np.unique(X.toarray(), axis=0)) < X.shape[0] / 2  # the repeats are there to merge
    every_token = LogisticRegression(C=det.C, max_iter=det.max_iter, solver="liblinear").fit(X, y)
    assert np.abs(det.model_.predict_proba(X) - every_token.predict_proba(X)).max() < 2e-3
    assert np.abs(det.model_.coef_ - every_token.coef_).max() < 2e-2


def test_a_pair_feature_with_a_bar_inside_is_found_whichever_way_it_splits(small_headwords):
    """``pw=x|y|z`` names both (x|y, z) and (x, y|z): a fitted column must serve both."""
    docs = [["x|y", "z"], ["x|y", "z"], ["x", "y|z"]]
    det = ClassifierDetector(max_iter=5).fit(docs, [[1, 0], [0, 1], [1, 0]])
    col = det.vocabulary_["pw=x|y|z"]
    X = det._matrix(det._families([["x", "y|z"], ["x|y", "z"]]))
    assert col in X[1].indices and col in X[3].indices


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.integers(0, 2**40), st.floats(-1e6, 1e6), max_size=300), st.lists(st.integers(-5, 2**40), max_size=300))
def test_int_table_is_a_dict(table, queries):
    keys = np.array(list(table), np.int64)
    t = IntTable(keys, np.array(list(table.values()), np.float64))
    q = np.array(list(table)[:50] + queries, np.int64)
    assert t.get(q, -7.0).tolist() == [table.get(k, -7.0) for k in q.tolist()]
    assert t.get(q.reshape(-1, 1), 0.0).shape == (len(q), 1)


def test_bigram_counts_match_wordsegment():
    import wordsegment

    table = bigrams()
    pairs = list(wordsegment.BIGRAMS)[::997] + ["<s> the", "heavy rain", "weighty rain", "no suchword"]
    a, b = zip(*(p.split(" ") for p in pairs))
    ids = lambda ws: np.array([table.ids.get(w, -1) for w in ws], np.int64)  # noqa: E731
    got = table.log_counts(ids(a), ids(b))
    assert got.tolist() == [math.log10(wordsegment.BIGRAMS.get(p, 0.0) + 1.0) for p in pairs]


@pytest.mark.slow
def test_the_fit_lexicon_holds_every_alphabetic_moby_headword():
    """What lets a word outside the lexicon be taken for a word with no synonyms."""
    from baselines.classifier_features import build_lexicon

    lexicon = build_lexicon([["Zyzzogeton"]], 6)
    assert {w for w in load_moby() if w.isalpha()} <= lexicon.keys()
    assert lexicon["zyzzogeton"] == word_entry("zyzzogeton", load_moby(), 6)
