"""RankedSplit (harness/evaluation/ranking.py) against ranking each subset of documents afresh
with metrics.level_counts, and its scores against scikit-learn: the counts made once per split
give every regime's threshold-free scores exactly."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from harness.evaluation import metrics
from harness.evaluation.ranking import ROW_BLOCK, RankedSplit, counts_at, ranking_scores
from harness.runs.bootstrap import weights


def _split(seed: int, n_docs: int = 30):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 40, n_docs)
    spun = rng.random(n_docs) < 0.6
    doc_index = np.repeat(np.arange(n_docs), lengths)
    gold = (rng.random(lengths.sum()) < 0.3) & spun[doc_index]
    scores = np.round(np.clip(rng.normal(0.4 + 0.3 * gold, 0.2), 0, 1), 2)  # ties on purpose
    doc_scores = np.round(rng.random(n_docs), 2)
    return gold, scores, doc_index, spun, doc_scores, weights(n_docs, 50, seed)


@pytest.mark.parametrize("seed", range(4))
def test_subset_counts_are_those_of_ranking_the_subset_afresh(seed):
    gold, scores, doc_index, spun, doc_scores, w = _split(seed)
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w, bins=100_000)  # every distinct score its own bin
    mine, clean = spun & (np.arange(len(spun)) % 2 == 0), ~spun
    point, boot = ranked.token_counts(mine, clean)
    tokens = (gold & mine[doc_index]) | clean[doc_index]
    renumber = np.cumsum(mine | clean) - 1
    want_point = metrics.level_counts(gold[tokens], scores[tokens])
    want_boot = metrics.level_counts(gold[tokens], scores[tokens], renumber[doc_index[tokens]], w[:, mine | clean])
    got = ranking_scores(point, boot, {"tpr": 0.1})
    for name, (value, resampled) in got.items():
        cum_p, cum_b = metrics.cumulative(*want_point), metrics.cumulative(*want_boot)
        if name == "tpr":
            expect_value, expect_boot = metrics.tpr_at_fpr(*want_point, 0.1, cum=cum_p)[0], metrics.tpr_at_fpr(*want_boot, 0.1, cum=cum_b)
        else:
            k = ("auroc", "auprc").index(name)
            expect_value, expect_boot = metrics.areas(*want_point, cum=cum_p)[k][0], metrics.areas(*want_boot, cum=cum_b)[k]
        assert value == pytest.approx(expect_value, abs=1e-12)
        np.testing.assert_allclose(resampled, expect_boot, atol=1e-6, equal_nan=True)  # level_counts sums in float32
    assert got["auroc"][0] == pytest.approx(roc_auc_score(gold[tokens], scores[tokens]), abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_document_counts_match_scikit_learn_on_every_resample(seed):
    gold, scores, doc_index, spun, doc_scores, w = _split(seed)
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
    docs = np.arange(len(spun)) % 3 != 0
    value, resampled = ranking_scores(*ranked.document_counts(docs), {})["auroc"]
    assert value == pytest.approx(roc_auc_score(spun[docs], doc_scores[docs]), abs=1e-12)
    for b in range(5):
        reps = np.repeat(np.arange(len(spun)), w[b].astype(int))
        reps = reps[docs[reps]]
        if len(set(spun[reps])) == 2:
            assert resampled[b] == pytest.approx(roc_auc_score(spun[reps], doc_scores[reps]), abs=1e-12)


def test_binned_intervals_of_a_subset_stay_close_to_exact():
    rng = np.random.default_rng(11)
    n_docs = 120
    lengths = rng.integers(20, 80, n_docs)
    spun = rng.random(n_docs) < 0.7
    doc_index = np.repeat(np.arange(n_docs), lengths)
    gold = (rng.random(lengths.sum()) < 0.15) & spun[doc_index]
    scores = np.round(np.clip(rng.normal(0.3 + 0.35 * gold, 0.2), 0, 1), 4)
    w = weights(n_docs, 200, 3)
    sparse, clean = spun & (np.arange(n_docs) % 4 == 0), ~spun
    fprs = {"tpr1": 0.01, "tpr5": 0.05}
    exact = ranking_scores(*RankedSplit(gold, scores, doc_index, spun, np.zeros(n_docs), w, bins=100_000).token_counts(sparse, clean), fprs)
    binned = ranking_scores(*RankedSplit(gold, scores, doc_index, spun, np.zeros(n_docs), w).token_counts(sparse, clean), fprs)
    for name in exact:
        assert binned[name][0] == exact[name][0]  # point values use every distinct score
        ends = [np.nanpercentile(x[name][1], [2.5, 97.5]) for x in (exact, binned)]
        assert np.abs(ends[0] - ends[1]).max() < 5e-3, name


@pytest.mark.parametrize("seed", range(4))
def test_binned_levels_from_the_distinct_scores_are_the_tokens_own(seed):
    from harness.evaluation.ranking import _binned_levels, _levels

    rng = np.random.default_rng(seed)
    scores = np.round(rng.beta(0.5, 2, 5000), 4)
    for bins in (7, 64, 1024):
        assert np.array_equal(_binned_levels(scores, bins, _levels(scores))[0], _binned_levels(scores, bins)[0])


@pytest.mark.parametrize("seed", range(3))
def test_regime_scores_share_the_negatives_and_match_scikit_learn(seed):
    """Scored against the same clean documents, each regime's AUROC and TPR come from the shared
    negative side; AUPRC is left out when not asked for."""
    gold, scores, doc_index, spun, doc_scores, w = _split(seed)
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w, bins=100_000)
    clean = ~spun
    halves = set()
    for part in (spun & (np.arange(len(spun)) % 2 == 0), spun & (np.arange(len(spun)) % 2 == 1)):
        point, boot = ranked.token_counts(part, clean)
        halves.add(id(boot[1]))
        got = ranking_scores(point, boot, {"tpr10": 0.1}, auprc=False)
        assert set(got) == {"auroc", "tpr10"}
        keep = (gold & part[doc_index]) | (~gold & clean[doc_index])
        if len(set(gold[keep])) == 2:
            assert got["auroc"][0] == pytest.approx(roc_auc_score(gold[keep], scores[keep]), abs=1e-12)
    assert len(halves) == 1  # one negative side, made once


def test_counts_at_or_above_each_level_are_exact_in_every_block_of_rows():
    """The resampled counts at or above each level come from a float32 product where every sum is
    a whole number below 2**24, made a block of rows at a time: they equal the float64 running
    sums of the float64 counts exactly, and their differences the counts at each level."""
    gold, scores, doc_index, spun, doc_scores, w = _split(5, n_docs=80)
    w = np.vstack([w] * 7)  # 350 rows: more than one block
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
    for side in ranked.token_counts(spun, ~spun)[1]:
        at = side.weights @ side.hist
        blocks = [side.cum_rows(slice(a, a + ROW_BLOCK)) for a in range(0, len(w), ROW_BLOCK)]
        assert len(blocks) == 2 and blocks[0].dtype == np.float32
        assert np.array_equal(np.vstack(blocks), np.cumsum(at, axis=1))
        assert np.array_equal(counts_at(np.vstack(blocks)), at)


@pytest.mark.parametrize("seed", range(4))
def test_misordered_pairs_from_the_factors_are_those_of_the_resampled_counts(seed):
    """AUROC's pairs come from a product of the per-document counts, never making the
    (resamples x levels) counts: whole numbers and halves, exactly those of the counts."""
    gold, scores, doc_index, spun, doc_scores, w = _split(seed, n_docs=60)
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
    for pos_docs, neg_docs in ((None, None), (spun & (np.arange(60) % 2 == 0), ~spun)):
        _, (pos, neg) = ranked.token_counts(pos_docs, neg_docs)
        pos_at, neg_cum = counts_at(pos.cum_rows()).astype(float), neg.cum_rows().astype(float)
        dense = np.einsum("ij,ij->i", pos_at, neg_cum - 0.5 * counts_at(neg_cum))
        np.testing.assert_array_equal(pos.misordered(neg), dense)


@pytest.mark.parametrize("seed", range(4))
def test_levels_of_four_decimal_scores_are_counted_as_sorting_finds_them(seed):
    from harness.evaluation.ranking import _levels

    rng = np.random.default_rng(seed)
    grid = np.round(rng.beta(0.5, 2, 3000), 4)
    grid[:3] = [0.0, 1.0, 0.5]
    off_grid = grid + 1e-7  # not on the 4-decimal grid: sorted instead
    for scores in (grid, off_grid, np.round(rng.random(50) * 3, 2)):  # beyond [0, 1] too
        level, n, distinct, counts = _levels(scores)
        negated, want_level, want_counts = np.unique(-scores, return_inverse=True, return_counts=True)
        assert np.array_equal(level, want_level) and n == len(negated)
        assert np.array_equal(distinct, -negated) and np.array_equal(counts, want_counts)


@pytest.mark.parametrize("seed", range(3))
def test_document_scores_of_a_subset_match_scikit_learn_on_every_resample(seed):
    """A subset of documents is ranked at its own distinct scores (levels no document of it holds
    are left out): AUPRC and AUROC of each resample as scikit-learn gives them."""
    from sklearn.metrics import average_precision_score

    gold, scores, doc_index, spun, doc_scores, w = _split(seed, n_docs=60)
    ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
    docs = np.arange(60) % 3 != 1
    got = ranking_scores(*ranked.document_counts(docs), {})
    for b in range(10):
        reps = np.repeat(np.arange(60), w[b].astype(int))
        reps = reps[docs[reps]]
        if len(set(spun[reps])) == 2:
            assert got["auprc"][1][b] == pytest.approx(average_precision_score(spun[reps], doc_scores[reps]), abs=1e-12)
            assert got["auroc"][1][b] == pytest.approx(roc_auc_score(spun[reps], doc_scores[reps]), abs=1e-12)


def test_scores_made_a_block_of_rows_at_a_time_are_those_of_all_rows_at_once(monkeypatch):
    from harness.evaluation import ranking

    gold, scores, doc_index, spun, doc_scores, w = _split(7, n_docs=50)
    fprs = {"tpr1": 0.01, "tpr5": 0.05}

    def everything():
        ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
        mine, clean = spun & (np.arange(50) % 2 == 0), ~spun
        return [ranking_scores(*ranked.token_counts(), fprs), ranking_scores(*ranked.token_counts(mine, clean), fprs, auprc=False),
                ranking_scores(*ranked.document_counts(), fprs)]

    whole = everything()
    monkeypatch.setattr(ranking, "ROW_BLOCK", 7)  # 50 resamples in 8 blocks
    for got, want in zip(everything(), whole):
        assert got.keys() == want.keys()
        for name in got:
            assert got[name][0] == want[name][0] or (np.isnan(got[name][0]) and np.isnan(want[name][0]))
            np.testing.assert_array_equal(got[name][1], want[name][1])


def test_pairs_off_the_counts_are_those_of_the_quadratic_form(monkeypatch):
    """With many documents against few levels, AUROC's pairs are read off the (rows x levels)
    counts instead of the quadratic form; both are exact, and the choice goes by size."""
    from harness.evaluation import ranking

    gold, scores, doc_index, spun, doc_scores, w = _split(9, n_docs=60)
    fprs = {"tpr5": 0.05}

    def everything():
        ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
        mine, clean = spun & (np.arange(60) % 2 == 0), ~spun
        return [ranking_scores(*ranked.token_counts(), fprs), ranking_scores(*ranked.token_counts(mine, clean), fprs, auprc=False)]

    results = {}
    for dense in (False, True):
        monkeypatch.setattr(ranking, "_pairs_cost_more_factored", lambda pos, neg, dense=dense: dense)
        results[dense] = everything()
    for factored, off_counts in zip(results[False], results[True]):
        for name in factored:
            assert factored[name][0] == off_counts[name][0]
            np.testing.assert_array_equal(factored[name][1], off_counts[name][1])
    monkeypatch.undo()
    # the choice: a split like news/test (217 documents, 575 levels) takes the quadratic form;
    # one of 5,000 documents the counts
    from harness.evaluation.ranking import Side, _pairs_cost_more_factored

    def side(groups, levels, rows=1000):
        return Side(np.ones((rows, groups)), np.ones((groups, levels)))

    assert not _pairs_cost_more_factored(side(217, 575), side(217, 575))
    assert _pairs_cost_more_factored(side(3000, 1024), side(2000, 1024))


def test_documents_ranked_outright_score_as_documents_ranked_factored(monkeypatch):
    """A large split's documents are counted outright (LevelSide), a small one's as factors (Side):
    every document score is the same either way."""
    from harness.evaluation import ranking

    gold, scores, doc_index, spun, doc_scores, w = _split(11, n_docs=80)
    fprs = {"tpr1": 0.01, "tpr5": 0.05}
    subsets = [None, np.arange(80) % 3 != 1, ~spun | (np.arange(80) % 2 == 0)]

    def everything():
        ranked = RankedSplit(gold, scores, doc_index, spun, doc_scores, w)
        return [ranking_scores(*ranked.document_counts(docs), fprs) for docs in subsets]

    factored = everything()
    monkeypatch.setattr(ranking, "_DOCUMENT_FACTORS", 0)
    outright = everything()
    assert isinstance(RankedSplit(gold, scores, doc_index, spun, doc_scores, w).document_counts()[1][0], ranking.LevelSide)
    for a, b in zip(factored, outright):
        for name in a:
            assert a[name][0] == b[name][0]
            np.testing.assert_allclose(a[name][1], b[name][1], rtol=1e-12, atol=0, equal_nan=True)
            if name != "auprc":  # counts and pairs: exact either way
                np.testing.assert_array_equal(a[name][1], b[name][1])
