"""``spinbench leaderboard --check`` and ``--rescore`` for detection entries: every entry
recomputed from its predictions against the gold labels.

``--check`` trusts nothing a results file says that can be recomputed: every hash, the
provenance in the predictions headers, the thresholds (chosen again from the stored
``news``/validation predictions by the rule), every score; it also flags a model submitted for
only some configs and the same predictions submitted under two names. ``--rescore`` recomputes
every entry's scores (and thresholds set by an older rule) with this harness. Both score through
:func:`~harness.evaluation.predictions.score_predictions_file`, the function ``rescore`` uses.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, THRESHOLD_SPLIT
from harness.core.dataset import DatasetNotFound
from harness.core.files import read_jsonl_gz, sha256_file, write_jsonl_gz
from harness.evaluation.leaderboard import Entries, entry_files, render
from harness.evaluation.predictions import ScoredPredictions, provenance_problems, read_predictions, score_predictions_file, with_thresholds
from harness.evaluation.results import MAIN_SCORE_NAME, Results, read_results
from harness.evaluation.thresholds import RULE_NAME, THRESHOLD_RULE, Thresholds
from harness.evaluation.validation import read_validation, validation_file
from harness.runs import board
from harness.runs.board import GoldSplits, check_hash, close
from harness.runs.results import ResultsError, check_revision

# Thresholds recomputed on another machine may differ in the last bits of the fitted shares.
THRESHOLD_TOLERANCE = 1e-9


def recompute(path: Path, res: Results, gold: GoldSplits, older_rule_ok: bool = False) -> ScoredPredictions:
    """An entry's scores recomputed from its stored predictions, thresholds included, after
    checking every hash and every provenance field it can; ResultsError names the first mismatch.
    ``older_rule_ok``: thresholds recorded by an older threshold rule (no ``rule``, or another)
    may differ from the current rule's (for :func:`rescore`, which replaces them); thresholds that
    claim the current rule must be its."""
    config, split = res.dataset.config, res.dataset.split
    scored_on = gold(config, split)
    check_revision(res.dataset.fingerprint, scored_on)
    size = (len(scored_on), int(scored_on.gold.offsets[-1]))
    if (res.dataset.documents, res.dataset.tokens) != size:
        raise ResultsError(f"it says {res.dataset.documents} documents and {res.dataset.tokens} tokens; {config}/{split} has {size[0]} and {size[1]}")
    pred_path = path.parent / res.predictions
    check_hash(pred_path, res.predictions_sha256, "predictions")
    read = read_predictions(pred_path)
    header = read[0]
    problems = provenance_problems(header, res.model, config, split, res.dataset.fingerprint)
    if not isinstance(header.get("thresholds"), dict) or Thresholds.from_json(header["thresholds"]) != res.thresholds:
        problems.append("its header's thresholds are not the results'")
    if problems:
        raise ResultsError(f"{pred_path.name}: " + "; ".join(problems))
    if res.validation is None:
        raise ResultsError("it stores no validation predictions, so its thresholds cannot be recomputed")
    val_path = path.parent / res.validation.predictions
    check_hash(val_path, res.validation.predictions_sha256, "validation predictions")
    chosen, _, _ = read_validation(val_path, gold(DEFAULT_CONFIG, THRESHOLD_SPLIT), res.model)
    scored = score_predictions_file(pred_path, scored_on, res.bootstrap.resamples, res.bootstrap.seed, chosen, read=read)
    if close(scored.thresholds.to_json(), res.thresholds.to_json(), THRESHOLD_TOLERANCE):
        return scored
    if res.thresholds.rule != RULE_NAME:
        if older_rule_ok:
            return scored
        raise ResultsError(f"its thresholds were set by an older rule than the harness's ({RULE_NAME}): run `spinbench leaderboard --rescore` "
                           f"to recompute them from the stored predictions")
    raise ResultsError(f"its thresholds are not the ones the rule gives on its stored predictions ({THRESHOLD_RULE}): "
                       f"{scored.thresholds.to_json()} recomputed, {res.thresholds.to_json()} recorded")


def rescore(results_dir: Path, dataset: str | None = None) -> list[Path]:
    """Recompute the scores of every entry from its predictions with this harness (after a
    metric was added or changed), keeping everything else; returns the files rewritten."""
    paths, problems = entry_files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    gold = GoldSplits(dataset)

    def rescore_one(path: Path) -> Results:
        res = board.read_entry(path, read_results, older_scores=True)
        scored = recompute(path, res, gold, older_rule_ok=True)
        res.scores = scored.scores
        if scored.thresholds.to_json() != res.thresholds.to_json():  # set by an older rule: the header records the new ones
            res.thresholds = scored.thresholds
            res.predictions_sha256 = _record_thresholds(path.parent / res.predictions, scored.thresholds)
        return res

    return board.rescore_entries(paths, rescore_one)


def _record_thresholds(pred_path: Path, thresholds: Thresholds) -> str:
    """Rewrite a predictions file's header to record ``thresholds`` (every score line as it
    was); returns the file's new hash."""
    rows = read_jsonl_gz(pred_path)
    rows[0] = {"header": with_thresholds(rows[0]["header"], thresholds)}
    write_jsonl_gz(pred_path, rows)
    return sha256_file(pred_path)


def check_entry(path: Path, gold: GoldSplits) -> tuple[Results, str]:
    """Recompute one results file from its predictions (:func:`recompute`); raise ResultsError
    on any mismatch. Returns the results and a digest of the scores predicted (not of the file,
    whose header names the model)."""
    res = board.read_entry(path, read_results)
    scored = recompute(path, res, gold)
    if not close(scored.scores, res.scores, board.SCORE_TOLERANCE):
        raise ResultsError("scores do not match a recomputation from the predictions")
    if res.stored_main_score != res.main_score:
        raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
    digest = hashlib.sha256(json.dumps([scored.token_scores, scored.doc_scores]).encode()).hexdigest()
    return res, digest


# Two models whose validation token scores agree this often are one model under two names.
NEAR_COPY_SHARE = 0.99


def _validation_scores(folder: Path) -> np.ndarray | None:
    """A model's validation token scores, end to end in document-id order (None when unreadable:
    the entries' own checks name the problem)."""
    stored = validation_file(folder)
    if stored is None:
        return None
    try:
        rows = read_predictions(stored)[1]
    except ResultsError:
        return None
    return np.concatenate([np.asarray(rows[k][0], dtype=float) for k in sorted(rows)] or [np.zeros(0)])


def submission_problems(results_dir: Path, paths: list[Path], digests: dict[str, dict[str, str]]) -> list[str]:
    """Problems across entries: a model submitted for only some configs (``paths``: every entry
    file found), and the same predictions submitted under more than one name (``digests``:
    {model: {config: digest of its scores}} of the entries that recompute)."""
    problems = []
    present: dict[str, set[str]] = {}
    for path in paths:
        present.setdefault(path.parent.name, set()).add(path.stem)
    for model, configs in sorted(present.items()):
        missing = [c for c in CONFIGS if c not in configs]
        if missing:
            problems.append(f"{model}: a partial submission: no entry for {', '.join(missing)} (every model is scored on every config)")
    # Validation predictions are a model's fingerprint: a copy shares (nearly) all of them.
    validation = {m: _validation_scores(Path(results_dir) / m) for m in sorted(digests)}
    validation = {m: s for m, s in validation.items() if s is not None and len(s)}
    names = sorted(validation)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if len(validation[a]) == len(validation[b]):
                share = float(np.mean(validation[a] == validation[b]))
                if share >= NEAR_COPY_SHARE:
                    problems.append(f"{b}: {share:.1%} of its validation token scores are {a}'s: one model submitted under two names")
    seen: dict[tuple[str, str], str] = {}
    for model, configs in sorted(digests.items()):
        for config, digest in sorted(configs.items()):
            key = (config, digest)
            if key in seen:
                problems.append(f"{model}/{config}: the same predictions as {seen[key]}/{config}, submitted under another name")
            else:
                seen[key] = model
    return problems


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None, extra: str = "") -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly.
    ``extra``: what :func:`~harness.evaluation.leaderboard.render` appends (the restoration
    section), for comparing the file."""
    results_dir = Path(results_dir)
    try:
        paths, problems = entry_files(results_dir)
    except ResultsError as err:
        return [str(err)]
    gold = GoldSplits(dataset)
    try:
        found, passed = board.check_entries(paths, lambda p: check_entry(p, gold))
    except DatasetNotFound as err:  # no gold labels: every entry would say so, once is enough
        return [str(err)]
    problems += found
    valid: Entries = {}
    digests: dict[str, dict[str, str]] = {}
    for path, (res, digest) in passed.items():
        valid.setdefault(path.parent.name, {})[path.stem] = res
        digests.setdefault(path.parent.name, {})[path.stem] = digest
    problems += submission_problems(results_dir, paths, digests)
    if not problems:
        expected = render(valid, extra)
        current = Path(leaderboard_path).read_text(encoding="utf-8") if Path(leaderboard_path).exists() else None
        if current is None:
            problems.append(f"{leaderboard_path}: missing; run `spinbench leaderboard`")
        elif current != expected:
            problems.append(f"{leaderboard_path}: out of date with results/; run `spinbench leaderboard`")
    return problems
