"""The embedding baseline's fast paths against straightforward ones: candidates from the
precomputed table against computing them word by word (the implementation it replaced, kept
here), window similarities from per-token sums against encoding each window's text, and the
distilled wordpiece vectors against sentence-transformers' own encoding."""

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")

from baselines import embedding  # noqa: E402
from harness.core.lexical import analyses, inflect, is_content_word, match_case, related_synonyms, zipf  # noqa: E402
from harness.core.tokens import tokenize  # noqa: E402


def reference_candidates(word: str, n: int, min_gain: float) -> list[str]:
    """Candidates computed for one word at a time, as the baseline did before the table."""
    z = zipf(word.lower())
    out: list[str] = []
    for upos, lemma, tag in analyses(word):
        for syn in related_synonyms(lemma, upos, top_k=20):
            if " " in syn:
                continue
            form = inflect(syn, upos, tag)
            if form and form.lower() != word.lower() and zipf(form.lower()) >= z + min_gain and form not in out:
                out.append(match_case(word, form))
            if len(out) == n:
                return out
    return out


def fixture_words(paragraphs):
    words = sorted({t.text for p in paragraphs for t in tokenize(p) if is_content_word(t.text)})
    return words + [w.upper() for w in words[:40]] + ["Weighty", "STATED", "Straße"]


@pytest.mark.parametrize("n", [1, 3])
def test_candidates_from_qualifying_forms_equal_the_word_by_word_reference(paragraphs, n):
    words = fixture_words(paragraphs)
    ours = [[c for c, _ in embedding.candidates_of(w, embedding._qualifying(w.lower(), n, 0.5), n)] for w in words]
    assert ours == [reference_candidates(w, n, 0.5) for w in words]
    assert sum(map(bool, ours)) > 50


@pytest.fixture(scope="module")
def fitted():
    """A detector fitted on the fixture text (tables restricted to it)."""
    from conftest import fixture_paragraphs
    from embedding_support import restrict_to
    from sentence_transformers import SentenceTransformer

    docs = [[t.text for t in tokenize(p)] for p in fixture_paragraphs()]
    det = embedding.EmbeddingDetector(n_fit_docs=6, device="cpu")
    with pytest.MonkeyPatch.context() as patch:
        restrict_to(patch, docs)
        det.fit(docs, [[int(len(t) > 7) for t in doc] for doc in docs])
    return det, docs, SentenceTransformer(det._model_path(), device="cpu")


def test_window_similarities_equal_encoding_each_window_text(fitted):
    """Per-token sums give what averaging the static vectors of each window's wordpieces gives."""
    det, docs, model = fitted
    jobs = [(d, i, c, z) for d, doc in enumerate(docs[:6]) for i, tok in enumerate(doc) if is_content_word(tok)
            for c, z in embedding.candidates_of(tok, det.candidates_.get(tok.lower(), ()), 1)]
    assert len(jobs) > 20
    ours = det._similarities(docs[:6], jobs)

    def embed(text):
        return det.vectors_[model.tokenizer(text, add_special_tokens=False)["input_ids"]].astype(np.float64).mean(axis=0)

    theirs = []
    for d, i, c, _ in jobs:
        doc, w = docs[d], det.window
        lo, hi = max(0, i - w), min(len(doc), i + w + 1)
        a, b = embed(" ".join(doc[lo:hi])), embed(" ".join(doc[lo:i] + [c] + doc[i + 1 : hi]))
        theirs.append(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert np.abs(ours - np.array(theirs)).max() < 1e-5
    assert det._similarities(docs[:6], jobs, chunk=7).tolist() == ours.tolist()  # chunks change nothing


def test_distilled_vectors_are_the_models_own_embedding_of_each_wordpiece(fitted):
    """For a word that is one wordpiece, its vector points where sentence-transformers' encoding
    of the word alone points (mean pooling over [CLS] word [SEP], then normalised)."""
    det, _, model = fitted
    words = ["rain", "bank", "heavy", "england", "market"]
    ids = [model.tokenizer(w, add_special_tokens=False)["input_ids"] for w in words]
    assert all(len(i) == 1 for i in ids)
    ours = det.vectors_[[i[0] for i in ids]].astype(np.float32)
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    theirs = model.encode(words, normalize_embeddings=True)
    assert np.min(np.sum(ours * theirs, axis=1)) > 0.9999


def test_scores_and_suggestions(fitted):
    det, docs, _ = fitted
    scores = det.predict_token_proba(docs[:3])
    assert [len(s) for s in scores] == [len(d) for d in docs[:3]]
    assert all(0.0 <= v <= 1.0 for s in scores for v in s)
    guesses = det.suggest(docs[0])
    assert any(g is not None for g in guesses)
    assert all(g is None for g, t in zip(guesses, docs[0]) if not is_content_word(t))


@pytest.mark.slow
def test_the_full_candidate_table_lists_every_word_that_has_candidates(paragraphs):
    """Only forms derived from Moby headwords are listed; no word outside the table has any
    candidate, and the table gives what the word-by-word computation gives (about a minute)."""
    table = embedding.candidate_table(1, 0.5)
    for word in fixture_words(paragraphs):
        forms = table.get(word.lower(), ())
        assert [c for c, _ in embedding.candidates_of(word, forms, 1)] == reference_candidates(word, 1, 0.5), word

