"""``spinbench build``: sources -> checks -> spinner -> aligner -> parquet, card and fingerprints.

The labels of every record come from the aligner (:mod:`harness.corpus.align`), the same path that
imports pairs from the wild; the spinner's own record is used only to measure the aligner's
agreement, which the build reports. Output is written to a temporary folder and moved into place
only when every config has been built, so a failed build leaves the previous dataset untouched.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, ConfigSpec, plan_document
from harness.core.schema import make_record
from harness.core.tokens import tokenize
from harness.corpus.align import align_tokens
from harness.corpus.source_checks import MAX_TOKENS, BuildLog, SplitPlan, assign_splits, checked_articles, drop_overlaps, warn_empty_splits
from harness.corpus.sources import SOURCES, Article
from harness.corpus.spin import engine, recipe_spinner
from harness.corpus.spin.spinner import recorded_labels

__all__ = ["MAX_TOKENS", "BuildLog", "build", "checked_articles", "load_source", "process"]
LOG_FILE = "build.log"


@dataclass(frozen=True)
class Job:
    article: Article
    config: str
    seed: int


def process(job: Job) -> tuple[dict, int, int]:
    """One document: plan, spin, align. Returns the record and how many of its tokens the
    aligner labels as the spinner's own record does, out of how many (0 of 0 for third-party
    spinners, which keep no record)."""
    spec = CONFIGS[job.config]
    art = job.article
    original_tokens = tokenize(art.text)
    plan = plan_document(art.source_id, job.seed, spec.recipes)
    spin_edits = None
    if plan.spun:
        recipe = spec.recipes[plan.recipe]
        key = f"{job.seed}:spin:{job.config}:{art.source_id}"
        whole_text = engine(recipe.engines[0])
        if hasattr(whole_text, "spin_text"):  # a third-party spinner: the aligner's labels only
            text = whole_text.spin_text(art.text, plan.rate, key)
            engines = [whole_text.name]
        else:
            result = recipe_spinner(recipe).spin(art.text, plan.rate, random.Random(key), tokens=original_tokens)
            text, engines, spin_edits = result.spun, result.engines, result.edits
        tokens = tokenize(text)
    else:
        text, engines, tokens = art.text, [], original_tokens
    alignment = align_tokens(art.text, original_tokens, text, tokens)
    agree = total = 0
    if spin_edits is not None or not plan.spun:
        truth = recorded_labels(tokens, spin_edits or [])
        agree, total = sum(a == b for a, b in zip(alignment.labels, truth)), len(truth)
    record = make_record(
        doc_id=art.id,
        source=art.source,
        source_id=art.source_id,
        domain=art.domain,
        title=art.title,
        text=text,
        tokens=tokens,
        labels=alignment.labels,
        original_text=art.text,
        original_tokens=original_tokens,
        edits=alignment.edits,
        engines=engines if alignment.edits else [],
        recipe=plan.recipe,
        spin_rate=plan.rate,
    )
    return record, agree, total


def _run(jobs: list[Job], num_proc: int) -> list[tuple[dict, int, int]]:
    """Every job, in order, in one pool of worker processes, so that the caches each worker
    fills (lemmas, synonyms, neighbours) serve the whole build."""
    from tqdm.auto import tqdm

    desc = f"spinning and aligning ({', '.join(dict.fromkeys(j.config for j in jobs))})"
    if num_proc <= 1:
        return [process(j) for j in tqdm(jobs, desc=desc, unit="doc")]
    # fork shares the engines' tables (warmed in the parent) with the workers
    with multiprocessing.get_context("fork").Pool(num_proc) as pool:
        return list(tqdm(pool.imap(process, jobs, chunksize=4), total=len(jobs), desc=desc, unit="doc"))


def split_articles(spec: ConfigSpec, plan: SplitPlan) -> dict[str, list[Article]]:
    """The articles of each split of a config, in source order."""
    out = {}
    for name in spec.splits:
        wanted = name if len(spec.splits) > 1 else spec.originals_split
        out[name] = [a for a in plan.articles if wanted is None or plan.split[a.source_id] == wanted]
    return out


def build_configs(configs: list[str], sources: "_Sources", seed: int, num_proc: int, log: BuildLog) -> dict[str, dict[str, list[dict]]]:
    """Records of every split of every config (config -> split -> records)."""
    chosen = {name: split_articles(CONFIGS[name], sources.plan(CONFIGS[name].source)) for name in configs}
    # Resources load on first use: warm them in the parent so that forked workers inherit them.
    for name in sorted({e for c in configs for r in CONFIGS[c].recipes.values() for e in r.engines}):
        engine(name).warm()
    jobs = [Job(a, name, seed) for name in configs for articles in chosen[name].values() for a in articles]
    results = iter(_run(jobs, num_proc))
    out: dict[str, dict[str, list[dict]]] = {}
    for name in configs:
        out[name] = {}
        for split, articles in chosen[name].items():
            done = [next(results) for _ in articles]
            out[name][split] = [r for r, _, _ in done]
            log.agree_tokens += sum(a for _, a, _ in done)
            log.total_tokens += sum(n for _, _, n in done)
        warn_empty_splits(name, {k: len(v) for k, v in out[name].items()}, len(sources.plan(CONFIGS[name].source).articles), log)
    return out


def load_source(name: str, log: BuildLog) -> list[Article]:
    return checked_articles(SOURCES[name](), log)


class _Sources:
    """Each source's checked articles and split plan, made once per build. The default config's
    source is split with near-duplicates grouped; another source (a held-out domain) loses the
    documents that repeat text of the default source's train or validation originals."""

    def __init__(self, loader: Callable[[str, BuildLog], list[Article]], seed: int, log: BuildLog):
        self.loader, self.seed, self.log = loader, seed, log
        self.main = CONFIGS[DEFAULT_CONFIG].source
        self._plans: dict[str, SplitPlan] = {}
        self.report: dict[str, dict] = {}

    def plan(self, source: str) -> SplitPlan:
        if source not in self._plans:
            articles = self.loader(source, self.log)
            if source == self.main:
                plan = assign_splits(articles, self.seed, self.log)
                self.report[source] = {"near_duplicates": plan.report()}
            else:
                main = self.plan(self.main)
                seen = {a.source_id: a.text for a in main.articles if main.split[a.source_id] != "test"}
                articles, dropped = drop_overlaps(articles, seen, self.log, f"a {DEFAULT_CONFIG} train or validation original")
                plan = SplitPlan(articles, {}, [], 0)
                self.report[source] = {"overlapping_training_text_skipped": dropped}
            self._plans[source] = plan
        return self._plans[source]


def build(
    out_dir: Path,
    configs: list[str],
    seed: int = 0,
    num_proc: int = 1,
    source_loader: Callable[[str, BuildLog], list[Article]] = load_source,
    check_fingerprints: bool = True,
) -> dict:
    """Build ``configs`` into ``out_dir`` atomically; returns the build statistics (with
    ``log_file``, where the detail of what was skipped and grouped is written)."""
    from harness.core.files import (
        BUILD_STATS,
        CARD,
        FINGERPRINTS,
        compare_fingerprints,
        read_build_stats,
        read_fingerprints,
        replace_tree,
        write_json,
        write_split,
        write_text,
    )
    from harness.corpus.card import write_card
    from harness.corpus.stats import split_stats

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(out_dir) / f".build-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    started = time.perf_counter()
    try:
        log = BuildLog()
        sources = _Sources(source_loader, seed, log)
        fingerprints: dict[str, dict[str, str]] = {}
        stats: dict[str, dict] = {}
        n_docs = 0
        for name, splits in build_configs(configs, sources, seed, num_proc, log).items():
            fingerprints[name] = {}
            stats[name] = {}
            for split, records in splits.items():
                fingerprints[name][split] = write_split(tmp / name / f"{split}.parquet", records)
                stats[name][split] = split_stats(records)
                n_docs += len(records)
        seconds = time.perf_counter() - started
        summary = {
            "seed": seed,
            "configs": stats,
            "sources": sources.report,
            "skipped": dict(sorted(log.skipped.items())),
            "skipped_examples": dict(sorted(log.examples.items())),
            "aligner_token_agreement": round(log.aligner_agreement, 6),
            "aligner_tokens_compared": log.total_tokens,  # third-party spinners keep no record to compare with
            "documents": n_docs,
        }
        committed = read_fingerprints(out_dir)
        if committed is not None and committed.get("seed") is None:
            committed = {**committed, "seed": seed}  # only imported pairs there: nothing built to compare
        if check_fingerprints and committed is not None:
            compare_fingerprints(committed, {"seed": seed, "configs": fingerprints})
        if committed is not None and committed.get("seed") == seed:
            # Building some configs keeps what the folder says of the others (imported ones too).
            fingerprints = {**committed.get("configs", {}), **fingerprints}
            old_stats = read_build_stats(out_dir)
            summary["configs"] = {**old_stats.get("configs", {}), **stats}
            summary["sources"] = {**old_stats.get("sources", {}), **sources.report}
        built = [c for c in CONFIGS if c in configs or (c in fingerprints and (out_dir / c).exists())]
        summary["configs"] = {c: summary["configs"][c] for c in built if c in summary["configs"]}
        others = sorted(c for c in fingerprints if c not in CONFIGS and (out_dir / c).exists())
        write_json(tmp / FINGERPRINTS, {"seed": seed, "configs": {c: fingerprints[c] for c in [*built, *others] if c in fingerprints}})
        write_json(tmp / BUILD_STATS, summary)
        write_card(tmp / CARD, summary, list(summary["configs"]))
        write_text(tmp / LOG_FILE, "\n".join([*log.lines, log.summary(), ""]))
        replace_tree(tmp, out_dir, [*configs, FINGERPRINTS, BUILD_STATS, CARD, LOG_FILE])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary["seconds"] = round(seconds, 1)
    summary["docs_per_second"] = round(n_docs / seconds, 1) if seconds else None
    summary["log_file"] = str(out_dir / LOG_FILE)
    summary["log_summary"] = log.summary()
    summary["warnings"] = log.warnings
    return summary
