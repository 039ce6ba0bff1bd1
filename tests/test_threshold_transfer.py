"""benchmarks/threshold_transfer.py: the scored sets it cuts (prevalence samples, regimes) and its
columns, on made-up scores."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from harness.core.dataset import GoldColumns
from harness.evaluation.thresholds import choose_thresholds

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("threshold_transfer", ROOT / "benchmarks" / "threshold_transfer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def split(rng, n_docs=120):
    records, tokens, docs = [], [], []
    for i in range(n_docs):
        rate = 0.0 if i % 4 == 0 else rng.uniform(0.15, 0.45)
        labels = (rng.random(50) < rate).astype(int)
        records.append({"id": str(i), "labels": labels.tolist(), "is_spun": bool(labels.any()), "recipe": "x", "spin_rate": rate, "domain": "news"})
        tokens.append(np.where(labels == 1, rng.beta(8, 2, 50), rng.beta(2, 8, 50)).round(4).tolist())
        docs.append(round(0.3 + 0.5 * labels.any() + 0.2 * rng.random(), 4))
    return GoldColumns.from_records(records), tokens, docs


@pytest.mark.parametrize("target", [0.01, 0.05, 0.2, 0.4])
def test_documents_are_sampled_to_the_share_of_spun_tokens_asked_for(bench, target):
    gold, tokens, docs = split(np.random.default_rng(0))
    s = bench.scored(tokens, docs, gold)
    lengths, spun = np.array([len(t) for t in s.tokens]), np.array([int(y.sum()) for y in s.labels])
    for seed in range(3):
        idx = bench.sample_documents(spun, lengths, target, seed)
        share = spun[idx].sum() / lengths[idx].sum()
        assert share == pytest.approx(target, rel=0.25, abs=0.004) and spun[idx].sum() > 0
    assert (bench.sample_documents(spun, lengths, target, 1) == bench.sample_documents(spun, lengths, target, 1)).all()


def test_scored_sets_break_down_by_regime_and_measure_every_rule(bench):
    gold, tokens, docs = split(np.random.default_rng(1))
    chosen = choose_thresholds(*split(np.random.default_rng(2), 200))
    s = bench.scored(tokens, docs, gold)
    regimes = ["clean" if not spun else ("sparse" if i % 2 else "whole") for i, spun in enumerate(s.spun)]
    names = [name for name, _ in bench.scored_sets(s, regimes, (0.05,), seeds=2)]
    assert names == ["whole", "regime=clean", "regime=sparse", "regime=whole", "p=5%"]
    sets = dict(bench.scored_sets(s, regimes, (0.05,), seeds=2))
    clean = bench.measure(chosen, sets["regime=clean"][0], (0.2, 0.75))
    assert np.isnan(clean["token rule"]) and 0 <= clean["fa rule"] <= 1  # no spun token: false alarms only
    whole = bench.measure(chosen, sets["whole"][0], (0.2, 0.75))
    assert all(0 <= whole[f"token {rule}"] <= whole["token best"] + 1e-12 for rule in bench.RULES)
    assert all(0 <= whole[f"doc {rule}"] <= whole["doc best"] + 1e-12 for rule in bench.RULES)


def test_each_document_is_measured_alone_at_the_one_text_cut(bench):
    from harness.evaluation.one_text import one_text_cut

    gold, tokens, docs = split(np.random.default_rng(3), 40)
    chosen = choose_thresholds(*split(np.random.default_rng(4), 200))
    s = bench.scored(tokens, docs, gold)
    regimes = ["clean" if not spun else "whole" for spun in s.spun]
    rows = bench.document_rows("m", "c", chosen, s, regimes)
    assert len(rows) == 40
    for row, t, y, d, spun in zip(rows, s.tokens, s.labels, s.docs, s.spun):
        if spun:
            assert row["token rule"] == bench.f1(y, t >= one_text_cut(chosen, t, d).cut)
            assert all(row[f"token {k}"] <= row["token best"] + 1e-12 for k in ("rule", "no floor", "fixed", "share"))
            assert np.isnan(row["flagged rule"])
        else:
            assert np.isnan(row["token rule"]) and row["flagged fixed"] == np.mean(t >= chosen.validation_token)
    names = [name for name, _ in bench.document_sets(rows)]
    assert names[:2] == ["regime=clean", "regime=whole"] and "20%-40% spun" in names
    assert "| **all spun** |" in bench.document_table(rows) and "| 0-99 |" in bench.length_table(rows)


def test_the_checks_pass_or_fail_on_the_figures(bench):
    def row(rule, share, best):
        return ("m", "c", "whole", {"token rule": rule, "token share": share, "token best": best}, (0.0, 0.0))

    docs = [{"token rule": 0.5, "token share": 0.55, "token best": 0.54}, {"token rule": 0.7, "token share": 0.7, "token best": 0.72}]
    lines = bench.checks([row(0.60, 0.62, 0.63), row(0.50, 0.50, 0.51)], docs).splitlines()
    assert lines[0].startswith("1. PASS") and "on 2 of the 2 scored sets" in lines[0]
    assert lines[1].startswith("2. PASS") and "gap to the best cut 0.0200" in lines[1]
    assert lines[2].startswith("3. PASS") and "0.0300 over 2 spun documents" in lines[2]
    # a set where the oracle is near the best cut and the rule is not; a set where neither is (not counted)
    lines = bench.checks([row(0.50, 0.60, 0.62), row(0.20, 0.30, 0.50)], [{"token rule": 0.1, "token share": 0.2, "token best": 0.3}]).splitlines()
    assert lines[0].startswith("1. FAIL") and "on 0 of the 1 scored sets" in lines[0] and "(0.500 vs oracle 0.600)" in lines[0]
    assert lines[1].startswith("2. FAIL") and lines[2].startswith("3. FAIL")
