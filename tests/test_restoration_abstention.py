"""Abstention in the restoration track: candidates with confidences, the cut chosen on
news/validation, coverage and precision at the cut, and the edit distance removed when the
suggestions below it are withheld; the ranker restorer that gives confidences."""

import random

import pytest

import harness
from harness.core.files import read_jsonl_gz
from harness.core.tokens import tokenize
from harness.restoration import metrics
from harness.restoration.contract import RestorerError, check_restored
from harness.restoration.run import rescore_restoration, restore


def _loop_cut(confidences, hits, target):
    """The definition, spelt out: every distinct confidence tried as the cut, lowest first."""
    for cut in sorted(set(confidences)):
        shown = [h for c, h in zip(confidences, hits) if c >= cut]
        if sum(shown) >= target * len(shown):
            return cut
    return metrics.SHOW_NOTHING  # no cut is right often enough: nothing is shown


@pytest.mark.parametrize("seed", range(30))
def test_choose_cut_matches_the_definition(seed):
    rng = random.Random(seed)
    n = rng.randrange(0, 40)
    confidences = [rng.choice([0.1, 0.3, 0.5, 0.7, 0.9, rng.random()]) for _ in range(n)]
    hits = [rng.random() < c for c in confidences]
    target = rng.choice([0.5, 0.75, 0.9])
    assert metrics.choose_cut(confidences, hits, target) == _loop_cut(confidences, hits, target)


def test_candidates_may_carry_confidences():
    spans = [(0, 1), (1, 2), (2, 3)]
    got = check_restored("toy", "d", spans, [[("big", 0.9), ("large", 0.2)], ["huge"], []])
    assert got.candidates == [["big", "large"], ["huge"], []]
    assert got.confidences == [[0.9, 0.2], None, None]
    for bad in ([("big", 1.5)], [("big", "high")], [("big", 0.5), "large"], [("big", float("nan"))]):
        with pytest.raises(RestorerError, match="confidence in"):
            check_restored("toy", "d", spans[:1], [bad])


def test_withheld_spans_keep_their_wording():
    spun, original = ["a", "big", "dog"], ["a", "large", "hound"]
    candidates = [["large"], ["cat"]]
    sure = metrics.document_distances(spun, original, [(1, 2), (2, 3)], metrics.withheld(candidates, [[0.9], [0.2]], cut=0.5))
    everything = metrics.document_distances(spun, original, [(1, 2), (2, 3)], candidates)
    assert sure == everything == (2, 1)  # the wrong guess replaced a wrong word: no cost either way
    assert metrics.withheld(candidates, None, cut=0.5) == candidates


class Confident:
    """Right, with confidence 0.9, on every other gold span; a wrong guess at 0.2 on the rest
    (and on any span it was not told about: a false alarm)."""

    requires_fit = False
    answers: dict = {}  # set on the class by the test (a hyperparameter must be JSON)

    @classmethod
    def knowing(cls, dataset) -> None:
        """Tell it the original wording of every gold edit of ``news``' validation and test splits."""
        cls.answers = {}
        for split in ("validation", "test"):
            for r in harness.load("news", split, dataset=str(dataset)).records:
                cls.answers.update({(tuple(t["text"] for t in r["tokens"]), (e["spun_start"], e["spun_end"])): e["original_text"] for e in r["edits"]})

    def restore(self, tokens, spans):
        out = []
        for n, span in enumerate(spans):
            right = self.answers.get((tuple(tokens), span))
            out.append([(right, 0.9)] if right is not None and n % 2 == 0 else [("wrong guess", 0.2)])
        return out


def test_the_cut_is_chosen_on_validation_and_withholds_unsure_suggestions(tiny_dataset, tmp_path):
    Confident.knowing(tiny_dataset)
    results = restore(Confident(), dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=20)
    abstention = results.scores["abstention"]
    assert abstention["cut"] == 0.9 and abstention["chosen_on"] == "news/validation"
    items = results.scores["edits"]["count"]
    assert abstention["precision"]["value"] == 1.0
    assert abstention["coverage"]["value"] == pytest.approx(results.scores["edits"]["top1"]["value"])
    assert 0 < abstention["coverage"]["value"] * items < items
    gold = results.scores["end_to_end"]
    assert gold["gold_spans_abstaining"]["distance_after"] <= gold["gold_spans"]["distance_after"]
    header = read_jsonl_gz(results.path.parent / results.predictions)[0]["header"]
    assert header["abstention"]["cut"] == 0.9
    calibration = read_jsonl_gz(results.path.parent / header["abstention"]["predictions"])
    assert calibration[0]["header"]["split"] == "validation" and "confidences" in calibration[1]
    again = rescore_restoration(results.path.parent / results.predictions, dataset=str(tiny_dataset), n_boot=20)
    assert again.scores == {**results.scores, "abstention": {k: v for k, v in abstention.items() if k in again.scores["abstention"]}}


def test_a_restorer_without_confidences_is_always_shown(tiny_dataset):
    from harness.restoration.floor import KeepRestorer

    results = restore(KeepRestorer(), dataset=str(tiny_dataset), n_boot=20, write=False)
    assert "abstention" not in results.scores and "gold_spans_abstaining" not in results.scores["end_to_end"]


def _tiny_ranker():
    """A ranker fitted in a second on one hand-written sentence, and its documents."""
    from baselines.restorer_ranker import RankingRestorer

    docs = [["The", "weighty", "rain", "shut", "the", "roads", "."]] * 30
    return docs, RankingRestorer(train_spans=60, max_iter=5).fit(docs, [[(1, 2), (3, 4)]] * 30, [["heavy", "closed"]] * 30)


def test_the_ranker_gives_ranked_candidates_with_confidences():
    docs, restorer = _tiny_ranker()
    (ranked,) = restorer.restore(docs[0], [(1, 2)])
    assert ranked and all(isinstance(t, str) and 0 <= c <= 1 for t, c in ranked)
    assert [c for _, c in ranked] == sorted((c for _, c in ranked), reverse=True)
    assert "heavy" in [t for t, _ in ranked]  # Moby lists "weighty" under "heavy": read backwards


def test_the_ranker_restores_a_span_met_again_as_it_did_the_first_time(paragraphs):
    """Spans met again (the same words between the same neighbours) are looked up, not described
    again: every suggestion is what a fresh restorer gives, whichever spans came before, and the
    look-ups are not pickled with the fit."""
    import pickle

    from baselines.restorer_ranker import RankingRestorer

    docs, restorer = _tiny_ranker()
    texts = [doc for doc in ([t.text for t in tokenize(p)] for p in paragraphs[:8]) if len(doc) > 8]
    asked = [(doc, [(i, i + 1) for i in range(1, len(doc) - 1, 3)] + [(2, 4), (2, 4)]) for doc in texts]
    asked += [(texts[0], [(2, 4), (5, 6), (1, 2)])]  # met before, in another order
    fresh = [RankingRestorer.__new__(RankingRestorer) for _ in asked]
    for r in fresh:
        r.__dict__.update(pickle.loads(pickle.dumps(restorer)).__dict__)
    assert [restorer.restore(doc, spans) for doc, spans in asked] == [r.restore(doc, spans) for r, (doc, spans) in zip(fresh, asked)]
    assert restorer._restored and "_restored" not in pickle.loads(pickle.dumps(restorer)).__dict__


def test_a_span_between_the_same_neighbours_in_other_context_is_described_afresh():
    """The ranker reads ten words either side (its topic vector, two-word context), so a span is
    looked up only where all of them are the same: met between the same next-door neighbours in
    another text, it gets the suggestions a fresh restorer gives there, not the first text's."""
    import pickle


    _, restorer = _tiny_ranker()
    first = [t.text for t in tokenize("Farmers said the weighty rain shut the roads near the harbour after storms.")]
    other = [t.text for t in tokenize("Bankers said the weighty rain shut the markets across the region after elections.")]
    span = [(4, 5)]  # "rain", between "weighty" and "shut" in both
    assert first[3:6] == other[3:6] and first[:3] != other[:3]
    fresh = pickle.loads(pickle.dumps(restorer))
    restorer.restore(first, span)
    assert restorer.restore(other, span) == fresh.restore(other, span)
    assert restorer.restore(first, span) == pickle.loads(pickle.dumps(restorer)).restore(first, span)


def test_the_leaderboard_check_recomputes_the_cut_from_the_stored_validation_predictions(tiny_dataset, tmp_path):
    from harness.restoration.items import restoration_gold
    from harness.restoration.leaderboard import check_abstention_cut
    from harness.runs.board import GoldSplits
    from harness.runs.results import ResultsError

    Confident.knowing(tiny_dataset)
    results = restore(Confident(), dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=20)
    header = read_jsonl_gz(results.path.parent / results.predictions)[0]["header"]
    gold = GoldSplits(str(tiny_dataset), restoration_gold)
    check_abstention_cut(results.path, header, results, gold)  # as written: the rule's cut
    forged = {**header, "abstention": {**header["abstention"], "cut": 0.1}}  # every guess shown
    with pytest.raises(ResultsError, match="is not the one the rule"):
        check_abstention_cut(results.path, forged, results, gold)


def test_detect_suggest_shows_a_guess_only_above_the_cut_with_its_confidence(tiny_dataset, tmp_path, monkeypatch):
    """spinbench detect --suggest through a restorer with confidences: the cut is the one restore
    chooses on news/validation (0.9 for Confident); a sure guess is shown with its confidence, an
    unsure one withheld."""
    from harness.cli.restoration_commands import span_suggester
    from harness.restoration import registry

    Confident.knowing(tiny_dataset)
    monkeypatch.setitem(registry.RESTORERS, "confident", "test_restoration_abstention:Confident")
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
    suggest = span_suggester("confident", str(tiny_dataset))
    record = next(r for r in harness.load("news", "test", dataset=str(tiny_dataset)).records if len([e for e in r["edits"] if e["spun_end"] > e["spun_start"]]) >= 2)
    tokens = [t["text"] for t in record["tokens"]]
    edits = [e for e in record["edits"] if e["spun_end"] > e["spun_start"]][:2]
    spans = [(e["spun_start"], e["spun_end"]) for e in edits]
    shown, withheld = suggest(tokens, spans)  # Confident is sure of every other span only
    assert shown == (edits[0]["original_text"], 0.9) and withheld is None


def test_detect_says_how_many_suggestions_it_withheld(tiny_dataset, tmp_path, monkeypatch, capsys):
    """A span whose guess is under the cut is not left out silently: the summary counts it. And
    --restorer without --suggest is a one-line error, not ignored."""
    from harness.cli.main import main as spinbench
    from harness.restoration import registry

    Confident.knowing(tiny_dataset)  # on a text it was not told about, every guess is unsure (0.2; the cut is 0.9)
    monkeypatch.setitem(registry.RESTORERS, "confident", "test_restoration_abstention:Confident")
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
    (tmp_path / "in.txt").write_text("Weighty precipitation fell.")
    base = ["detect", "--threshold", "0.5", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt"), "--model", "toy_detectors:Suggesting"]
    assert spinbench([*base, "--suggest", "--restorer", "confident"]) == 0
    out = capsys.readouterr().out
    assert "was probably" not in out and "1 of 1 flagged spans without a suggestion: the restorer's confidence was under the cut chosen" in out
    # a restorer with no confidences withholds nothing: only a missing candidate leaves a span bare
    monkeypatch.setitem(registry.RESTORERS, "nothing", "test_restoration:Oracle")  # knows only "focal"
    assert spinbench([*base, "--suggest", "--restorer", "nothing"]) == 0
    assert "1 of 1 flagged spans without a suggestion: the restorer had no candidate)" in capsys.readouterr().out
    assert spinbench([*base, "--restorer", "confident"]) == 2
    assert "--restorer confident chooses what --suggest uses" in capsys.readouterr().err
    # the detector's own suggest guesses token by token, with no confidence: the count says so
    own = [*base[:-1], "toy_detectors:SuggestingSome", "--suggest", "--restorer", "detector"]
    assert spinbench(own) == 0
    out = capsys.readouterr().out
    assert "'precipitation' was probably 'prec'" in out and "1 of 2 flagged tokens without a suggestion: the detector's own suggest gave none" in out
    assert "confidence" not in out.split("-- likely originals:")[1]


def test_the_default_restorer_for_suggestions_is_the_best_committed_on_news():
    """``detect --suggest`` without --restorer uses the restorer whose committed entry has the best
    top-1 on news/test, as its help says."""
    import json
    from pathlib import Path

    from harness.restoration.registry import BEST_RESTORER, RESTORERS

    entries = {p.parent.name: json.loads(p.read_text()) for p in (Path(__file__).parents[1] / "results" / "restore").glob("*/news.json")}
    assert entries, "no committed restoration entries"
    best = max(entries, key=lambda name: entries[name]["scores"]["edits"]["top1"]["value"])
    assert BEST_RESTORER == best and best in RESTORERS


def test_the_ranker_gives_nothing_for_an_empty_span():
    docs, restorer = _tiny_ranker()
    empty, weighty = restorer.restore(docs[0], [(3, 3), (1, 2)])
    assert empty == [] and weighty


def test_an_entry_with_confidences_recomputes_and_rescores_with_its_cut_named(tiny_dataset, tmp_path):
    from harness.restoration import leaderboard as restoration_board

    Confident.knowing(tiny_dataset)
    results = tmp_path / "results"
    entry = restore(Confident(), dataset=str(tiny_dataset), output_dir=results, submit=True, allow_dirty=True)
    recorded = entry.scores["abstention"]
    assert recorded["chosen_on"] == "news/validation" and recorded["predictions"] and len(recorded["predictions_sha256"]) == 64
    problems, valid = restoration_board.check(results, str(tiny_dataset))
    assert [p for p in problems if "a partial submission" not in p] == []  # news alone: the other configs are not run here
    assert list(valid) == [entry.path.parent.name]
    table = restoration_board.table(valid)
    column = table.columns.index("removed, detector's spans, abstaining")
    assert "gold_spans_abstaining" in entry.scores["end_to_end"]
    assert table.rows[0][column] == "–"  # restored on the gold spans only: no detector's spans to abstain on
    rescored = restoration_board.rescore(results, str(tiny_dataset))
    assert [res.scores["abstention"] for _, res in rescored] == [recorded]
    # evaluate's summary says what the cut shows and how often it is right, or that it shows nothing
    from harness.cli.restoration_commands import summary
    from harness.runs.formatting import summary_text

    said = summary(entry).splitlines()[-1]
    if recorded["cut"] > 1:
        assert said.startswith("  abstaining: every guess withheld: on news/validation no confidence cut")
    else:
        assert said == (f"  abstaining: guesses under confidence {recorded['cut']:.4f} withheld (the lowest cut whose guesses on news/validation are "
                        f"right 75% of the time): a guess shown for {summary_text(recorded['coverage'], entry.dataset.documents)} of the gold spans, "
                        f"right {summary_text(recorded['precision'], entry.dataset.documents)} of the time")
    entry.scores["abstention"]["cut"] = metrics.SHOW_NOTHING
    assert "every guess withheld" in summary(entry).splitlines()[-1]


class FittedConfident(Confident):
    """:class:`Confident` with a fit (so its fit, and what it restored on validation, are cached),
    counting the spans it is asked to restore."""

    requires_fit = True
    asked: list = []  # a list per process: how many spans each restore call was given
    fits: list = []  # and one entry per fit

    def fit(self, docs, spans, originals):
        FittedConfident.fits.append(len(docs))
        return self

    def restore(self, tokens, spans):
        FittedConfident.asked.append(len(spans))
        return super().restore(tokens, spans)


def test_validation_is_restored_once_for_a_cached_fit_and_scores_alike(tiny_dataset, tmp_path):
    from harness.restoration.items import restoration_gold

    Confident.knowing(tiny_dataset)
    validation = sum(map(len, restoration_gold(harness.load("news", "validation", dataset=str(tiny_dataset))).spans()))
    test = sum(map(len, restoration_gold(harness.load("news", "test", dataset=str(tiny_dataset))).spans()))
    FittedConfident.asked = []
    first = restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "a", n_boot=20)
    assert sum(FittedConfident.asked) == test + validation  # fitted now: validation restored to choose the cut
    FittedConfident.asked = []
    again = restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "b", n_boot=20)
    assert sum(FittedConfident.asked) == test  # the fit from the cache, validation's candidates with it
    assert again.scores == first.scores
    kept = [read_jsonl_gz(r.path.parent / "validation.predictions.jsonl.gz") for r in (first, again)]
    assert kept[0][1:] == kept[1][1:]
    FittedConfident.asked = []
    restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "c", n_boot=20, use_cache=False)
    assert sum(FittedConfident.asked) == test + validation  # refitted: restored again


def test_kept_validation_candidates_are_not_used_once_the_harness_code_that_made_them_changed(tiny_dataset, tmp_path, monkeypatch):
    from harness.restoration import run
    from harness.restoration.items import restoration_gold

    Confident.knowing(tiny_dataset)
    validation = sum(map(len, restoration_gold(harness.load("news", "validation", dataset=str(tiny_dataset))).spans()))
    test = sum(map(len, restoration_gold(harness.load("news", "test", dataset=str(tiny_dataset))).spans()))
    restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "a", n_boot=20)
    monkeypatch.setattr(run, "_restoring_code", lambda: "other code")  # the fit's key does not cover the harness
    FittedConfident.asked = []
    restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "b", n_boot=20)
    assert sum(FittedConfident.asked) == test + validation
    FittedConfident.asked = []
    restore(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path / "c", n_boot=20)
    assert sum(FittedConfident.asked) == test  # kept again, under the new code


def test_restoring_every_config_with_a_refit_asked_for_fits_once(tiny_dataset, tmp_path):
    from harness.core.configs import CONFIGS
    from harness.restoration.run import restore_all

    Confident.knowing(tiny_dataset)
    FittedConfident.fits = []
    runs = restore_all(FittedConfident(), dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=20, use_cache=False)
    assert list(runs) == list(CONFIGS) and len(FittedConfident.fits) == 1


def test_the_restorers_take_tokenize_output_and_refuse_untokenized_text():
    """As the detectors: harness.tokenize's Token objects are taken as their text, and a text
    given as one string, or a call to restore before fit, is refused with a message that says
    what to do."""
    from baselines.restorer_ranker import RankingRestorer
    from baselines.restorers import ContextRestorer, ReverseRulesRestorer, ReverseThesaurusRestorer
    from harness.evaluation.contract import BadDocuments, NotFitted

    text = "The weighty rain shut the roads."
    as_tokens, as_text = tokenize(text), [t.text for t in tokenize(text)]
    docs, spans, originals = [as_tokens] * 30, [[(1, 2), (3, 4)]] * 30, [["heavy", "closed"]] * 30
    made = [ReverseThesaurusRestorer(), ReverseRulesRestorer().fit(docs, spans, originals), ContextRestorer().fit(docs, spans, originals),
            RankingRestorer(train_spans=60, max_iter=5).fit(docs, spans, originals)]
    for restorer in made:
        assert restorer.restore(as_tokens, [(1, 2)]) == restorer.restore(as_text, [(1, 2)])
        with pytest.raises(BadDocuments, match="tokens is a str, not a list of tokens: .*harness.tokenize"):
            restorer.restore(text, [(1, 2)])
    with pytest.raises(BadDocuments, match=r"docs\[0\] is a str"):
        ReverseRulesRestorer().fit([text], [[(1, 2)]], [["heavy"]])
    # spans and originals are checked as scikit-learn checks X and y: the count, the range, the order
    from harness.restoration.contract import BadSpans

    two = [as_text, as_text]
    for restorer_class in (ReverseRulesRestorer, ContextRestorer, RankingRestorer):
        for spans_, originals_, message in (
                ([[(1, 2)]], [["heavy"], []], r"1 spans lists for 2 documents: one list per document"),
                ([[(1, 30)], []], [["heavy"], []], r"spans\[0\]\[0\] \(1, 30\) is not a range of the text's 7 tokens"),
                ([[(3, 1)], []], [["heavy"], []], r"spans\[0\]\[0\] \(3, 1\) is not a range"),
                ([[(3, 4), (1, 2)], []], [["a", "b"], []], r"spans\[0\]\[1\] \(1, 2\) starts inside or before spans\[0\]\[0\]"),
                ([[(1, 2)], []], [["heavy", "x"], []], r"originals\[0\] has 2 wordings for 1 span"),
                ([[(1, 2)], []], [[None], []], r"originals\[0\]\[0\] is a NoneType: each original wording is a string"),
                (None, [["heavy"], []], r"spans is a NoneType, not a list with one list per document")):
            with pytest.raises(BadSpans, match=message):
                restorer_class().fit(two, spans_, originals_)
    for restorer in made:
        with pytest.raises(BadSpans, match=r"spans\[0\] \(0, 9\) is not a range of the text.s 7 tokens: 0 <= start <= end"):
            restorer.restore(as_text, [(0, 9)])
        with pytest.raises(BadSpans, match="spans is a NoneType"):
            restorer.restore(as_text, None)
    for unfitted in (ReverseRulesRestorer(), ContextRestorer(), RankingRestorer()):
        with pytest.raises(NotFitted, match=rf"this {type(unfitted).__name__} is not fitted yet: call fit\(docs, spans, originals\) before restore"):
            unfitted.restore(as_tokens, [(1, 2)])
