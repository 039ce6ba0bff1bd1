"""The ranker restorer's candidates and features: word-by-word rewrites searched as a whole
stretch of text, where the spun wording stands in a candidate's own thesaurus list, and meaning
from word vectors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.core.tokens import tokenize

SENTENCE = [t.text for t in tokenize("The weighty downpour shut the main roads near the old harbour on Monday .")]


@pytest.fixture(scope="module")
def counts():
    from baselines.restorer_ranker import _Counts

    docs = [SENTENCE] * 4
    return _Counts.of(docs, [[(1, 3)]] * 4, [["heavy rain"]] * 4)


def _exhaustive(tokens, s, e, options, combos):
    """Every way through the span (one option of each piece, pieces end to end), by score."""
    from baselines.restorer_ranker import _rewrite_score

    def ways(at):
        if at == e:
            yield ()
            return
        for (i, j), choices in options.items():
            if i == at:
                for choice in choices:
                    for rest in ways(j):
                        yield (choice, *rest)

    best = {}
    for way in ways(s):
        if any(found is not None for _, found, _ in way):
            text, score = " ".join(text for text, _, _ in way if text), _rewrite_score(tokens, s, e, way)
            best[text] = max(best.get(text, score), score)
    return [text for text, _ in sorted(best.items(), key=lambda x: (-x[1], x[0]))[:combos]]


@pytest.mark.parametrize("s,e", [(1, 3), (5, 7), (8, 10), (4, 7), (1, 4)])
def test_the_beam_keeps_the_best_rewrites_an_exhaustive_search_finds(counts, monkeypatch, s, e):
    """Wide enough to hold every partial rewrite, the beam returns exactly the exhaustive
    search's best rewrites by the whole stretch's score; the default beam does on two words
    (every partial rewrite of one word fits in it), and on three its best is among the
    exhaustive best. Pieces of several words are tried beside word-by-word ones."""
    from baselines import restorer_ranker as rr

    options = rr._piece_options(SENTENCE, s, e, counts)
    words = {(i, i + 1) for i in range(s, e)}
    assert words <= set(options) and all(i < j <= min(e, i + rr.MAX_PIECE_WORDS) for i, j in options)
    assert all(1 <= len(o) <= rr.COMBO_OPTIONS for o in options.values())
    best = _exhaustive(SENTENCE, s, e, options, rr.COMBOS)
    assert 3 < len(best) <= rr.COMBOS and all(text.lower() != " ".join(SENTENCE[s:e]).lower() for text in best)
    got = [text for text, _ in rr._best_rewrites(SENTENCE, s, e, options)]
    if e - s == 2:
        assert got == best
    else:
        assert got[0] in best[:3]
    monkeypatch.setattr(rr, "COMBO_BEAM", 100_000)
    assert [text for text, _ in rr._best_rewrites(SENTENCE, s, e, options)] == best


def test_a_piece_of_several_words_is_rewritten_as_a_whole(counts):
    """A run of words that train rewrote as one (``weighty downpour`` -> ``heavy rain``) is an
    option of its own, and the search goes through it."""
    from baselines import restorer_ranker as rr

    options = rr._piece_options(SENTENCE, 1, 4, counts)
    assert "heavy rain" in [text for text, _, _ in options[(1, 3)]]
    assert "heavy rain" in [text for text, _ in rr._word_by_word(SENTENCE, 1, 3, counts)]
    assert any(text.startswith("heavy rain ") for text, _ in rr._word_by_word(SENTENCE, 1, 4, counts))


def test_a_deletion_among_the_options_keeps_the_word_before_it(counts):
    """An empty option (delete the word) is scored from the last word kept, as if it were not there."""
    from baselines import restorer_ranker as rr
    from baselines.restoration_candidates import Found
    from baselines.restoration_lm import web_bigrams

    choice = [("heavy", Found(moby_lists=True), 2.0), ("", Found(), 0.0), ("rain", Found(), 0.0)]
    ((text, _),) = rr._best_rewrites(SENTENCE, 1, 4, {(i, i + 1): [c] for i, c in enumerate(choice, start=1)})
    assert text == "heavy rain"
    expected = web_bigrams().score(["The"], ["heavy", "rain"], [SENTENCE[4]]) + 2.0
    assert rr._rewrite_score(SENTENCE, 1, 4, choice) == pytest.approx(expected)


def test_the_thesaurus_rank_is_where_the_spun_word_stands_in_the_candidates_own_list():
    from baselines.restorer_ranker import THESAURUS_TOP, _thesaurus_rank
    from harness.core.lexical import related_synonyms

    listed = related_synonyms("heavy", "ADJ", THESAURUS_TOP)
    assert len(listed) > 5
    for rank, synonym in enumerate(listed[:5]):
        assert _thesaurus_rank("heavy", {synonym}) <= rank  # another reading of "heavy" may rank it higher
    assert _thesaurus_rank("heavier", {listed[0]}) == 0  # read through the candidate's lemma
    assert _thesaurus_rank("heavy", {"xylophonic"}) == THESAURUS_TOP
    assert _thesaurus_rank("heavy rain", {listed[0]}) == THESAURUS_TOP  # one word only
    assert _thesaurus_rank("", {listed[0]}) == THESAURUS_TOP


def test_a_mean_vector_is_a_unit_vector_of_the_known_words_case_folded():
    from baselines.restorer_ranker import _mean_vector

    rain = _mean_vector(["Rain"])
    assert rain is not None and np.linalg.norm(rain) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(rain, _mean_vector(["rain", "qqqzzx"]))  # an unknown word is left out
    assert _mean_vector(["qqqzzx"]) is None and _mean_vector([]) is None
    storm = _mean_vector(["storm"])
    assert float(rain @ storm) > float(rain @ _mean_vector(["parliament"]))


def test_every_feature_row_is_described_by_name(counts):
    """The pool-relative columns: the best candidate by each bigram model has rank 0 and gap 0,
    and the thesaurus column finds the spun word in a candidate's own list."""
    from baselines import restorer_ranker as rr
    from harness.core.lexical import related_synonyms

    spun = related_synonyms("heavy", "ADJ", rr.THESAURUS_TOP)[0]
    tokens = ["The", spun, "rain", "shut", "the", "roads", "."]
    pool = rr.RankingRestorer().pool(tokens, 1, 2, counts)
    x = rr._features(tokens, 1, 2, pool, counts)
    col = {name: x[:, i] for i, name in enumerate(rr.FEATURES)}
    assert x.shape == (len(pool), len(rr.FEATURES)) and len(pool) > 3
    for model in ("lm_web", "lm_train"):
        best = col[model] == col[model].max()
        assert (col[f"{model}_rank"][best] == 0).all() and (col[f"{model}_rank"][~best] > 0).all()
        assert np.allclose(col[f"{model}_vs_best"][best], 0)
    assert (col["zipf_vs_best"] <= 0).all()
    names = list(pool)
    assert "heavy" in names and col["thesaurus_rank"][names.index("heavy")] == 0
    # "heavy rain shut" is in train's originals four times; one word to the left is not two
    assert col["trigram_right"][names.index("heavy")] == pytest.approx(np.log1p(4)) and not col["trigram_left"].any()
    known = col["vector_known"] == 1
    assert known.any() and (np.abs(col["vector_spun"][known]) <= 1 + 1e-6).all()
    assert np.allclose(col["vector_context_vs_spun"][~known], 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["the", "The", "bank", "rain", "fell", "rates", "."]), max_size=12), max_size=5))
def test_trigram_counts_equal_counting_every_run_of_three_words(docs):
    """The compact counts against a plain Counter of the case-folded runs, for every trigram
    asked (present or not); unspun documents, so the original text is the document."""
    from collections import Counter
    from itertools import product

    from baselines.restoration_lm import TrigramCounts

    counts = TrigramCounts.from_documents(docs, [[]] * len(docs), [[]] * len(docs))
    expected = Counter(t for doc in docs for t in zip(*(map(str.lower, doc[k:]) for k in range(3))))
    for trigram in product(["the", "Bank", "rain", "fell", ".", "unseen"], repeat=3):
        assert counts.count(*trigram) == expected[tuple(w.lower() for w in trigram)]


def test_trigram_counts_read_the_original_wording_and_survive_pickling_in_another_process():
    import pickle
    import subprocess
    import sys

    from baselines.restoration_lm import TrigramCounts

    counts = TrigramCounts.from_documents([SENTENCE], [[(1, 3)]], [["heavy rain"]])
    assert counts.count("The", "heavy", "rain") == 1 and counts.count("The", "weighty", "downpour") == 0
    code = "import pickle, sys; c = pickle.loads(sys.stdin.buffer.read()); print(c.count('heavy', 'rain', 'shut'))"
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(counts), capture_output=True, check=True)
    assert out.stdout.strip() == b"1"


def test_a_number_is_offered_its_other_spelling_both_ways():
    """Digits and number words trade both ways, one to one, as a candidate of its own kind,
    alone and as a piece of a longer span."""
    from baselines import restorer_ranker as rr
    from baselines.restoration_candidates import NUMBER_SPELLINGS, word_candidates

    expected = {"5": "five", "40": "forty", "21": "twenty-one", "3rd": "third", "11th": "eleventh", "12th": "twelfth",
                "20th": "twentieth", "21st": "twenty-first", "42nd": "forty-second", "99th": "ninety-ninth"}
    for digits, word in expected.items():
        assert NUMBER_SPELLINGS[digits] == word and NUMBER_SPELLINGS[word] == digits
    assert all(NUMBER_SPELLINGS[other] == key for key, other in NUMBER_SPELLINGS.items())
    assert word_candidates("2")["two"].number and word_candidates("Third")["3rd"].number
    assert not any(f.number for f in word_candidates("rain").values())
    tokens = ["They", "shut", "2", "main", "roads", "."]
    pool = rr.RankingRestorer().pool(tokens, 2, 4, rr._Counts.of([tokens], [[]], [[]]))
    assert any(text.startswith("two ") and entry["found"].number for text, entry in pool.items())
    one = rr.RankingRestorer().pool(tokens, 2, 3, rr._Counts.of([tokens], [[]], [[]]))
    x = rr._features(tokens, 2, 3, one, rr._Counts.of([tokens], [[]], [[]]))
    assert list(x[:, rr.FEATURES.index("number")]) == [float(text == "two") for text in one]


def test_the_glove_rank_is_where_the_spun_word_stands_among_the_candidates_neighbours():
    """It agrees with the candidate's own neighbour list, and with a count over the whole
    vocabulary (the rank reads a kept list of nearest words, not the whole product each time),
    for neighbours and for words far and near that are not among them."""
    import random

    from baselines.restoration_candidates import GLOVE_NEIGHBOURS, glove_neighbours, glove_table
    from baselines.restorer_ranker import _glove_rank

    index, vocab, unit = glove_table()
    unit = unit.astype(np.float64)  # as the rank's similarities are

    def counted(candidate: str, spun: set[str]) -> int:
        rows = [index[w] for w in spun if w in index]
        sims = unit @ unit[index[candidate]]
        if float(sims[rows].max()) < 0.55:
            return GLOVE_NEIGHBOURS
        return min(GLOVE_NEIGHBOURS, int((sims > sims[rows].max()).sum()) - 1)

    rng = random.Random(0)
    for word in ("rain", "harbour", "announced", "big", "said"):
        listed = [w for w, _ in glove_neighbours(word)]
        assert len(listed) > 3
        for rank, neighbour in enumerate(listed[:GLOVE_NEIGHBOURS]):
            assert _glove_rank(word, {neighbour}) == rank == counted(word, {neighbour})
        assert _glove_rank(word.capitalize(), {listed[0], "qqqzzx"}) == 0  # case-folded; the closest spun lemma counts
        # Near but not among the nearest (the next 25 by the whole product), and anywhere at all
        sims = unit @ unit[index[word]]
        beyond = [vocab[j] for j in (-sims).argsort()[GLOVE_NEIGHBOURS + 1 : 2 * GLOVE_NEIGHBOURS + 1]]
        for spun in [{w} for w in beyond + rng.sample(vocab, 25)] + [set(rng.sample(listed, 2)), {listed[-1], beyond[0]}]:
            assert _glove_rank(word, spun) == counted(word, spun), spun
    assert _glove_rank("rain", {"parliament"}) == GLOVE_NEIGHBOURS
    assert _glove_rank("heavy rain", {"storm"}) == _glove_rank("qqqzzx", {"storm"}) == GLOVE_NEIGHBOURS


_FEATURES_IN_A_PROCESS = """
import json, sys
from threadpoolctl import threadpool_info
from baselines.restorer_ranker import RankingRestorer, _Counts, _features
from harness.core.tokens import tokenize
docs = [[t.text for t in tokenize(line)] for line in sys.stdin.read().splitlines()]
counts = _Counts.of(docs, [[] for _ in docs], [[] for _ in docs])
out = []
for doc in docs:
    for s, e in [(1, 2), (2, 4), (len(doc) - 3, len(doc) - 2)]:
        pool = RankingRestorer().pool(doc, s, e, counts)
        out.append([list(pool), _features(doc, s, e, pool, counts).tolist()])
print(json.dumps({"kernels": sorted({i.get("architecture") for i in threadpool_info() if i["internal_api"] == "openblas"}), "rows": out}))
"""


def test_the_rankers_features_are_the_same_whatever_numeric_kernels_the_cpu_gets():
    """OpenBLAS picks its kernels by CPU, and float32 products' last digits differ between them
    (a candidate's similarity next to a cut or a rounding then differs too, and the ranker's
    entries would not reproduce on another machine). Forcing two kernels, the candidates are the
    same and the features the same to 1e-12."""
    import json
    import os
    import subprocess
    import sys

    text = ("The weighty downpour shut the main roads near the old harbour on Monday .\n"
            "Officials declared that the financial institution would raise its loan costs again .\n"
            "A big crowd gathered outside the stadium to watch the famous singer arrive .")
    runs = {}
    for kernel in ("Prescott", "Haswell"):
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        done = subprocess.run([sys.executable, "-c", _FEATURES_IN_A_PROCESS], input=text, capture_output=True, text=True, env=env, check=True)
        runs[kernel] = json.loads(done.stdout.strip().splitlines()[-1])
    if runs["Prescott"]["kernels"] == runs["Haswell"]["kernels"]:  # (Prescott's kernels call themselves Katmai)
        pytest.skip(f"OpenBLAS here does not take a forced kernel (both runs used {runs['Haswell']['kernels']}): nothing to compare")
    a, b = runs["Prescott"]["rows"], runs["Haswell"]["rows"]
    assert [pool for pool, _ in a] == [pool for pool, _ in b] and all(pool for pool, _ in a)
    for (_, x), (_, y) in zip(a, b):
        assert np.allclose(np.array(x), np.array(y), rtol=0, atol=1e-12)


def test_a_bigram_model_keeps_what_it_worked_out_out_of_its_pickle():
    """Probabilities asked again are the ones first worked out; the kept ones are not pickled,
    and a model keeps at most so many."""
    import pickle

    from baselines import restoration_lm
    from baselines.restoration_lm import BigramModel

    lm = BigramModel.from_documents([["the", "bank", "raised", "rates", "."], ["the", "rain", "fell", "."]], [[], []], [[], []])
    pairs = [("the", "bank"), ("bank", "rain"), ("<s>", "the"), ("fell", "unseen")]
    first = [lm.logp(a, b) for a, b in pairs]
    fresh = BigramModel(lm.unigrams, lm.bigrams, lm.alpha)
    assert [lm.logp(a, b) for a, b in pairs] == first == [fresh.logp(a, b) for a, b in pairs]
    assert "_known" not in pickle.loads(pickle.dumps(lm)).__getstate__() and lm._known
    again = pickle.loads(pickle.dumps(lm))
    assert again._known == {} and [again.logp(a, b) for a, b in pairs] == first
    limit, restoration_lm._MAX_KNOWN = restoration_lm._MAX_KNOWN, 2
    try:
        again._known.clear()
        assert [again.logp(a, b) for a, b in pairs] == first
        assert len(again._known) <= 2 and [again.logp(a, b) for a, b in pairs] == first
    finally:
        restoration_lm._MAX_KNOWN = limit


def test_the_wordnet_share_is_the_spun_words_weight_among_the_candidates_synonyms():
    """Shares over every synonym of a one-reading word add up to one; a word that is not a
    synonym gets none; more synonyms, a larger fan-out."""
    from baselines.restorer_ranker import _choice_weights, _wordnet_choice
    from harness.core.lexical import analyses

    assert [u for u, _, _ in analyses("cloudburst")] == ["NOUN"]
    synonyms = list(_choice_weights("cloudburst", "NOUN"))
    assert "downpour" in synonyms
    assert sum(_wordnet_choice("cloudburst", {s})[0] for s in synonyms) == pytest.approx(1.0)
    share, fanout = _wordnet_choice("cloudburst", {"downpour"})
    assert 0 < share < 1 and fanout == pytest.approx(np.log1p(len(synonyms)))
    assert _wordnet_choice("cloudburst", {"parliament"})[0] == 0
    assert _wordnet_choice("heavy rain", {"downpour"}) == (0.0, 0.0)
    assert _wordnet_choice("take", {"get"})[1] > fanout
