"""Look-ups kept on disk between runs (harness.core.kept_lookups): what one process found another
reads back; a forked worker's answers are saved when it ends; damaged parts are left out; and the
synonym rankings read back are those ranked afresh."""

import json
import multiprocessing

import pytest

from harness.core import kept_lookups
from harness.core.kept_lookups import KeptLookups


def test_answers_found_in_one_run_are_read_back_by_the_next(tmp_path):
    first = KeptLookups(tmp_path)
    first.add("big\tADJ", ["large", "great"])
    first.add("rain\tNOUN", ())
    first.save()
    again = KeptLookups(tmp_path)
    assert again.get("big\tADJ") == ("large", "great") and again.get("rain\tNOUN") == ()
    assert again.get("small\tADJ") is None and len(again) == 2


def _worker(folder):
    kept = _inherited[0]
    kept.add("forked\tVERB", ("split",))  # saved when this process ends, with nothing of the parent's


_inherited: list = []


def test_a_forked_workers_answers_are_saved_when_it_ends(tmp_path):
    parent = KeptLookups(tmp_path)
    parent.add("mine\tNOUN", ("own",))
    _inherited[:] = [parent]
    try:
        child = multiprocessing.get_context("fork").Process(target=_worker, args=(tmp_path,))
        child.start()
        child.join()
    finally:
        _inherited.clear()
    assert child.exitcode == 0
    parts = sorted(tmp_path.glob("*.json"))
    assert [json.loads(p.read_text()) for p in parts] == [{"forked\tVERB": ["split"]}]
    parent.save()
    assert KeptLookups(tmp_path).get("mine\tNOUN") == ("own",) and KeptLookups(tmp_path).get("forked\tVERB") == ("split",)


def test_damaged_parts_are_removed_and_many_parts_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(kept_lookups, "_MAX_PARTS", 3)
    for n in range(4):
        kept = KeptLookups(tmp_path)
        kept.add(f"word{n}\tNOUN", (f"synonym{n}",))
        kept.save()
    (tmp_path / "cut-short.json").write_text('{"word9\\tNOUN": ["syn')
    (tmp_path / "not-words.json").write_text('{"word8\\tNOUN": [1, 2]}')
    merged = KeptLookups(tmp_path)
    assert {merged.get(f"word{n}\tNOUN") for n in range(4)} == {(f"synonym{n}",) for n in range(4)}
    assert merged.get("word9\tNOUN") is None and merged.get("word8\tNOUN") is None
    assert len(list(tmp_path.glob("*.json"))) == 1  # four good parts merged into one; the damaged two removed


def test_an_unwritable_folder_only_costs_the_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    kept = KeptLookups(blocker / "kept")  # its folder cannot be made
    kept.add("big\tADJ", ("large",))
    kept.save()
    assert kept.get("big\tADJ") == ("large",)


@pytest.mark.parametrize("words", [("big", "ADJ"), ("rain", "NOUN"), ("state", "VERB"), ("quickly", "ADV"), ("zzzz", "NOUN")])
def test_kept_synonym_rankings_are_those_ranked_afresh(tmp_path, monkeypatch, words):
    from harness.core import lexical

    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path))
    for fn in (lexical.kept_rankings, lexical.related_synonyms):
        fn.cache_clear()
    try:
        lemma, upos = words
        fresh = lexical._ranked_synonyms(lemma, upos, 12, 2.5, 3, True)
        assert lexical.related_synonyms(lemma, upos) == fresh
        lexical.kept_rankings().save()
        for fn in (lexical.kept_rankings, lexical.related_synonyms):
            fn.cache_clear()
        assert lexical.kept_rankings().get(f"{lemma}\t{upos}\t12\t2.5\t3\t1") == fresh  # read back from disk
        assert lexical.related_synonyms(lemma, upos) == fresh
        assert lexical.related_synonyms(lemma, upos, top_k=3) == fresh[:3]  # another question, another answer
    finally:
        for fn in (lexical.kept_rankings, lexical.related_synonyms):
            fn.cache_clear()


def test_a_part_that_cannot_be_read_or_removed_is_left_and_costs_only_the_time(tmp_path):
    kept = KeptLookups(tmp_path)
    kept.add("big\tADJ", ("large",))
    kept.save()
    (tmp_path / "a-folder.json").mkdir()  # not a part, and not removable as one
    again = KeptLookups(tmp_path)
    assert again.get("big\tADJ") == ("large",) and (tmp_path / "a-folder.json").is_dir()
