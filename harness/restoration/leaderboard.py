"""The restoration table of ``leaderboard.md`` (from ``results/restore/``), and its ``--check``
and ``--rescore``: every entry recomputed from its stored predictions against the gold data, its
detected spans against the detector's own stored predictions.

An entry is ``results/restore/<model>/<config>.json`` with its predictions beside it, found,
admitted and ranked as detection's are (:mod:`harness.runs.board`): scored on the test split of
a leaderboard config with the leaderboards' resampling and committed code. Ranks: top-1 exact
match on ``news``/test by a paired bootstrap. ``--check`` asks what it asks of detection entries
(:mod:`harness.evaluation.verify`): every hash and score, the recorded commit and source files
(:mod:`harness.runs.history`), stray files and reserved names, partial submissions and near
copies (:mod:`harness.runs.audit`: restorers rank candidates rather than score tokens, so a
copy is told by its first candidates, which the main score counts), and the detector whose spans it restored must be a leaderboard entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT, THRESHOLD_SPLIT
from harness.evaluation.results import read_results
from harness.restoration.contract import TOP_K
from harness.restoration.items import detector_spans, restoration_gold
from harness.restoration.kinds import KINDS
from harness.restoration.predictions import confidences_in_order, read_predictions, rows_in_order, score_restoration_file
from harness.restoration.results import RestorationResults, read_restoration_results
from harness.restoration.scoring import CUT_RULE, MAIN_SCORE_NAME, cut_on
from harness.runs import audit, board
from harness.runs.board import GoldSplits, Table, check_hash, close, markdown
from harness.runs.bootstrap import DEFAULT_RESAMPLES
from harness.runs.copies import agreement
from harness.runs.formatting import MISSING, score_text
from harness.runs.history import History
from harness.runs.paths import RESTORE, VALIDATION_FILE, task_root
from harness.runs.results import ResultsError, check_revision

Entries = dict[str, dict[str, RestorationResults]]
LABEL = "restore/"  # how messages name the entries' folder


def restore_dir(results_dir: Path) -> Path:
    return task_root(results_dir, RESTORE)


def entry_files(results_dir: Path) -> tuple[list[Path], list[str]]:
    """Restoration entry files under ``results_dir/restore/`` (none when it is missing), and
    problems with anything else found there."""
    return board.entry_files(restore_dir(results_dir), label=LABEL, required=False, extra_files=(VALIDATION_FILE,))


def collect(results_dir: Path) -> Entries:
    paths, problems = entry_files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    return board.collect(paths, read_restoration_results)


def ranks(entries: Entries) -> dict[str, str]:
    return board.paired_ranks(board.main_resamples(entries, MAIN_SCORE_NAME))


def shown_share(block: dict) -> str:
    """The share of a detector's spans whose guess an abstaining restorer showed ("17%")."""
    return f"{block['shown'] / block['spans']:.0%}" if block.get("spans") else MISSING


def table(entries: Entries) -> Table:
    """Restoration on ``news``/test (gold spans; end to end on gold and detected spans), and
    top-1 on every held-out config; best top-1 first."""
    rank = ranks(entries)
    held_out = [c for c in CONFIGS if c != DEFAULT_CONFIG]
    rows = []

    def main(m):
        r = entries[m].get(DEFAULT_CONFIG)
        return -(r.main_score["value"] or 0) if r else 1

    for model in sorted(entries, key=lambda m: (main(m), m)):
        news = entries[model].get(DEFAULT_CONFIG)
        s = news.scores if news else {}
        edits, by_kind, end_to_end = s.get("edits", {}), s.get("by_kind", {}), s.get("end_to_end", {})
        detected, abstaining = end_to_end.get("detected_spans"), end_to_end.get("detected_spans_abstaining")
        speed = news.throughput.spans_per_second if news else None
        rows.append([
            rank.get(model, MISSING), model,
            score_text(edits.get("top1")), score_text(edits.get(f"top{TOP_K}")),
            score_text(edits.get("top1_lemma"), False), score_text(edits.get(f"top{TOP_K}_lemma"), False),
            *(score_text(by_kind.get(k, {}).get("top1"), False) for k in KINDS),
            score_text(end_to_end.get("gold_spans", {}).get("distance_removed")),
            f"{score_text(detected['distance_removed'], False)} (`{news.detector['name']}`)" if detected and news.detector else MISSING,
            f"{score_text(abstaining['distance_removed'], False)} ({shown_share(abstaining)} shown)" if abstaining else MISSING,
            *(score_text(entries[model][c].main_score, False) if c in entries[model] else MISSING for c in held_out),
            f"{speed:,.0f}" if speed else MISSING,
        ])
    columns = ("rank", "model", "top-1 (main)", f"top-{TOP_K}", "top-1 lemma", f"top-{TOP_K} lemma", *(f"top-1 {k.replace('_', ' ')}" for k in KINDS),
               "edit distance removed, gold spans", "removed, detector's spans",
               "removed, detector's spans, abstaining", *(f"{c} top-1" for c in held_out), "spans/s")
    return Table(f"restoration: `{DEFAULT_CONFIG}`/test, original wording recovered", columns, rows)


SECTION_INTRO = (
    "Restoration (the [restoration track](docs/restoration.md)): for each gold edit of a spun document, the restorer's "
    f"ranked guesses at the original wording; top-1 and top-{TOP_K} exact match (case-insensitive; *lemma*: up to inflection), "
    "broken down by edit kind, and end to end the share of the token edit distance to the original that putting its first "
    f"guess in every span removes (on the gold spans, and on a detector's flagged spans; *abstaining*: with the guesses under the "
    "restorer's confidence cut, chosen on `news`/validation, withheld, for a restorer that gives confidences; *shown*: the share "
    f"of the detector's spans left with a guess). 95% intervals from {DEFAULT_RESAMPLES:,} bootstrap resamples of documents; rank: {board.rank_rule('top-1')} Rendered from `results/restore/`; "
    "`spinbench leaderboard --check` recomputes every entry from its predictions; `spans/s` is self-reported."
)


def section(entries: Entries) -> str:
    """The Markdown section appended to ``leaderboard.md`` ("" without entries)."""
    if not entries:
        return ""
    t = table(entries)
    note = audit.dirty_note(board.dirty_models(entries))
    return "\n".join([f"### {t.title}", "", SECTION_INTRO, "", *markdown(t), "", *([note, ""] if note else [])])


def recompute(path: Path, res: RestorationResults, results_dir: Path, gold: GoldSplits) -> tuple[dict, dict]:
    """An entry's scores recomputed from its stored predictions (the one scoring path,
    :func:`~harness.restoration.predictions.score_restoration_file`), after checking the dataset
    revision, the predictions' hash and header, and the detector's spans against the detector's
    own stored predictions (its leaderboard entry's); ResultsError names the first mismatch.
    Returns the scores and the predictions' rows by document id."""
    split = gold(res.dataset.config, res.dataset.split)
    check_revision(res.dataset.fingerprint, split)
    pred = path.parent / res.predictions
    check_hash(pred, res.predictions_sha256, "predictions")
    detector = None
    if res.detector is not None:
        entry = Path(results_dir) / res.detector["name"] / f"{res.dataset.config}.json"
        try:
            board.read_entry(entry, read_results)
        except ResultsError as err:
            raise ResultsError(f"the spans it restored come from a detection run that is not a leaderboard entry ({err})") from None
        detector = detector_spans(entry, split)
    read = read_predictions(pred)
    check_abstention_cut(path, read[0], res, gold)
    header, scores = score_restoration_file(pred, gold.viewed(res.dataset.config, res.dataset.split), res.bootstrap.resamples, res.bootstrap.seed,
                                            detector, read=read)
    for field, want in (("model", res.model.name), ("target", res.model.target), ("params", res.model.params)):
        if header.get(field) != want:
            raise ResultsError(f"its predictions header's {field} {header.get(field)!r} is not {want!r}")
    return scores, read[1]


def check_abstention_cut(path: Path, header: dict, res: RestorationResults, gold: GoldSplits) -> None:
    """A :class:`ResultsError` unless the abstention cut a predictions header records is the one
    the rule chooses on the ``news``/validation predictions stored beside it (a run of a restorer
    without confidences records none)."""
    abstention = header.get("abstention")
    if abstention is None:
        return
    val_path = path.parent / str(abstention.get("predictions"))
    check_hash(val_path, abstention.get("predictions_sha256"), "validation predictions")
    val_header, rows = read_predictions(val_path)
    if (val_header.get("model"), val_header.get("target"), val_header.get("params")) != (res.model.name, res.model.target, res.model.params):
        raise ResultsError(f"{val_path.name}: not this run's validation predictions")
    validation = gold.viewed(DEFAULT_CONFIG, THRESHOLD_SPLIT)
    candidates, _ = rows_in_order(val_path, val_header, rows, validation)
    cut = cut_on(validation, candidates, confidences_in_order(val_header, rows, validation)[0])
    if not close(cut, abstention.get("cut"), board.SCORE_TOLERANCE):
        raise ResultsError(f"its abstention cut {abstention.get('cut')} is not the one the rule ({CUT_RULE}) gives on its stored validation predictions ({cut})")


@dataclass
class Checked:
    """An entry that recomputes: its results, and its first candidate for every gold span in the
    gold documents' order (what near copies are told by)."""

    results: RestorationResults
    first: np.ndarray


def first_candidates(rows: dict[str, dict], ids: list[str]) -> np.ndarray:
    """Each gold span's first candidate, lower-cased as top-1 compares it ("" for no guess)."""
    return np.array([c[0].lower() if c else "" for i in ids for c in rows[i]["candidates"]], dtype=object)


def check(results_dir: Path, dataset: str | None = None, history: History | None = None) -> tuple[list[str], Entries]:
    """(problems, valid entries): each entry recomputed from its predictions (every hash, the
    gold spans, the detector's spans from its own stored predictions, every score), its recorded
    code against ``history``, and the entries together (partial submissions, near copies). A
    missing dataset raises :class:`~harness.core.dataset.DatasetNotFound`."""
    paths, problems = entry_files(results_dir)
    gold = GoldSplits(dataset, restoration_gold)

    def check_one(path: Path) -> Checked:
        res = board.read_entry(path, read_restoration_results)
        scores, rows = recompute(path, res, results_dir, gold)
        if not close(scores, res.scores, board.SCORE_TOLERANCE):
            raise ResultsError("scores do not match a recomputation from the predictions: "
                               + board.said(board.differences(scores, res.scores, board.SCORE_TOLERANCE)))
        if res.stored_main_score != res.main_score:
            raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
        return Checked(res, first_candidates(rows, gold.viewed(res.dataset.config, res.dataset.split).ids))

    history = history or History()
    found, passed = board.check_entries(paths, check_one, LABEL, history)
    valid: Entries = {}
    compared: dict[str, dict[str, np.ndarray]] = {}
    for path, entry in passed.items():
        valid.setdefault(path.parent.name, {})[path.stem] = entry.results
        compared.setdefault(f"{path.stem}/{EVALUATION_SPLIT}", {})[path.parent.name] = entry.first
    problems += found + audit.partial_submissions(paths, LABEL) + audit.copy_problems(compared, LABEL, "first candidates", agreement)
    return problems, valid


def rescore(results_dir: Path, dataset: str | None = None) -> list[tuple[Path, RestorationResults]]:
    """Recompute the scores of every restoration entry from its stored predictions with this
    harness (after a metric was added or changed), keeping everything else and recording the
    harness that rescored it; returns each file with its rescored results, written by
    :func:`harness.runs.board.write_rescored` once every entry has recomputed. A stray file, or predictions that do
    not recompute (a wrong hash, spans, revision), is a ResultsError naming it; the predictions
    are never rewritten."""
    paths, problems = entry_files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    gold = GoldSplits(dataset, restoration_gold)

    def rescore_one(path: Path) -> RestorationResults:
        res = board.read_entry(path, read_restoration_results, older_scores=True)
        res.scores = recompute(path, res, results_dir, gold)[0]
        return res

    return board.rescore_entries(paths, rescore_one)  # written by board.write_rescored
