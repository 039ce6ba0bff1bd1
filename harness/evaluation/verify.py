"""``spinbench leaderboard --check`` and ``--rescore`` for detection entries: every entry
recomputed from its predictions against the gold labels.

``--check`` trusts nothing a results file says that can be recomputed: every hash, the
provenance in the predictions headers, the thresholds (chosen again from the stored
``news``/validation predictions by the rule), every score, the recorded commit and the model's
source files against the repository's history (:mod:`harness.runs.history`); it also flags a
model submitted for only some configs and one model's scores submitted under two names, exact
or near copies (:mod:`harness.runs.audit`). ``--rescore`` recomputes every entry's thresholds
and scores with this harness from predictions whose hash is the one recorded when they were
written; it never rewrites them. Both score through
:func:`~harness.evaluation.predictions.score_predictions_file`, the function ``rescore`` uses.
What neither can tell, predictions that are not the model's own, ``--reproduce`` does
(:mod:`harness.evaluation.reproduce`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.core.configs import DEFAULT_CONFIG, EVALUATION_SPLIT, THRESHOLD_SPLIT
from harness.core.dataset import DatasetNotFound
from harness.evaluation.leaderboard import Entries, entry_files, render
from harness.evaluation.predictions import ScoredPredictions, provenance_problems, read_predictions, score_predictions_file
from harness.evaluation.results import MAIN_SCORE_NAME, Results, read_results
from harness.evaluation.thresholds import RULE_NAME
from harness.evaluation.validation import read_validation
from harness.runs import audit, board
from harness.runs.board import GoldSplits, check_hash, close
from harness.runs.history import History
from harness.runs.results import ResultsError, check_revision

# Thresholds recomputed on another machine may differ in the last bits of the fitted shares.
THRESHOLD_TOLERANCE = 1e-9


@dataclass
class Recomputed:
    """An entry's predictions scored again: what the scores and thresholds are, and the token
    scores themselves (the validation ones too), for comparing models."""

    scored: ScoredPredictions
    validation_tokens: list[list[float]]


def recompute(path: Path, res: Results, gold: GoldSplits, older_rule_ok: bool = False) -> Recomputed:
    """An entry's scores recomputed from its stored predictions, thresholds included, after
    checking every hash and every provenance field it can; ResultsError names the first mismatch.
    ``older_rule_ok``: thresholds recorded by an older threshold rule (no ``rule``, or another)
    may differ from the current rule's (for :func:`rescore`, which replaces them); thresholds that
    claim the current rule must be its. The thresholds a predictions header records are those of
    the run that wrote it, before any rescoring: the results' are the ones recomputed here."""
    config, split = res.dataset.config, res.dataset.split
    scored_on = gold(config, split)
    check_revision(res.dataset.fingerprint, scored_on)
    size = (len(scored_on), int(scored_on.gold.offsets[-1]))
    if (res.dataset.documents, res.dataset.tokens) != size:
        raise ResultsError(f"it says {res.dataset.documents} documents and {res.dataset.tokens} tokens; {config}/{split} has {size[0]} and {size[1]}")
    pred_path = path.parent / res.predictions
    check_hash(pred_path, res.predictions_sha256, "predictions")
    read = read_predictions(pred_path)
    problems = provenance_problems(read[0], res.model, config, split, res.dataset.fingerprint)
    if problems:
        raise ResultsError(f"{pred_path.name}: " + "; ".join(problems))
    if res.validation is None:
        raise ResultsError("it stores no validation predictions, so its thresholds cannot be recomputed")
    val_path = path.parent / res.validation.predictions
    check_hash(val_path, res.validation.predictions_sha256, "validation predictions")
    chosen, val_tokens, _ = read_validation(val_path, gold(DEFAULT_CONFIG, THRESHOLD_SPLIT), res.model)
    scored = score_predictions_file(pred_path, scored_on, res.bootstrap.resamples, res.bootstrap.seed, chosen, read=read)
    if close(scored.thresholds.to_json(), res.thresholds.to_json(), THRESHOLD_TOLERANCE):
        return Recomputed(scored, val_tokens)
    if res.thresholds.rule != RULE_NAME:
        if older_rule_ok:
            return Recomputed(scored, val_tokens)
        raise ResultsError(f"its thresholds were set by an older rule than the harness's ({RULE_NAME}): run `spinbench leaderboard --rescore` "
                           f"to recompute them from the stored predictions")
    raise ResultsError(f"its thresholds are not the ones rule {RULE_NAME} gives on its stored predictions: "
                       + board.said(board.differences(scored.thresholds.to_json(), res.thresholds.to_json(), THRESHOLD_TOLERANCE)))


def rescore(results_dir: Path, dataset: str | None = None) -> list[tuple[Path, Results]]:
    """Recompute the thresholds and scores of every entry from its predictions with this harness
    (after a metric or the threshold rule changed), keeping everything else; returns each file
    with its rescored results, to be written by :func:`harness.runs.board.write_rescored` once
    every entry has recomputed (nothing is written here). Predictions whose hash is not the one recorded when they were written are refused
    (:func:`recompute`), and are never rewritten: their hash stays the recorded one."""
    paths, problems = entry_files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    gold = GoldSplits(dataset)

    def rescore_one(path: Path) -> Results:
        res = board.read_entry(path, read_results, older_scores=True)
        scored = recompute(path, res, gold, older_rule_ok=True).scored
        res.scores, res.thresholds = scored.scores, scored.thresholds
        return res

    return board.rescore_entries(paths, rescore_one)  # written by board.write_rescored


@dataclass
class Checked:
    """An entry that recomputes: its results and its token scores (test and validation), end to
    end in the gold documents' order."""

    results: Results
    tokens: np.ndarray
    validation_tokens: np.ndarray


def _flat(token_scores: list[list[float]]) -> np.ndarray:
    return np.fromiter((v for doc in token_scores for v in doc), dtype=float)


def check_entry(path: Path, gold: GoldSplits) -> Checked:
    """Recompute one results file from its predictions (:func:`recompute`); raise ResultsError
    on any mismatch."""
    res = board.read_entry(path, read_results)
    again = recompute(path, res, gold)
    if not close(again.scored.scores, res.scores, board.SCORE_TOLERANCE):
        raise ResultsError("scores do not match a recomputation from the predictions: "
                           + board.said(board.differences(again.scored.scores, res.scores, board.SCORE_TOLERANCE)))
    if res.stored_main_score != res.main_score:
        raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
    return Checked(res, _flat(again.scored.token_scores), _flat(again.validation_tokens))


def copies(checked: dict[Path, Checked]) -> list[str]:
    """Models whose token scores (on ``news``/validation, or on a config's test split) are one
    model's under two names (:func:`harness.runs.audit.copy_problems`)."""
    compared: dict[str, dict[str, np.ndarray]] = {}
    for path, entry in sorted(checked.items()):
        model = path.parent.name
        compared.setdefault(f"{DEFAULT_CONFIG}/{THRESHOLD_SPLIT}", {})[model] = entry.validation_tokens
        compared.setdefault(f"{path.stem}/{EVALUATION_SPLIT}", {})[model] = entry.tokens
    return audit.copy_problems(compared)


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None, extra: str = "", history: History | None = None) -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly.
    ``extra``: what :func:`~harness.evaluation.leaderboard.render` appends (the restoration
    section), for comparing the file; ``history``: the repository's, to check recorded commits
    against (default: this checkout's)."""
    results_dir = Path(results_dir)
    try:
        paths, problems = entry_files(results_dir)
    except ResultsError as err:
        return [str(err)]
    gold = GoldSplits(dataset)
    history = history or History()
    try:
        found, passed = board.check_entries(paths, lambda p: check_entry(p, gold), history=history)
    except DatasetNotFound as err:  # no gold labels: every entry would say so, once is enough
        return [str(err)]
    problems += found + ([history.problem] if history.problem else [])
    valid: Entries = {}
    for path, entry in passed.items():
        valid.setdefault(path.parent.name, {})[path.stem] = entry.results
    problems += audit.partial_submissions(paths) + copies(passed)
    if not problems:
        expected = render(valid, extra)
        current = Path(leaderboard_path).read_text(encoding="utf-8") if Path(leaderboard_path).exists() else None
        if current is None:
            problems.append(f"{leaderboard_path}: missing; run `spinbench leaderboard`")
        elif current != expected:
            problems.append(f"{leaderboard_path}: out of date with results/; run `spinbench leaderboard`")
    return problems
