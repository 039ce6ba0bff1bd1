"""Does the threshold rule hold from 1% to 40% spun tokens? Token and document F1 at the rule, at
the rules it replaced and at the best cut, on scored sets spun lightly to heavily.

    python benchmarks/threshold_transfer.py [--results results] [--dataset data] [--config C] [--model M]
                                            [--seeds 5] [--prevalence 0.01 0.05 ...] [--cross-fit]

For every leaderboard entry under ``--results`` (``<model>/<config>.json``, its predictions and
the model's ``calibration.predictions.jsonl.gz``), from the stored predictions alone, on these
scored sets cut from the entry's split:

- ``whole``: the split as the leaderboard scores it;
- ``regime=R``: its documents of each ``regime`` (``clean``, ``whole``, ``sparse``, ``partial``),
  when the records have that field;
- ``p=X%``: documents sampled (seeded, ``--seeds`` draws, mean shown) so that about X% of the
  tokens are spun: below the split's own share, all its clean documents and spun ones drawn in
  random order while the share stays under X (at least one); above it, all its spun documents
  and clean ones dropped in random order, then spun ones lighter than X, until it reaches X.

With ``--cross-fit``, the same sets are cut from halves of ``news``/validation instead, each
scored with thresholds chosen on the other half (two seeded splits, each way round): a test of
the rule that reads no test split.

Columns: token F1 at the rule (:data:`harness.evaluation.scoring.THRESHOLD_RULE`, estimated F1),
at the rule before it (matched flag rate: the share of tokens the validation optimum flags on
``news``/validation), at that validation cut itself (fixed), at a cut that flags the set's true
spun share (an oracle told that share by the labels), and at the best cut for the set (an oracle
that reads the labels: the ceiling of any rule); the rule's gap to it; the share of the clean
documents with any token flagged (false alarms) at the rule and at the matched rule, against the
share at the validation cut on ``news``/validation. The document table is the same at document
level (false alarms: clean documents whose document score reaches the cut). The goal:
the rule within 0.05 token F1 of the best cut on every set, and false alarms no higher than on
validation. A summary counts the sets that meet each and names the worst misses; a summary table
(:func:`summary_table`, quoted in docs/evaluation.md) counts them per kind of set.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.core.configs import CONFIGS
from harness.core.dataset import load
from harness.evaluation import metrics
from harness.evaluation.predictions import read_scores
from harness.evaluation.results import read_results
from harness.evaluation.validation import read_validation, threshold_split, validation_file
from harness.runs.paths import VALIDATION_FILE

PREVALENCES = (0.01, 0.05, 0.10, 0.20, 0.40)
GOAL = 0.05  # token F1 within this much of the best cut's
RULES = ("rule", "matched", "fixed", "share", "best")
LABELS = {"share": "true share (oracle)"}  # how the summaries name a rule, where not by its key


@dataclass
class Scored:
    """One split's scores and labels, per document."""

    tokens: list[np.ndarray]
    docs: np.ndarray
    labels: list[np.ndarray]
    spun: np.ndarray

    def subset(self, idx) -> Scored:
        return Scored([self.tokens[i] for i in idx], self.docs[idx], [self.labels[i] for i in idx], self.spun[idx])


def scored(token_scores, doc_scores, gold) -> Scored:
    labels = [gold.labels[a:b].astype(bool) for a, b in zip(gold.offsets[:-1], gold.offsets[1:])]
    return Scored([np.asarray(t, dtype=float) for t in token_scores], np.asarray(doc_scores, dtype=float), labels, gold.is_spun.astype(bool))


def sample_documents(spun_tokens: np.ndarray, lengths: np.ndarray, target: float, seed: int) -> np.ndarray:
    """Indices of documents whose tokens are about ``target`` spun (see the module docstring)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lengths))
    spun = spun_tokens > 0
    if spun_tokens.sum() >= target * lengths.sum():
        keep = ~spun
        k, n = 0, lengths[keep].sum()
        for i in order[spun[order]]:
            if (k + spun_tokens[i]) / (n + lengths[i]) <= target * 1.05:
                keep[i], k, n = True, k + spun_tokens[i], n + lengths[i]
        if not k:
            keep[order[spun[order]][0]] = True
        return np.flatnonzero(keep)
    keep = np.ones(len(lengths), dtype=bool)

    def share() -> float:
        return spun_tokens[keep].sum() / lengths[keep].sum()

    for drop in (~spun, spun & (spun_tokens < target * lengths)):
        for i in order:
            if share() >= target:
                break
            if drop[i] and keep.sum() > 1:
                keep[i] = False
    return np.flatnonzero(keep)


def f1(y: np.ndarray, flags: np.ndarray) -> float:
    return float(metrics.prf(int((flags & y).sum()), int((flags & ~y).sum()), int((~flags & y).sum()))[2])


def clean_flagged(s: Scored, cut: float) -> float:
    """The share of the clean documents with any token at or above ``cut`` (NaN: none clean)."""
    flagged = [bool((t >= cut).any()) for t, spun in zip(s.tokens, s.spun) if not spun]
    return float(np.mean(flagged)) if flagged else float("nan")


def cuts(chosen, s: Scored, shares: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """{rule: (token cut, document cut)} on the scored set ``s``."""
    flat = np.concatenate(s.tokens)
    y = np.concatenate(s.labels)
    applied = chosen.for_split(s.tokens, s.docs)
    best_token = metrics.best_f1_cut(y, flat) if y.any() else np.inf
    best_doc = metrics.best_f1_cut(s.spun, s.docs) if s.spun.any() else np.inf
    return {
        "rule": (applied.token, applied.document),
        "matched": (metrics.matched_share_cut(flat, shares[0]), metrics.matched_share_cut(s.docs, shares[1])),
        "fixed": (chosen.validation_token, chosen.validation_document),
        # an oracle told the set's spun share (from its labels), flagging that share
        "share": (metrics.matched_share_cut(flat, float(y.mean())) if y.any() else np.inf,
                  metrics.matched_share_cut(s.docs, float(s.spun.mean())) if s.spun.any() else np.inf),
        "best": (best_token, best_doc),
    }


def measure(chosen, s: Scored, shares) -> dict[str, float]:
    """Every column of one scored set."""
    c = cuts(chosen, s, shares)
    flat, y = np.concatenate(s.tokens), np.concatenate(s.labels)
    out = {"spun": float(y.mean()), "docs": len(s.docs), "spun docs": float(s.spun.mean())}
    has_spun = bool(y.any())
    for rule, (token, doc) in c.items():
        out[f"token {rule}"] = f1(y, flat >= token) if has_spun else float("nan")
        out[f"doc {rule}"] = f1(s.spun, s.docs >= doc) if s.spun.any() else float("nan")
        out[f"fa {rule}"] = clean_flagged(s, token)
        out[f"doc fa {rule}"] = float(np.mean(s.docs[~s.spun] >= doc)) if (~s.spun).any() else float("nan")
    return out


def scored_sets(s: Scored, regimes: list | None, prevalences, seeds: int):
    """(name, [subsets]) of every scored set cut from ``s``."""
    yield "whole", [s]
    if regimes is not None:
        for regime in sorted({r for r in regimes if r is not None}):
            yield f"regime={regime}", [s.subset(np.flatnonzero(np.asarray(regimes, dtype=object) == regime))]
    lengths = np.array([len(t) for t in s.tokens])
    spun_tokens = np.array([int(y.sum()) for y in s.labels])
    for p in prevalences:
        yield f"p={p:.0%}", [s.subset(sample_documents(spun_tokens, lengths, p, seed)) for seed in range(seeds)]


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def rows_of(model: str, config: str, chosen, calibration: Scored, split: Scored, regimes, prevalences, seeds: int) -> list:
    """The rows of one detector's scored split (see :func:`measure_all`): every scored set cut
    from ``split``, measured at ``chosen``'s cuts, against what the calibration cuts flag on
    ``calibration`` (the matched rule's shares and validation's false alarms)."""
    flat = np.concatenate(calibration.tokens)
    shares = (float(np.mean(flat >= chosen.validation_token)), float(np.mean(calibration.docs >= chosen.validation_document)))
    baseline = (clean_flagged(calibration, chosen.validation_token),
                float(np.mean(calibration.docs[~calibration.spun] >= chosen.validation_document)))
    rows = []
    for name, subsets in scored_sets(split, regimes, prevalences, seeds):
        measured = [measure(chosen, sub, shares) for sub in subsets]
        mean = {k: float(np.nanmean([m[k] for m in measured])) if not all(m[k] != m[k] for m in measured) else float("nan") for k in measured[0]}
        rows.append((model, config, name, mean, baseline))
    return rows


def measure_all(results: Path, dataset=None, configs=None, models=None, seeds: int = 5, prevalences=PREVALENCES) -> list:
    """One row per (entry, scored set): (model, config, set name, mean of every column over the
    set's draws, validation's false alarms (token, document)). ``models``/``configs``: only these
    (default: every entry under ``results``)."""
    validation = threshold_split(dataset)
    rows = []
    for folder in sorted(p for p in results.iterdir() if p.is_dir() and (not models or p.name in models)):
        for config in configs or list(CONFIGS):
            path = folder / f"{config}.json"
            if not path.exists():
                continue
            res = read_results(path)
            chosen, cal_tokens, cal_docs = read_validation(validation_file(folder), validation, res.model)
            split = load(config, res.dataset.split, dataset=dataset)
            _, token_scores, doc_scores = read_scores(path.parent / res.predictions, split)
            regimes = [r.get("regime") for r in split.records] if "regime" in split.records[0] else None
            rows += rows_of(res.model.name, config, chosen, scored(cal_tokens, cal_docs, validation.gold),
                            scored(token_scores, doc_scores, split.gold), regimes, prevalences, seeds)
    return rows


CROSS_FIT = "news/validation, cross-fitted"


def cross_fit_rows(results: Path, dataset=None, models=None, seeds: int = 5, prevalences=PREVALENCES, repeats: int = 2) -> list:
    """Rows as :func:`measure_all`'s, but from ``news``/validation alone, which the rule's
    choices can be tested on without looking at a test split: its documents are split in halves
    (seeded, ``repeats`` times); the thresholds and references are chosen on one half and the
    scored sets cut from the other, each way round. Config column: :data:`CROSS_FIT`, with the
    split and the half scored."""
    from harness.core.dataset import GoldColumns
    from harness.evaluation.thresholds import choose_thresholds

    validation = threshold_split(dataset)
    rows = []
    for folder in sorted(p for p in results.iterdir() if p.is_dir() and (not models or p.name in models)):
        if validation_file(folder) is None:
            continue
        res = next((read_results(p) for p in sorted(folder.glob("*.json")) if p.name != VALIDATION_FILE), None)
        if res is None:
            continue
        _, cal_tokens, cal_docs = read_validation(validation_file(folder), validation, res.model)
        whole = scored(cal_tokens, cal_docs, validation.gold)
        regimes = np.asarray([r.get("regime") for r in validation.records], dtype=object)
        n = len(whole.docs)
        for repeat in range(repeats):
            order = np.random.default_rng(repeat).permutation(n)
            for half, (fit, held) in enumerate(((order[: n // 2], order[n // 2:]), (order[n // 2:], order[: n // 2])), start=1):
                truth = GoldColumns.from_records([validation.records[i] for i in fit])
                chosen = choose_thresholds(truth, [cal_tokens[i] for i in fit], [cal_docs[i] for i in fit])
                rows += rows_of(res.model.name, f"{CROSS_FIT} (split {repeat + 1}, half {half} scored)", chosen,
                                whole.subset(fit), whole.subset(held), list(regimes[held]), prevalences, seeds)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--config", action="append", choices=list(CONFIGS), help="only these configs (default: all)")
    parser.add_argument("--model", action="append", help="only these models (default: all under --results)")
    parser.add_argument("--seeds", type=int, default=5, help="draws per simulated prevalence")
    parser.add_argument("--prevalence", type=float, nargs="*", default=list(PREVALENCES))
    parser.add_argument("--cross-fit", action="store_true",
                        help="score halves of news/validation with thresholds chosen on the other half (no test split read)")
    args = parser.parse_args()
    if not args.results.is_dir():
        parser.error(f"--results {args.results}: no such folder")
    if args.seeds < 1:
        parser.error(f"--seeds must be 1 or more, not {args.seeds}")
    if any(not 0 < p < 1 for p in args.prevalence):
        parser.error(f"--prevalence takes shares of spun tokens between 0 and 1 (0.05 for 5%), not {args.prevalence}")
    if args.cross_fit:
        rows = cross_fit_rows(args.results, args.dataset, args.model, args.seeds, args.prevalence)
    else:
        rows = measure_all(args.results, args.dataset, args.config, args.model, args.seeds, args.prevalence)
    if not rows:
        found = sorted(p.name for p in args.results.iterdir() if validation_file(p) is not None)
        which = f" for --model {', '.join(args.model)}" if args.model else ""
        parser.error(f"no leaderboard entry with calibration predictions under {args.results}{which}: nothing to measure "
                     f"(models there: {', '.join(found) or 'none'})")
    print_tables(rows)
    print("\n### Summary table\n")
    print(summary_table(rows))


def summary_table(rows) -> str:
    """Per kind of scored set (the whole split, each regime, each simulated share), how many sets
    each rule puts within :data:`GOAL` F1 of the best cut, for tokens and documents; then every
    set's mean and largest gap, and the sets whose false alarms on clean documents are no higher
    than on validation (at each rule's cut)."""
    rules = RULES[:-1]
    kinds = list(dict.fromkeys(r[2] for r in rows))
    header = ["scored sets", "sets", *(f"{level} F1: {LABELS.get(r, r)}" for level in ("token", "document") for r in rules)]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]

    def within(group, level, rule):
        return sum(r[3][f"{level} best"] - r[3][f"{level} {rule}"] <= GOAL + 1e-12 for r in group)

    for kind in [*kinds, None]:
        group = [r for r in rows if (kind is None or r[2] == kind) and r[3]["token best"] == r[3]["token best"]]
        if not group:
            continue
        name = "all" if kind is None else kind
        cells = [str(within(group, level, rule)) for level in ("token", "doc") for rule in rules]
        lines.append(f"| {'**all**' if kind is None else name} | {len(group)} | " + " | ".join(cells) + " |")
    scored_rows = [r for r in rows if r[3]["token best"] == r[3]["token best"]]
    gaps = []
    for level in ("token", "doc"):
        for rule in rules:
            g = np.array([r[3][f"{level} best"] - r[3][f"{level} {rule}"] for r in scored_rows])
            gaps.append(f"{g.mean():.3f} ({g.max():.3f})")
    lines.append(f"| mean gap to the best cut (largest) | {len(scored_rows)} | " + " | ".join(gaps) + " |")
    alarms = []
    for key, index in (("fa", 0), ("doc fa", 1)):
        for rule in rules:
            pairs = [(r[3][f"{key} {rule}"], r[4][index]) for r in rows if r[3][f"{key} {rule}"] == r[3][f"{key} {rule}"]]
            alarms.append(str(sum(a <= b + 1e-12 for a, b in pairs)))
    n_fa = sum(1 for r in rows if r[3]["fa rule"] == r[3]["fa rule"])
    lines.append(f"| clean documents flagged no more than on validation | {n_fa} | " + " | ".join(alarms) + " |")
    return "\n".join(lines)


def print_tables(rows) -> None:
    # (heading, metric prefix, spun-share column, its key, false-alarm key prefix, index of validation's false alarms)
    for heading, level, spun_label, spun_key, fa, fa_index in (("Tokens", "token", "spun tokens", "spun", "fa", 0),
                                                                ("Documents", "doc", "spun docs", "spun docs", "doc fa", 1)):
        print(f"{'' if level == 'token' else chr(10)}### {heading}\n")
        print(f"| model | config | scored set | docs | {spun_label} | F1: rule | matched | fixed | true share | best | gap | clean docs flagged: rule | matched | validation |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for model, config, name, m, validation in rows:
            gap = m[f"{level} best"] - m[f"{level} rule"]
            print(f"| {model} | {config} | {name} | {m['docs']:.0f} | {m[spun_key]:.3f} | " + " | ".join(_fmt(m[f"{level} {r}"]) for r in RULES)
                  + f" | {_fmt(gap)} | {_fmt(m[f'{fa} rule'])} | {_fmt(m[f'{fa} matched'])} | {_fmt(validation[fa_index])} |")
    print("\n### Summary\n")
    for level, fa_index in (("token", 0), ("doc", 1)):
        scored_rows = [r for r in rows if r[3][f"{level} best"] == r[3][f"{level} best"]]
        for rule in RULES[:-1]:
            gaps = np.array([r[3][f"{level} best"] - r[3][f"{level} {rule}"] for r in scored_rows])
            print(f"- {level} F1, {LABELS.get(rule, rule)}: within {GOAL} of the best cut on {(gaps <= GOAL + 1e-12).sum()} of {len(gaps)} scored sets; "
                  f"mean gap {gaps.mean():.3f}, largest {gaps.max():.3f}")
        fa = [(r[3][f"{'fa' if level == 'token' else 'doc fa'} rule"], r[4][fa_index]) for r in rows]
        fa = [(a, b) for a, b in fa if a == a]
        print(f"- {level} false alarms at the rule no higher than on validation on {sum(a <= b + 1e-12 for a, b in fa)} of {len(fa)} sets with clean documents")
    for name in dict.fromkeys(r[2] for r in rows):
        same = [r for r in scored_rows_of(rows) if r[2] == name]
        if not same:  # clean documents only: no spun token, no best cut
            continue
        counts = ", ".join(f"{LABELS.get(rule, rule)} {sum(r[3]['token best'] - r[3][f'token {rule}'] <= GOAL + 1e-12 for r in same)}" for rule in RULES[:-1])
        print(f"- {name}: token F1 within {GOAL} of the best cut on {counts} of {len(same)}")
    worst = sorted(scored_rows_of(rows), key=lambda r: r[3]["token rule"] - r[3]["token best"])[:10]
    print("- largest token misses: " + "; ".join(f"{m} {c} {n} ({r['token rule']:.3f} vs best {r['token best']:.3f})" for m, c, n, r, _ in worst))


def scored_rows_of(rows):
    return [r for r in rows if r[3]["token best"] == r[3]["token best"]]


if __name__ == "__main__":
    main()
