"""The docs' figures that come from committed files, written between markers in the docs.

Each generated block in ``README.md`` or ``docs/*.md`` reads::

    <!-- BEGIN generated: NAME (python benchmarks/docs_figures.py) -->
    ...table rendered from results/ (results/restore/), data/build_stats.json, data/fingerprints.json or the registry...
    <!-- END generated: NAME -->

``python benchmarks/docs_figures.py`` rewrites every block; ``--check`` writes nothing and exits 1,
naming each stale block (``tests/test_docs.py`` runs the same check). It reads only committed
files, so it needs no built dataset and no network.

>>> replace_blocks("a\\n<!-- BEGIN generated: x (cmd) -->\\nold\\n<!-- END generated: x -->\\n", {"x": "new"})
('a\\n<!-- BEGIN generated: x (cmd) -->\\nnew\\n<!-- END generated: x -->\\n', ['x'], ['x'])
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from harness.core.configs import CONFIGS
from harness.restoration.leaderboard import shown_share
from harness.runs.formatting import score_text

ROOT = Path(__file__).resolve().parent.parent
CONFIG_ORDER = tuple(CONFIGS)
# A marker stands alone on its line, so a marker quoted inside a sentence is not a block.
BLOCK = re.compile(r"^(<!-- BEGIN generated: (?P<name>[\w-]+)[^\n]*-->\n)(?P<body>.*?)^(<!-- END generated: (?P=name) -->)$", re.DOTALL | re.MULTILINE)


def doc_files(root: Path = ROOT) -> list[Path]:
    """The README and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def load_results(root: Path = ROOT) -> dict[tuple[str, str], dict]:
    """(model, config) -> the committed results file, read as JSON."""
    out = {}
    for path in sorted((root / "results").glob("*/*.json")):
        res = json.loads(path.read_text())
        out[(res["model"]["name"], res["dataset"]["config"])] = res
    return out


def model_order(results: dict[tuple[str, str], dict]) -> list[str]:
    """Models by token F1 on news/test, best first (the leaderboard's order); floors last."""
    def key(m: str) -> tuple[float, str]:
        news = results.get((m, "news"))
        return (-news["scores"]["token"]["f1"]["value"] if news else 0.0, m)

    return sorted({m for m, _ in results}, key=key)


def configs_of(results: dict[tuple[str, str], dict]) -> list[str]:
    present = {c for _, c in results}
    return [c for c in CONFIG_ORDER if c in present] + sorted(present - set(CONFIG_ORDER))


def _ci(score: dict) -> str:
    return score_text(score)


def _table(header: list[str], rows: list[list[str]], right: int = 0) -> str:
    """A markdown table; the last ``right`` columns right-aligned."""
    align = ["---"] * (len(header) - right) + ["---:"] * right
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def baselines_token_f1(root: Path) -> str:
    results = load_results(root)
    configs = configs_of(results)
    rows = [[f"`{m}`", *(_ci(results[(m, c)]["scores"]["token"]["f1"]) if (m, c) in results else "–" for c in configs)]
            for m in model_order(results)]
    return _table(["model", *configs], rows)


def baselines_scores(root: Path) -> str:
    results = load_results(root)
    rows = []
    for m in model_order(results):
        for c in configs_of(results):
            if (m, c) not in results:
                continue
            s = results[(m, c)]["scores"]
            rows.append([f"`{m}`", c, _ci(s["token"]["f1"]), f"{s['token']['auprc']['value']:.3f}",
                         f"{s['span_strict']['f1']['value']:.3f}", f"{s['span_partial']['f1']['value']:.3f}",
                         f"{s['document']['f1']['value']:.3f}", f"{s['document']['auroc']['value']:.3f}"])
    return _table(["model", "config", "token F1 [95% CI]", "token AUPRC", "span F1 strict", "span F1 partial", "doc F1", "doc AUROC"], rows, right=6)


def baselines_cost(root: Path) -> str:
    results = load_results(root)
    rows = []
    for m in model_order(results):
        t = results[(m, "news")]["throughput"]
        fit = f"{t['fit_seconds']:,.1f} s" if t.get("fit_seconds") else "–"
        rows.append([f"`{m}`", f"{t['tokens_per_second']:,.0f}", fit, f"{t['peak_memory_mb'] / 1000:.2f} GB"])
    return _table(["model", "predict tokens/s", "fit on news/train", "peak memory"], rows, right=3)


def baselines_breakdown(root: Path) -> str:
    from harness.core.configs import CLEAN_REGIME, RATE_BANDS, REGIMES

    results = load_results(root)
    regimes = [r for r in REGIMES if r != CLEAN_REGIME]
    recipes = sorted({r for (m, c), res in results.items() if c == "news" for r in res["scores"]["breakdown"]["recipe"]} - {"none"})
    rows = []
    for m in model_order(results):
        b = results[(m, "news")]["scores"]["breakdown"]
        cells = [f"{b[kind][x]['f1']['value']:.3f}" if x in b.get(kind, {}) else "–"
                 for kind, groups in (("regime", regimes), ("rate_band", RATE_BANDS), ("recipe", recipes)) for x in groups]
        rows.append([f"`{m}`", *cells])
    header = ["model", *regimes, *(f"{x} band" for x in RATE_BANDS), *recipes]
    return _table(header, rows, right=len(header) - 1)


def false_alarms(root: Path) -> str:
    results = load_results(root)
    rows = []
    for m in model_order(results):
        fa = results[(m, "news")]["scores"]["false_alarms"]
        rows.append([f"`{m}`", f"{fa['documents_flagged']['value']:.3f}", f"{fa['flagged_per_1k_tokens']['value']:.1f}"])
    first = next(iter(results.values()))["scores"]["false_alarms"]
    note = f"\n\n({first['clean_documents']:,} clean documents, {first['clean_tokens']:,} tokens.)"
    return _table(["model", "clean documents flagged", "flagged tokens per 1,000 clean tokens"], rows, right=2) + note


def _estimate(t: dict, unit: str) -> str:
    """"spun share / logits lower" as the rule estimated them, or "–" (none recorded)."""
    share, shift = t.get(f"{unit}_spun_share"), t.get(f"{unit}_shift")
    return "–" if share is None else f"{share:.3f} / {0.0 - shift:.2f}"


def thresholds(root: Path) -> str:
    """Each entry's cuts: the F1 optimum on news/validation, the rule's estimates on the scored
    split (share of spun tokens or documents, and how far spun scores sit below validation's, in
    logits) and the cut it chose there. Results of an older rule have no estimates."""
    from harness.evaluation.thresholds import Thresholds

    results = load_results(root)
    rows, older = [], False
    for m in model_order(results):
        for c in configs_of(results):
            if (m, c) not in results:
                continue
            t = Thresholds.from_json(results[(m, c)]["thresholds"]).to_json()  # older files' names read too
            older = older or "rule" not in t
            rows.append([f"`{m}`", c, f"{t['validation_token']:.4f}", _estimate(t, "token"), f"{t['token']:.4f}",
                         f"{t['validation_document']:.4f}", _estimate(t, "document"), f"{t['document']:.4f}"])
    note = "\n\n(–: results scored by the rule before this one; `spinbench leaderboard --rescore` recomputes them.)" if older else ""
    return _table(["model", "config", "token cut on news/validation", "estimated spun tokens / logits lower", "token cut used",
                   "document cut on news/validation", "estimated spun documents / logits lower", "document cut used"], rows, right=6) + note


def _build_stats(root: Path) -> dict:
    return json.loads((root / "data" / "build_stats.json").read_text())


def dataset_stats(root: Path) -> str:
    stats = _build_stats(root)
    rows = []
    for config in (c for c in CONFIG_ORDER if c in stats["configs"]):
        for split in ("train", "validation", "test"):
            s = stats["configs"][config].get(split)
            if s is None:
                continue
            rows.append([f"`{config}`", split, f"{s['documents']:,}", f"{s['spun_documents']:,}", f"{s['tokens']:,}",
                         f"{s['spun_tokens']:,}", f"{s['spun_token_rate']:.3f}", f"{s['edits']:,}"])
    table = _table(["config", "split", "documents", "spun documents", "tokens", "spun tokens", "spun-token rate", "edits"], rows, right=6)
    skipped = "; ".join(f"{why}: {n:,}" for why, n in stats["skipped"].items())
    return (f"{table}\n\n{stats['documents']:,} documents in all (seed {stats['seed']}). Skipped source documents: "
            f"{sum(stats['skipped'].values()):,} ({skipped}). The aligner's labels agree with the spinners' own "
            f"records of their edits on {100 * stats['aligner_token_agreement']:.4f}% of "
            f"{stats['aligner_tokens_compared']:,} tokens (every document but the third-party spinner's, which keeps no record).")


def near_duplicates(root: Path) -> str:
    lines = []
    for source, s in _build_stats(root)["sources"].items():
        nd = s.get("near_duplicates")
        if nd:
            lines.append(f"- `{source}`: {nd['documents_in_groups']:,} originals form {nd['groups']:,} groups of near-duplicates "
                         f"(more than {nd['threshold']:.0%} of 8-word shingles shared), each kept in one split; "
                         f"{nd['copies_skipped']:,} near-exact copies (over {nd['copy_threshold']:.0%} shared) dropped.")
    return "\n".join(lines) or "- no source has near-duplicate groups."


def realism_profile(root: Path) -> str:
    from harness.corpus.realism import outside, profile_table

    stats = _build_stats(root)
    profiles = {f"{c}/{split}": stats["configs"][c][split]["profile"]
                for c in CONFIG_ORDER if c in stats["configs"]
                for split in ("train", "validation", "test") if "profile" in stats["configs"][c].get(split, {})}
    inside = [name for name, p in profiles.items() if not outside(p)]
    out = [f"{name} ({len(outside(p))})" for name, p in profiles.items() if outside(p)]
    summary = (f"Inside every range: {', '.join(inside) or 'none'}. "
               f"Outside at least one (how many statistics): {', '.join(out) or 'none'}.")
    return profile_table(profiles, markdown=True) + "\n\n" + summary


def regime_stats(root: Path) -> str:
    """Documents, spun-token rate and edits of every split per spin regime."""
    stats = _build_stats(root)
    rows = []
    for config in (c for c in CONFIG_ORDER if c in stats["configs"]):
        for split in ("train", "validation", "test"):
            s = stats["configs"][config].get(split)
            for regime, r in (s or {}).get("by_regime", {}).items():
                rows.append([f"`{config}`", split, regime, f"{r['documents']:,}", f"{r['spun_token_rate']:.3f}", f"{r['edits']:,}"])
    return _table(["config", "split", "regime", "documents", "spun-token rate", "edits"], rows, right=3)


def regime_profile(root: Path) -> str:
    """The realism profile of news/test per spin regime, and of all its spun documents."""
    from harness.corpus.realism import profile_table

    by_regime = _build_stats(root)["configs"]["news"]["test"]["profile_by_regime"]
    return profile_table({f"news/test {regime}": p for regime, p in by_regime.items()}, markdown=True)


# The commit before issues 18-19's data revision, and the last commit of that revision (before
# issue 25's several-spins train split): what each revision moved is measured between them.
REVISION_18_19_BEFORE = "d7e6c23"
REVISION_18_19_LAST = "2cfbc62"


def _results_then_and_now(root: Path, commit: str, until: str | None = None) -> tuple[dict, dict] | None:
    """Every committed detection result at ``commit`` (read from git) and at ``until`` (None: in
    the working tree), or None without those commits in the history (a shallow clone)."""
    import subprocess

    for c in filter(None, (commit, until)):
        if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{c}^{{commit}}"], capture_output=True).returncode:
            return None
    sys.path.insert(0, str(root / "benchmarks"))
    import revision_diff

    return revision_diff.results_at(commit, root), revision_diff.results_at(until, root)


def _revision_diff(root: Path, before: str, after: str | None, gaps_only: bool) -> str | None:
    """Token F1 and AUPRC before (``before``'s committed results) and after (``after``'s, None:
    the working tree's), or None without those commits in the history."""
    results = _results_then_and_now(root, before, after)
    if results is None:
        return None
    import revision_diff  # on the path: _results_then_and_now put it there

    table = revision_diff.table(*results)
    return table.split("\n\n")[1] if gaps_only else table


def revision_diff_table(root: Path) -> str | None:
    """Issues 18-19's revision: what it moved (a record, from two commits)."""
    return _revision_diff(root, REVISION_18_19_BEFORE, REVISION_18_19_LAST, gaps_only=False)


# The last commit whose results were scored by threshold rule version 3: what the current data
# revision moved is measured up to it, so that the rule's own move (version 4) is not counted as
# the data's (rule_v4_diff shows that one).
RULE_V3_LAST = "db80b60"


def spins_diff_table(root: Path) -> str | None:
    """The current revision (issue 25's several spins): its last predecessor's results and its
    own under the same threshold rule (version 3)."""
    return _revision_diff(root, REVISION_18_19_LAST, RULE_V3_LAST, gaps_only=False)


def revision_gaps(root: Path) -> str | None:
    return _revision_diff(root, REVISION_18_19_LAST, RULE_V3_LAST, gaps_only=True)


def _cut_moves(root: Path, before_commit: str, unit: str) -> list[tuple[str, str, dict, dict]] | None:
    """(model, config, results then, results now) of every committed detection entry whose
    ``unit`` ("token" or "document") cut differs between ``before_commit`` and the working tree,
    in the leaderboard's config order; None without that commit in the history."""
    results = _results_then_and_now(root, before_commit)
    if results is None:
        return None
    before, after = results
    return [(model, config, before[model, config], a)
            for (model, config), a in sorted(after.items(), key=lambda kv: (kv[0][0], CONFIG_ORDER.index(kv[0][1])))
            if (model, config) in before and before[model, config]["thresholds"][unit] != a["thresholds"][unit]]


def rule_v4_diff(root: Path) -> str | None:
    """Token F1 of every baseline entry whose token cut threshold rule version 4 moved: under
    version 3 (``RULE_V3_LAST``'s committed results) and now, with the fit's scaled misfit."""
    moved = _cut_moves(root, RULE_V3_LAST, "token")
    if moved is None:
        return None
    rows = [[f"`{model}`", config, f"{b['thresholds']['token']:.4f}", f"{a['thresholds']['token']:.4f}",
             f"{a['thresholds'].get('token_misfit', float('nan')):.1f}",
             f"{b['scores']['token']['f1']['value']:.3f}", f"{a['scores']['token']['f1']['value']:.3f}"] for model, config, b, a in moved]
    return _table(["model", "config", "token cut, rule v3", "v4", "scaled misfit", "token F1, rule v3", "v4"], rows, right=5)


# The last commit whose results were scored by threshold rule version 4 (rule_v5_diff's before).
RULE_V4_LAST = "4f598bd"


def rule_v5_diff(root: Path) -> str | None:
    """Document F1 of every entry whose document cut threshold rule version 5 moved: under
    version 4 (``RULE_V4_LAST``'s committed results) and now, with the token fit's scaled misfit
    that keeps the cut."""
    moved = _cut_moves(root, RULE_V4_LAST, "document")
    if moved is None:
        return None
    rows = [[f"`{model}`", config, f"{b['thresholds'].get('document_spun_share', float('nan')):.1%}",
             f"{b['thresholds']['document']:.4f}", f"{a['thresholds']['document']:.4f}", f"{a['thresholds'].get('token_misfit', float('nan')):.1f}",
             f"{b['scores']['document']['f1']['value']:.3f}", f"{a['scores']['document']['f1']['value']:.3f}"] for model, config, b, a in moved]
    return _table(["model", "config", "documents read as spun", "document cut, rule v4", "v5", "token misfit", "document F1, rule v4", "v5"], rows, right=6)


# The detectors whose thresholds docs/evaluation.md measures (the floors all-spun and random
# have one score each, or none worth a cut).
THRESHOLD_DETECTORS = ("transformer", "classifier", "lexicon", "embedding")


# The last commit whose results were scored by threshold rule version 1.
RULE_V1_COMMIT = "e0f414b"


def rule_diff(root: Path) -> str | None:
    """Token and document F1 of the baselines under threshold rule version 1 (``RULE_V1_COMMIT``'s
    committed results, read from git) and version 2 (the last results of that data revision), or
    None without those commits in the history."""
    results = _results_then_and_now(root, RULE_V1_COMMIT, REVISION_18_19_LAST)
    if results is None:
        return None
    before, after = results
    rows = []
    for model in THRESHOLD_DETECTORS:
        for config in CONFIG_ORDER:
            b, a = before.get((model, config)), after.get((model, config))
            if not (a and b):
                continue
            cells = [f"{r['scores'][level]['f1']['value']:.3f}" for level in ("token", "document") for r in (b, a)]
            rows.append([f"`{model}`", config, *cells])
    return _table(["model", "config", "token F1, rule v1", "v2", "document F1, rule v1", "v2"], rows, right=4)


def build_figures(root: Path) -> str:
    stats = _build_stats(root)
    splits = sum(len(v) for v in stats["configs"].values())
    skipped = "; ".join(f"{why}: {n:,}" for why, n in stats["skipped"].items())
    return _table(["what", "figure", "reproduce with"], [
        ["documents built", f"{stats['documents']:,} in {len(stats['configs'])} configs ({splits} splits)", "`spinbench build --num-proc 2`"],
        ["source documents skipped", f"{sum(stats['skipped'].values()):,}: {skipped}", "`data/build.log` lists each"],
        ["aligner agreement with the spinners' own edit records",
         f"{100 * stats['aligner_token_agreement']:.4f}% of {stats['aligner_tokens_compared']:,} tokens "
         "(every document but the third-party spinner's, which keeps no record)",
         "printed by `spinbench build`; `aligner_token_agreement` in `data/build_stats.json`"],
    ])


def fingerprints(root: Path) -> str:
    fp = json.loads((root / "data" / "fingerprints.json").read_text())
    rows = [[f"`{c}`", split, f"`{digest[:12]}`"] for c in CONFIG_ORDER if c in fp["configs"]
            for split, digest in fp["configs"][c].items()]
    return _table(["config", "split", "fingerprint (first 12 hex digits)"], rows) + f"\n\nBuilt with seed {fp['seed']}."


def registry(root: Path) -> str:
    from harness.evaluation.registry import REGISTRY

    rows = [[f"`{name}`", f"`{target}`"] for name, target in REGISTRY.items()]
    return _table(["name", "module:Class"], rows) + "\n\nand `hf:PATH_OR_HUB_ID` for a saved Hugging Face token classifier."


# The restoration track's edit kinds, in harness.restoration.kinds.KINDS order (tests/test_docs.py checks).
RESTORATION_KINDS = {"one_word": "one word", "phrase": "phrase", "function_words": "function words", "fixed_term": "fixed term"}
NO_RESTORATION_RESULTS = ("No restoration results are committed yet (`results/restore/` holds none): `bash benchmarks/run_restoration.sh` "
                          "writes them, and `python benchmarks/docs_figures.py` then writes this table from them.")


def load_restoration_results(root: Path = ROOT) -> dict[tuple[str, str], dict]:
    """(restorer, config) -> the committed restoration entry ``results/restore/<restorer>/<config>.json``."""
    out = {}
    for path in sorted((root / "results" / "restore").glob("*/*.json")):
        res = json.loads(path.read_text())
        out[(res["model"]["name"], res["dataset"]["config"])] = res
    return out


def _value(score: dict | None) -> str:
    return score_text(score, interval=False)


def _interval(score: dict | None) -> str:
    return score_text(score)


def restoration_scores(root: Path) -> str:
    """Every committed restoration entry: top-1 / top-5 overall and per edit kind, and the share of
    the edit distance removed on the gold spans and on the detector's spans (with the guesses under
    the restorer's confidence cut withheld too, where it gives confidences); news/test first,
    restorers by top-1 on news/test."""
    results = load_restoration_results(root)
    if not results:
        return NO_RESTORATION_RESULTS

    def key(m: str) -> tuple[float, str]:
        news = results.get((m, "news"))
        return (-(news["scores"]["edits"]["top1"]["value"] or 0.0) if news else 0.0, m)

    restorers, configs = sorted({m for m, _ in results}, key=key), configs_of(results)
    detectors = sorted({res["detector"]["name"] for res in results.values() if res.get("detector")})
    detected_header = f"removed, `{detectors[0]}`'s spans" if len(detectors) == 1 else "removed, detector's spans"
    rows, counts = [], []
    for c in configs:
        for m in (m for m in restorers if (m, c) in results):
            res = results[(m, c)]
            s = res["scores"]
            by_kind = s["by_kind"]
            kinds = [f"{_value(by_kind[k]['top1'])} / {_value(by_kind[k]['top5'])}" if k in by_kind else "–" for k in RESTORATION_KINDS]
            detected = s["end_to_end"].get("detected_spans")
            detected_cell = "–" if detected is None else _interval(detected["distance_removed"])
            if detected is not None and len(detectors) > 1:
                detected_cell += f" (`{res['detector']['name']}`)"
            abstaining = s["end_to_end"].get("detected_spans_abstaining")  # a restorer that gives confidences
            abstaining_cell = "–" if abstaining is None else f"{_interval(abstaining['distance_removed'])} ({shown_share(abstaining)} shown)"
            speed = res["throughput"].get("spans_per_second")
            rows.append([c, f"`{m}`", _interval(s["edits"]["top1"]), _interval(s["edits"]["top5"]), _value(s["edits"]["top1_lemma"]), *kinds,
                         _interval(s["end_to_end"]["gold_spans"]["distance_removed"]), detected_cell, abstaining_cell,
                         f"{speed:,.0f}" if speed else "–"])
        first = next(results[(m, c)] for m in restorers if (m, c) in results)
        kinds = ", ".join(f"{first['scores']['by_kind'][k]['count']:,} {label}" for k, label in RESTORATION_KINDS.items() if k in first["scores"]["by_kind"])
        counts.append(f"`{c}`/{first['dataset']['split']}: {first['scores']['edits']['count']:,} gold edits ({kinds})")
    table = _table(["config", "restorer", "top-1", "top-5", "top-1 lemma", *(f"{label} top-1 / top-5" for label in RESTORATION_KINDS.values()),
                    "edit distance removed, gold spans", detected_header, f"{detected_header}, abstaining", "spans/s"], rows, right=1)
    return table + "\n\nEdits scored: " + "; ".join(counts) + "."


def threshold_transfer(root: Path) -> str | None:
    """benchmarks/threshold_transfer.py's summary for the baselines, or None without the built
    dataset (it reads the scored splits' labels)."""
    from harness.core.dataset import DatasetNotFound

    sys.path.insert(0, str(root / "benchmarks"))
    import threshold_transfer as transfer

    try:
        rows, documents = transfer.measure_all(root / "results", str(root / "data"), models=THRESHOLD_DETECTORS)
        cross, cross_documents = transfer.cross_fit_rows(root / "results", str(root / "data"), models=THRESHOLD_DETECTORS)
    except DatasetNotFound:
        return None
    models = " ".join(f"--model {m}" for m in THRESHOLD_DETECTORS)
    parts = []
    for what, command, sets, docs in (("The leaderboard's scored splits", f"python benchmarks/threshold_transfer.py {models}", rows, documents),
                                      ("`news`/validation, cross-fitted", f"python benchmarks/threshold_transfer.py --cross-fit {models}", cross, cross_documents)):
        parts.append(f"{what} (`{command}`):\n\n{transfer.summary_table(sets)}\n\nTheir documents, each scored alone:\n\n"
                     f"{transfer.document_table(docs)}\n\nThe one-text rule by document length:\n\n{transfer.length_table(docs)}\n\n"
                     f"Checks:\n\n{transfer.checks(sets, docs)}")
    return "\n\n".join(parts)


# Blocks that read the built dataset (data/, ignored by git), slow to render: the fast docs test
# leaves them to a slow one.
DATA_BLOCKS = frozenset({"threshold-transfer"})

RENDERERS: dict[str, Callable[[Path], str | None]] = {
    "baselines-token-f1": baselines_token_f1,
    "baselines-scores": baselines_scores,
    "baselines-cost": baselines_cost,
    "baselines-breakdown": baselines_breakdown,
    "false-alarms": false_alarms,
    "thresholds": thresholds,
    "threshold-transfer": threshold_transfer,
    "rule-diff": rule_diff,
    "rule-v4-diff": rule_v4_diff,
    "rule-v5-diff": rule_v5_diff,
    "dataset-stats": dataset_stats,
    "near-duplicates": near_duplicates,
    "realism-profile": realism_profile,
    "regime-stats": regime_stats,
    "revision-diff": revision_diff_table,
    "spins-diff": spins_diff_table,
    "revision-gaps": revision_gaps,
    "regime-profile": regime_profile,
    "build-figures": build_figures,
    "fingerprints": fingerprints,
    "registry": registry,
    "restoration-scores": restoration_scores,
}


def replace_blocks(text: str, rendered: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """``text`` with each generated block's body replaced by ``rendered[name]``; also the names
    of the blocks found and of those whose body changed."""
    found, stale = [], []

    def sub(m: re.Match) -> str:
        name = m.group("name")
        found.append(name)
        if name not in rendered:
            raise KeyError(f"no renderer for generated block {name!r}; known: {', '.join(sorted(rendered))}")
        body = rendered[name]
        if body is None:  # its source is not here (a revision's history in a shallow clone): kept as it is
            return m.group(0)
        body = body.rstrip("\n") + "\n"
        if m.group("body") != body:
            stale.append(name)
        return m.group(1) + body + m.group(4)

    return BLOCK.sub(sub, text), found, stale


def update(root: Path = ROOT, check: bool = False, only: frozenset[str] | None = None, skip: frozenset[str] = frozenset()) -> list[str]:
    """Rewrite (or with ``check``, only compare) every generated block (``only`` these, none of
    ``skip``: those are kept as they are); returns ``file: NAME`` for each block that was stale."""
    cache: dict[str, str | None] = {}

    class Lazy(dict):
        def __contains__(self, name):
            return name in RENDERERS

        def __getitem__(self, name):
            if (only is not None and name not in only) or name in skip:
                return None
            if name not in cache:
                cache[name] = RENDERERS[name](root)
            return cache[name]

    stale_all = []
    for path in doc_files(root):
        text = path.read_text()
        new, _, stale = replace_blocks(text, Lazy())
        stale_all += [f"{path.relative_to(root)}: {name}" for name in stale]
        if stale and not check:
            path.write_text(new)
    return stale_all


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 naming each stale block")
    args = ap.parse_args()
    stale = update(check=args.check)
    for entry in stale:
        print(("stale: " if args.check else "rewrote: ") + entry, file=sys.stderr if args.check else sys.stdout)
    if args.check and stale:
        print("run: python benchmarks/docs_figures.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
