"""The realism profile: each statistic on pairs whose answer is known by hand, and the spinners
of the seen recipes against the real ranges on the project's fixture articles."""

import random

import pytest

import harness
from harness.corpus.align import align_texts
from harness.corpus.realism import REAL, REAL_FIGURES, ROWS, outside, profile, profile_table, shape_of


def record(original: str, spun: str) -> dict:
    a = align_texts(original, spun)
    return {"is_spun": bool(a.edits), "labels": a.labels, "tokens": [t._asdict() for t in a.tokens],
            "original_tokens": [t._asdict() for t in a.original_tokens], "edits": [e.to_row() for e in a.edits]}


def test_each_statistic_on_a_hand_made_pair():
    original = "The bank warned on Monday that heavy rain would close three roads in the town, police said."
    spun = "The financial institution warned on Monday that weighty precipitation would shut three roads within town, police stated."
    p = profile([record(original, spun), record("Clean text.", "Clean text.")])
    # edits: bank -> financial institution (2<-1), heavy rain -> weighty precipitation (2<-2),
    # close -> shut (1<-1), in the -> within (1<-2, function words only), said -> stated (1<-1)
    assert p["spun_documents"] == 1 and p["edits"] == 5
    assert p["shapes"] == {"1<-1": 0.4, "2<-1": 0.2, "2<-2": 0.2, "1<-2|1<-3": 0.2, "3<-1": 0.0, "3+<-3+": 0.0}
    assert p["edits_touching_function_word"] == p["edits_function_words_only"] == 0.2
    assert p["insertions"] == p["deletions"] == 0.0
    # content words of the original: bank warned Monday heavy rain close roads town police said (10); changed: 5
    assert p["content_words_changed"] == 0.5
    assert p["single_word_swaps"] == 2  # close -> shut, said -> stated
    assert p["moby_synonym_share"] == 1.0
    assert p["spun_token_rate"] == round(7 / 19, 4)


def test_insertions_and_deletions_are_counted():
    p = profile([record("He said it was very big and new.", "He said that it was big and new.")])
    assert p["insertions"] == p["deletions"] == 0.5


@pytest.mark.parametrize("n_spun, n_original, shape", [(1, 1, "1<-1"), (2, 1, "2<-1"), (1, 2, "1<-2|1<-3"), (1, 3, "1<-2|1<-3"),
                                                     (3, 1, "3<-1"), (3, 3, "3+<-3+"), (5, 4, "3+<-3+"), (3, 2, None), (0, 1, None)])
def test_shapes(n_spun, n_original, shape):
    assert shape_of(n_spun, n_original) == shape


def test_ranges_hold_the_real_sources_and_the_issue_bounds():
    for row in ROWS:
        if row.real_news is None or row.low is not None or row.high is not None:
            continue  # no real figure, or a bound set without one
        low, high = row.range
        assert low <= min(row.real_news, row.real_spinbot) and max(row.real_news, row.real_spinbot) <= high, row.key
    ranges = {row.key: row.range for row in ROWS}
    assert ranges["mean_zipf_drop"] == (0.3, 0.8) and ranges["replacement_rarer_share"][1] == 0.78
    assert ranges["edits_touching_function_word"] == (0.18, 0.3) and ranges["content_words_changed"] == (0.38, 0.55)
    assert ranges["insertions"][0] == ranges["deletions"][0] == 0.005
    assert ranges["shapes/1<-2|1<-3"][0] == 0.01 and ranges["shapes/3<-1"][0] == 0.005
    assert set(REAL) == {"real news", "real SpinBot"}


def test_every_real_figure_belongs_to_a_statistic_and_names_its_source():
    keys = {row.key for row in ROWS}
    for key, figure in REAL_FIGURES["figures"].items():
        assert key in keys, key
        assert set(figure) <= {"real news", "real SpinBot", "low", "high", "source"}, key
        assert {"real news", "real SpinBot"} <= set(figure) and figure["source"], key
    assert set(REAL_FIGURES["sources"]) == set(REAL)


def test_profile_is_exported_and_the_table_marks_values_outside_their_range():
    assert harness.profile is profile
    p = profile([record("Heavy rain fell on the town.", "Weighty precipitation fell on the town.")])
    assert "insertions" in outside(p)
    table = profile_table({"toy": p})
    assert "real SpinBot" in table and "0.000*" in table
    assert profile_table({"toy": p}, markdown=True).startswith("| statistic |")


def test_seen_recipes_spin_the_fixture_articles_realistically(paragraphs):
    """The calibrated spinners, on the project's own fixture articles with the training side of
    the lexical split: the rows that depend least on the text (frequency, insertions and
    deletions, shapes) are in range; the share of edits touching a function word depends on how
    many function-word phrases the text holds (the fixtures hold more than news), so it may be
    up to 0.03 above its range."""
    from harness.core.configs import RATE_RANGE, SEEN_RECIPES
    from harness.corpus.realism import ROWS
    from harness.corpus.spin import recipe_spinner
    from harness.corpus.spin.lexical_split import LexicalSide

    records = []
    for seed in range(120):
        rng = random.Random(seed)
        text = "\n\n".join(rng.sample(paragraphs, 3))
        recipe = SEEN_RECIPES[sorted(SEEN_RECIPES)[seed % len(SEEN_RECIPES)]]
        records.append(record(text, recipe_spinner(recipe).spin(text, rng.uniform(*RATE_RANGE), rng, allow=LexicalSide("train")).spun))
    p = profile(records)
    wanted = ["mean_zipf_drop", "insertions", "deletions", "shapes/1<-1", "shapes/1<-2|1<-3", "shapes/3<-1"]
    assert not set(outside(p)) & set(wanted), profile_table({"fixtures": p})
    low, high = next(row.range for row in ROWS if row.key == "edits_touching_function_word")
    assert low <= p["edits_touching_function_word"] <= high + 0.03


def test_profile_command_on_a_build_and_on_imported_pairs(tiny_dataset, tmp_path, capsys):
    import json

    from harness.cli.main import main as spinbench

    assert spinbench(["profile", "news", "--split", "all", "--dataset", str(tiny_dataset)]) == 0
    table = capsys.readouterr().out
    assert "news/train" in table and "news/test" in table and "real SpinBot" in table
    assert spinbench(["profile", "--dataset", str(tiny_dataset), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["profiles"]) == {"news/test", "unseen-spinner/test", "third-party-spinner/test", "unseen-domain/test"}
    assert out["ranges"]["mean_zipf_drop"] == [0.3, 0.8] and "outside" in out
    # the held-out GloVe spinner never touches function words: --check names what is out of range
    assert spinbench(["profile", "unseen-spinner", "--dataset", str(tiny_dataset), "--check"]) == 2
    assert "edits_touching_function_word" in capsys.readouterr().err

    (tmp_path / "p.jsonl").write_text(json.dumps({"id": "a", "original": "Heavy rain fell on the town today.",
                                                  "spun": "Weighty rain fell on the town today."}) + "\n")
    assert spinbench(["align", "--pairs", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "wild")]) == 0
    capsys.readouterr()
    assert spinbench(["profile", "--dataset", str(tmp_path / "wild")]) == 0
    assert "wild/test" in capsys.readouterr().out
