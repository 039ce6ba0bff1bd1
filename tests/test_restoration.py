"""The restoration track as a user meets it: the contract and its conformance check, the
baselines, `harness.restore` and `evaluate --task restore`, stored predictions scored again the
same way, the restoration leaderboard and its check, `detect --suggest`, fingerprint lists."""

import json
import shutil
from pathlib import Path

import pytest

import harness
from harness.cli.main import main as spinbench
from harness.core.files import read_jsonl_gz, write_jsonl_gz
from harness.evaluation.conformance import ConformanceError
from harness.evaluation.results import ResultsError
from harness.restoration import leaderboard as restoration_leaderboard
from harness.restoration.registry import RESTORERS, resolve_class
from harness.restoration.run import rescore_restoration, restore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", sorted(RESTORERS))
def test_every_registered_restorer_conforms(name):
    harness.check_restorer(resolve_class(name))


class Oracle:
    """Knows nothing but the answer for one phrase: used to check what the harness counts."""

    requires_fit = False

    def restore(self, tokens, spans):
        return [["central"] if tokens[s:e] == ["focal"] else [] for s, e in spans]


class TooFew(Oracle):
    def restore(self, tokens, spans):
        return [[]] * (len(spans) - 1)


class NotStrings(Oracle):
    def restore(self, tokens, spans):
        return [[1.0] for _ in spans]


class BareString(Oracle):
    """A string where a list of candidates belongs: the message shows what came back."""

    def restore(self, tokens, spans):
        return ["central" for _ in spans]


class Learns:
    def __init__(self):
        self.table_ = {}

    def fit(self, docs, spans, originals):
        return self

    def restore(self, tokens, spans):
        return [[] for _ in spans]


class Forgetful(Oracle):
    requires_fit = True

    def fit(self, docs, spans, originals):
        return None


class Moody(Oracle):
    """Answers a span differently when the document's other spans are asked for with it."""

    def restore(self, tokens, spans):
        return [[str(len(spans))] for _ in spans]


class Paragraph(Oracle):
    """A paragraph for every span: no guess, and what evaluate refuses."""

    def restore(self, tokens, spans):
        return [[" ".join(["word"] * 60)] for _ in spans]


class LooksUp:
    """Answers only spans met in fit, with a confidence out of [0, 1]: the made-up test sentences
    alone share no spun wording with the training ones, so this passed the check before."""

    def fit(self, docs, spans, originals):
        self.table = {tuple(d[s:e]): o for d, sp, orig in zip(docs, spans, originals) for (s, e), o in zip(sp, orig)}
        return self

    def restore(self, tokens, spans):
        return [[(self.table[tuple(tokens[s:e])], 1.7)] if tuple(tokens[s:e]) in self.table else [] for s, e in spans]


@pytest.mark.parametrize("cls, message", [(TooFew, "lists for the"), (NotStrings, "neither a list of strings"), (BareString, "pairs: 'central'"), (Learns, "learned attributes"),
                                          (Forgetful, "must return self"), (Moody, "other spans"),
                                          (Paragraph, "returned a candidate of 60 words .* so it may hold at most 54 words"),
                                          (LooksUp, r"\(string, confidence in \[0, 1\]\) pairs: \[\('bank', 1.7\)\]")])
def test_conformance_names_what_is_wrong(cls, message):
    with pytest.raises(ConformanceError, match=message):
        harness.check_restorer(cls)


def test_reverse_rules_learns_reverse_rules_and_reads_fingerprints():
    from baselines.restorers import ReverseRulesRestorer

    docs = [["The", "focal", "bank", "kept", "premium", "rates", "."]] * 3
    spans = [[(1, 2), (4, 5)]] * 3
    restorer = ReverseRulesRestorer(phrasebook=False, fingerprints=str(FIXTURES / "fingerprints.csv")).fit(docs, spans, [["central", "interest"]] * 3)
    tokens = ["Focal", "premiums", "and", "counterfeit", "consciousness", "."]
    top = [c[0] for c in restorer.restore(tokens, [(0, 1), (1, 2), (3, 5)])]
    assert top == ["Central", "interests", "artificial intelligence"]  # capitals kept; the lemma rule re-inflected


def test_reverse_rules_can_read_the_phrasebook_backwards():
    from baselines.restorers import ReverseRulesRestorer

    tokens = ["Huge", "information", "moved", "."]
    assert ReverseRulesRestorer(phrasebook=True).fit([], [], []).restore(tokens, [(0, 2)])[0][0] == "Big data"
    assert ReverseRulesRestorer().fit([], [], []).restore(tokens, [(0, 2)])[0][0] != "Big data"


def test_context_restorer_prefers_what_fits_between_the_neighbours():
    from baselines.restorers import ContextRestorer

    docs = [["the", "big", "dog", "ran"]] * 4 + [["a", "big", "hat", "fell"]] * 5
    spans = [[(1, 2)]] * 9
    restorer = ContextRestorer(prior=0.0, wordnet=False, phrasebook=False).fit(docs, spans, [["large"]] * 4 + [["huge"]] * 5)
    assert restorer.restore(["the", "big", "dog", "ran"], [(1, 2)])[0][0] == "large"  # the rules alone would say "huge" (5 to 4)
    assert restorer.restore(["a", "big", "hat", "fell"], [(1, 2)])[0][0] == "huge"


def test_restore_writes_predictions_that_score_again_the_same(tiny_dataset, tmp_path):
    results = restore(Oracle(), dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=50)
    assert results.path == tmp_path / "restore" / "Oracle" / "news.test.json" and results.model.target == "test_restoration:Oracle"
    again = rescore_restoration(results.path.parent / results.predictions, dataset=str(tiny_dataset), n_boot=50)
    assert again.scores == results.scores
    assert json.loads(results.path.read_text())["main_score"]["name"] == "top1"
    assert results.get_score("edits", "top1") == results.main_score["value"]
    for args, kind, needle in ((("edits", "top2"), None, "did you mean 'edits/top5'"), (("by_kind", "top1"), "phrases", "kind= one of"),
                               (("end_to_end", "gold"), None, "end_to_end/gold_spans")):
        with pytest.raises(KeyError, match=needle):
            results.get_score(*args, kind=kind)

    rows = read_jsonl_gz(results.path.parent / results.predictions)
    doc = next(r for r in rows[1:] if r["spans"])
    doc["spans"][0][1] += 1  # not the gold spans any more
    write_jsonl_gz(tmp_path / "forged.predictions.jsonl.gz", rows)
    with pytest.raises(ResultsError, match="not the gold spans"):
        rescore_restoration(tmp_path / "forged.predictions.jsonl.gz", dataset=str(tiny_dataset))


class HalfKnowing:
    """Knows the original of every other gold span (second guess for the rest; upper-cased)."""

    requires_fit = False
    answers: dict = {}  # set on the class by the test (a hyperparameter must be JSON)

    def restore(self, tokens, spans):
        out = []
        for n, span in enumerate(spans):
            right = self.answers[(tuple(tokens), span)]
            out.append([right.upper()] if n % 2 == 0 else ["wrong guess", right])
        return out


def test_hits_and_distances_are_counted_as_the_answers_say(tiny_dataset):
    records = harness.load("news", "test", dataset=str(tiny_dataset)).records
    answers = {(tuple(t["text"] for t in r["tokens"]), (e["spun_start"], e["spun_end"])): e["original_text"] for r in records for e in r["edits"]}
    items = [sorted(e["spun_start"] for e in r["edits"] if e["spun_end"] > e["spun_start"]) for r in records]
    first = sum((len(i) + 1) // 2 for i in items)
    HalfKnowing.answers = answers
    results = restore(HalfKnowing(), dataset=str(tiny_dataset), n_boot=20, write=False)
    edits = results.scores["edits"]
    assert edits["count"] == sum(map(len, items)) > 10
    assert edits["top1"]["value"] == pytest.approx(first / edits["count"], abs=1e-6)  # case does not matter
    assert edits["top5"]["value"] == 1.0
    removed = results.scores["end_to_end"]["gold_spans"]
    assert 0 < removed["distance_after"] < removed["distance_before"]


def test_evaluate_task_restore_from_the_shell(tiny_dataset, tmp_path, capsys):
    base = ["evaluate", "--task", "restore", "--dataset", str(tiny_dataset), "--out", str(tmp_path), "--bootstrap", "20"]
    assert spinbench([*base, "--model", "reverse-rules", "--model-args", "phrasebook=False"]) == 0
    out = capsys.readouterr().out
    assert "reverse-rules on news/test" in out and "edit distance removed, gold spans" in out and "function_words" in out
    assert spinbench([*base, "--model", str(tmp_path / "restore" / "reverse-rules" / "news.test.predictions.jsonl.gz")]) == 0
    assert "reverse-rules on news/test" in capsys.readouterr().out
    assert spinbench([*base, "--model", "keep", "--threshold", "0.5"]) == 2
    assert "for detection" in capsys.readouterr().err
    assert spinbench([*base, "--model", "revers-rules"]) == 2
    assert "did you mean 'reverse-rules'" in capsys.readouterr().err
    assert spinbench(["evaluate", "--model", "lexicon", "--spans-from", "lexicon", "--dataset", str(tiny_dataset)]) == 2
    assert "--spans-from is for --task restore" in capsys.readouterr().err


def test_restoration_on_imported_pairs(tmp_path, capsys):
    pairs = {"id": "a", "original": "Heavy rain closed the central bank on Thursday.", "spun": "Weighty rain closed the focal bank on Thursday."}
    (tmp_path / "p.jsonl").write_text(json.dumps(pairs) + "\n")
    assert spinbench(["align", "--pairs", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "wild")]) == 0
    capsys.readouterr()
    results = restore(Oracle(), "wild", dataset=str(tmp_path / "wild"), n_boot=10, write=False)
    assert results.scores["edits"]["count"] == 2 and results.scores["edits"]["top1"]["value"] == 0.5
    assert results.scores["end_to_end"]["gold_spans"]["distance_removed"]["value"] == 0.5
    assert not results.is_entry


def test_restoration_leaderboard_renders_and_recomputes(report_results, report_dataset, tmp_path, capsys):
    results_dir = tmp_path / "results"
    shutil.copytree(report_results, results_dir)
    for model in ("keep", "reverse-thesaurus"):
        for config in ("news", "unseen-domain"):
            restore(model, config, dataset=str(report_dataset), spans_from="lexicon", results_dir=results_dir, output_dir=results_dir,
                    submit=True, allow_dirty=True)
    entries = restoration_leaderboard.collect(results_dir)
    assert set(entries) == {"keep", "reverse-thesaurus"} and entries["keep"]["news"].detector["name"] == "lexicon"
    problems, valid = restoration_leaderboard.check(results_dir, str(report_dataset))
    assert set(valid) == {"keep", "reverse-thesaurus"}
    assert problems == [f"restore/{m}: a partial submission: no entry for unseen-spinner, third-party-spinner (every model is scored on every config)"
                        for m in ("keep", "reverse-thesaurus")]  # submitted for two configs of four

    board = tmp_path / "leaderboard.md"
    assert spinbench(["leaderboard", "--results", str(results_dir), "--out", str(board), "--dataset", str(report_dataset)]) == 0
    text = board.read_text()
    assert "### restoration: `news`/test" in text and "| `reverse-thesaurus` |" in text and "(`lexicon`)" in text
    capsys.readouterr()
    spinbench(["leaderboard", "--check", "--results", str(results_dir), "--out", str(board), "--dataset", str(report_dataset)])
    err = capsys.readouterr().err  # partial submissions only: two configs of four, in both tracks
    assert [line for line in err.splitlines() if "a partial submission" not in line] == []
    assert "leaderboard check: restore/keep: a partial submission" in err and "leaderboard check: lexicon: a partial submission" in err

    entry = json.loads((results_dir / "restore" / "keep" / "news.json").read_text())
    entry["scores"]["edits"]["top1"]["value"] = 0.9
    (results_dir / "restore" / "keep" / "news.json").write_text(json.dumps(entry))
    problems, _ = restoration_leaderboard.check(results_dir, str(report_dataset))
    assert problems and "restore/keep/news: scores do not match" in problems[0]


def test_leaderboard_rescore_recomputes_restoration_entries(report_results, report_dataset, tmp_path, capsys):
    """`leaderboard --rescore` rewrites a restoration entry from its predictions (here one whose
    scores lack the lemma metrics, as written before they were added) by the same scoring path:
    the rescored entry equals the original and passes --check."""
    results_dir = tmp_path / "results"
    shutil.copytree(report_results, results_dir)
    restore("keep", "news", dataset=str(report_dataset), spans_from="lexicon", results_dir=results_dir, output_dir=results_dir,
            submit=True, allow_dirty=True)
    path = results_dir / "restore" / "keep" / "news.json"
    original = json.loads(path.read_text())
    older = json.loads(path.read_text())
    for block in (older["scores"]["edits"], *older["scores"]["by_kind"].values()):
        block.pop("top1_lemma"), block.pop("top5_lemma")
    path.write_text(json.dumps(older))
    problems, _ = restoration_leaderboard.check(results_dir, str(report_dataset))
    assert problems and problems[0].startswith("restore/keep/news:")

    board = ["--results", str(results_dir), "--out", str(tmp_path / "leaderboard.md"), "--dataset", str(report_dataset)]
    assert spinbench(["leaderboard", "--rescore", *board]) == 0
    assert "and 1 restoration entries" in capsys.readouterr().out
    rescored = json.loads(path.read_text())
    assert rescored["scores"] == original["scores"] and rescored["main_score"] == original["main_score"]
    assert rescored["rescored"]["harness"]["version"] == harness.__version__
    assert {k: v for k, v in rescored.items() if k != "rescored"} == original
    problems, valid = restoration_leaderboard.check(results_dir, str(report_dataset))
    assert [p for p in problems if "a partial submission" not in p] == [] and valid == restoration_leaderboard.collect(results_dir)

    # predictions that are not the ones the entry was computed from are refused, naming the entry
    rows = read_jsonl_gz(results_dir / "restore" / "keep" / "news.predictions.jsonl.gz")
    rows[1]["candidates"] = [["forged"] for _ in rows[1]["candidates"]]
    write_jsonl_gz(results_dir / "restore" / "keep" / "news.predictions.jsonl.gz", rows)
    assert spinbench(["leaderboard", "--rescore", *board]) == 2
    assert "restore/keep/news.json: news.predictions.jsonl.gz is not the predictions these results were computed from" in capsys.readouterr().err


def test_detect_suggest_uses_a_restorer(tiny_dataset, tmp_path, capsys):
    (tmp_path / "in.txt").write_text("Weighty precipitation fell.")
    base = ["detect", "--threshold", "0.5", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt"), "--model", "toy_detectors:Suggesting", "--suggest"]
    assert spinbench([*base, "--restorer", "test_restoration:Oracle", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # one span ("Weighty precipitation"), one guess for it; the Oracle has none
    assert out["spans"] == [[0, 21]] and out["suggestions"] == [{"start": 0, "end": 21, "suggestion": None, "confidence": None}]
    assert spinbench([*base, "--restorer", "reverse-thesaurus"]) == 0
    assert "'Weighty precipitation' was probably" in capsys.readouterr().out


def test_lexicon_reads_a_screener_export_as_its_external_lexicon(tiny_dataset):
    from baselines.lexicon import LexiconDetector

    docs = harness.load("news", "train", dataset=str(tiny_dataset)).token_texts()
    labels = harness.load("news", "train", dataset=str(tiny_dataset)).gold.doc_labels()
    plain = LexiconDetector().fit(docs, labels)
    listed = LexiconDetector(lexicon=str(FIXTURES / "fingerprints.csv"), external_score=0.97).fit(docs, labels)
    doc = ["An", "irregular", "woodland", "model", "."]
    assert listed.predict_token_proba([doc])[0][1:3] == [0.97, 0.97]
    assert plain.predict_token_proba([doc])[0][1:3] != [0.97, 0.97]


def test_fingerprints_reader_refuses_a_file_without_the_column(tmp_path):
    from baselines.fingerprints import read_fingerprints

    assert [r.expected for r in read_fingerprints(FIXTURES / "fingerprints.csv")][:2] == ["artificial intelligence", "big data"]
    (tmp_path / "bad.csv").write_text("phrase,expected\nx,y\n")
    with pytest.raises(ValueError, match="Fingerprint - Tortured Phrase"):
        read_fingerprints(tmp_path / "bad.csv")


def test_a_restorer_without_fit_that_needs_one_is_a_one_line_error(tiny_dataset):
    from harness.restoration.contract import RestorerError
    from harness.restoration.run import fitted_restorer

    class NoFit:
        def restore(self, tokens, spans):
            return [[] for _ in spans]

    with pytest.raises(RestorerError, match="no fit.*requires_fit = False"):
        fitted_restorer(NoFit(), "nofit", "test:NoFit", dataset=str(tiny_dataset))


def test_a_restorer_named_as_a_detector_or_the_other_way_round_says_which_task_it_belongs_to(capsys):
    from harness.cli.main import main as spinbench
    from harness.evaluation.registry import UnknownModel
    from harness.restoration.registry import resolve_class as restorer_class

    assert spinbench(["evaluate", "--model", "keep"]) != 0
    assert "'keep' is a restorer, not a detector" in capsys.readouterr().err
    with pytest.raises(UnknownModel, match="'lexicon' is a detector.*--spans-from lexicon"):
        restorer_class("lexicon")


def test_reproduce_gives_an_old_commit_the_detector_entry_as_that_commit_held_it(tmp_path):
    """An older harness may not read a detection results file written since (a field added to
    its schema): where the commit held the detector's entry the restoration entry records (same
    predictions hash, same token threshold), the rerun gets that one; else today's."""
    import subprocess
    from types import SimpleNamespace

    from harness.restoration.reproduce import detector_as_committed
    from harness.runs.reproduce import Group

    repo = tmp_path / "repo"
    folder = repo / "results" / "det"
    folder.mkdir(parents=True)
    entry = {"predictions": "news.predictions.jsonl.gz", "predictions_sha256": "abc", "thresholds": {"token": 0.25},
             "validation": {"predictions": "validation.predictions.jsonl.gz"}}
    (folder / "news.json").write_text(json.dumps(entry))
    (folder / "news.predictions.jsonl.gz").write_bytes(b"\x1f\x8bpredictions")
    (folder / "validation.predictions.jsonl.gz").write_bytes(b"\x1f\x8bvalidation")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "entries"], cwd=repo, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    # today's entry moved on (a field its commit's harness does not know)
    (folder / "news.json").write_text(json.dumps({**entry, "thresholds": {"token": 0.25, "token_misfit": 0.8}}))

    def group(record, spans_from="det"):
        res = SimpleNamespace(detector=record)
        return Group("restore/keep", "keep", commit, "t:T", {}, {"news": (tmp_path / "news.json", res)},
                     {"spans_from": spans_from, "results_dir": str(repo / "results")})

    tree = tmp_path / "tree"
    made = detector_as_committed(group({"predictions_sha256": "abc", "token_threshold": 0.25}), tree, repo=repo)
    assert made == {"results_dir": str((tree / "results").absolute())}
    assert json.loads((tree / "results" / "det" / "news.json").read_text()) == entry
    assert (tree / "results" / "det" / "news.predictions.jsonl.gz").read_bytes() == b"\x1f\x8bpredictions"
    assert (tree / "results" / "det" / "validation.predictions.jsonl.gz").read_bytes() == b"\x1f\x8bvalidation"
    # another entry than the one recorded (other predictions or cut), or none at the commit: today's
    assert detector_as_committed(group({"predictions_sha256": "abd", "token_threshold": 0.25}), tmp_path / "t2", repo=repo) == {}
    assert detector_as_committed(group({"predictions_sha256": "abc", "token_threshold": 0.3}), tmp_path / "t3", repo=repo) == {}
    assert detector_as_committed(group({"predictions_sha256": "abc", "token_threshold": 0.25}, "other"), tmp_path / "t4", repo=repo) == {}
    assert detector_as_committed(group(None, None), tmp_path / "t5", repo=repo) == {}


def test_spans_from_a_misspelt_detector_names_the_one_meant(tmp_path):
    from harness.restoration.items import resolve_detector_results

    for name in ("lexicon", "classifier"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "news.json").write_text("{}")
    assert resolve_detector_results("lexicon", "news", tmp_path) == tmp_path / "lexicon" / "news.json"
    with pytest.raises(harness.core.errors.SpinbenchError, match=r"did you mean 'lexicon'\? .* for news \(classifier, lexicon\)"):
        resolve_detector_results("lexicn", "news", tmp_path)
    # a relative results folder is read from the current one, and the message says so when it has none
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path / "lexicon")
        with pytest.raises(harness.core.errors.SpinbenchError, match=r"results/ is read from the current folder \(.*\), which has none: run from the repository's root"):
            resolve_detector_results("lexicon", "news")


def test_a_misspelt_class_names_the_one_meant():
    from harness.evaluation.registry import resolve_class as detector_class
    from harness.restoration.registry import resolve_class as restorer_class

    with pytest.raises(harness.core.errors.SpinbenchError, match=r"has no 'AllSpunn' .*: did you mean 'AllSpunDetector'\?"):
        detector_class("harness.evaluation.floor_detectors:AllSpunn")
    with pytest.raises(harness.core.errors.SpinbenchError, match=r"has no 'KeepRestorr' .*: did you mean 'KeepRestorer'\?"):
        restorer_class("harness.restoration.floor:KeepRestorr")
