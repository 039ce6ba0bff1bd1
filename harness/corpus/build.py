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
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from harness.core.configs import CONFIGS, ConfigSpec, plan_document, split_of
from harness.core.schema import make_record
from harness.core.tokens import is_word, tokenize
from harness.corpus.align import align_tokens
from harness.corpus.sources import SOURCES, Article, Skipped, SourceItem
from harness.corpus.spin import engine, recipe_spinner
from harness.corpus.spin.spinner import recorded_labels

MAX_TOKENS = 20_000  # longer documents are not articles (a dump, a book): skipped


@dataclass
class BuildLog:
    """What a build skipped and why, and how well the aligner matched the spinner."""

    skipped: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    agree_tokens: int = 0
    total_tokens: int = 0

    def skip(self, doc_id: str, reason: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, doc_id)
        print(f"skipped {doc_id}: {reason}", file=sys.stderr)

    @property
    def aligner_agreement(self) -> float:
        return self.agree_tokens / self.total_tokens if self.total_tokens else 1.0


def checked_articles(items: Iterable[SourceItem], log: BuildLog, max_tokens: int = MAX_TOKENS) -> list[Article]:
    """Drop unreadable, empty, over-long and duplicate documents, logging each with a reason."""
    kept: list[Article] = []
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    for item in items:
        if isinstance(item, Skipped):
            log.skip(item.id, item.reason)
            continue
        tokens = tokenize(item.text)
        key = " ".join(t.text.lower() for t in tokens)
        if item.id in seen_ids:
            log.skip(item.id, "duplicate id")
        elif not any(is_word(t.text) for t in tokens):
            log.skip(item.id, "empty: no words")
        elif len(tokens) > max_tokens:
            log.skip(item.id, f"too long: over {max_tokens} tokens")
        elif key in seen_texts:
            # The BBC corpus repeats some stories; a copy in another split would leak test text.
            log.skip(item.id, "duplicate text of an earlier document")
        else:
            seen_ids.add(item.id)
            seen_texts[key] = item.id
            kept.append(item)
    return kept


@dataclass(frozen=True)
class Job:
    article: Article
    config: str
    seed: int


def process(job: Job) -> tuple[dict, int, int]:
    """One document: plan, spin, align. Returns the record and the aligner/spinner agreement."""
    spec = CONFIGS[job.config]
    art = job.article
    original_tokens = tokenize(art.text)
    plan = plan_document(art.source_id, job.seed, spec.recipes)
    if plan.spun:
        recipe = spec.recipes[plan.recipe]
        spinner = recipe_spinner(recipe)
        rng = random.Random(f"{job.seed}:spin:{job.config}:{art.source_id}")
        result = spinner.spin(art.text, plan.rate, rng, tokens=original_tokens)
        text, engines, spin_edits = result.spun, result.engines, result.edits
        tokens = tokenize(text)
    else:
        text, engines, spin_edits, tokens = art.text, [], [], original_tokens
    alignment = align_tokens(art.text, original_tokens, text, tokens)
    truth = recorded_labels(tokens, spin_edits)
    agree = sum(a == b for a, b in zip(alignment.labels, truth))
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
        engines=engines,
        recipe=plan.recipe,
        spin_rate=plan.rate,
    )
    return record, agree, len(truth)


def _run(jobs: list[Job], num_proc: int, desc: str) -> list[tuple[dict, int, int]]:
    from tqdm.auto import tqdm

    if num_proc <= 1:
        return [process(j) for j in tqdm(jobs, desc=desc, unit="doc")]
    # fork shares the engines' tables (loaded below, in the parent) with the workers
    with multiprocessing.get_context("fork").Pool(num_proc) as pool:
        return list(tqdm(pool.imap(process, jobs, chunksize=4), total=len(jobs), desc=desc, unit="doc"))


def build_config(spec: ConfigSpec, articles: list[Article], seed: int, num_proc: int, log: BuildLog) -> dict[str, list[dict]]:
    """Records of every split of one config, in source order."""
    # Resources load on first use: warm them in the parent so forked workers inherit them.
    for name in sorted({e for r in spec.recipes.values() for e in r.engines}):
        engine(name).warm()
    out: dict[str, list[dict]] = {}
    for split in spec.splits:
        if len(spec.splits) > 1:
            chosen = [a for a in articles if split_of(a.source_id, seed) == split]
        elif spec.originals_split:
            chosen = [a for a in articles if split_of(a.source_id, seed) == spec.originals_split]
        else:
            chosen = articles
        results = _run([Job(a, spec.name, seed) for a in chosen], num_proc, f"{spec.name}/{split}")
        out[split] = [r for r, _, _ in results]
        log.agree_tokens += sum(a for _, a, _ in results)
        log.total_tokens += sum(n for _, _, n in results)
    return out


def load_source(name: str, log: BuildLog) -> list[Article]:
    return checked_articles(SOURCES[name](), log)


def build(
    out_dir: Path,
    configs: list[str],
    seed: int = 0,
    num_proc: int = 1,
    source_loader: Callable[[str, BuildLog], list[Article]] = load_source,
    check_fingerprints: bool = True,
) -> dict:
    """Build ``configs`` into ``out_dir`` atomically; returns the build statistics."""
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
        articles: dict[str, list[Article]] = {}
        fingerprints: dict[str, dict[str, str]] = {}
        stats: dict[str, dict] = {}
        n_docs = 0
        for name in configs:
            spec = CONFIGS[name]
            if spec.source not in articles:
                articles[spec.source] = source_loader(spec.source, log)
            splits = build_config(spec, articles[spec.source], seed, num_proc, log)
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
            "skipped": dict(sorted(log.skipped.items())),
            "skipped_examples": dict(sorted(log.examples.items())),
            "aligner_token_agreement": round(log.aligner_agreement, 6),
            "documents": n_docs,
        }
        committed = read_fingerprints(out_dir)
        if check_fingerprints and committed is not None:
            compare_fingerprints(committed, {"seed": seed, "configs": fingerprints})
        if committed is not None and committed.get("seed") == seed:
            # Building some configs keeps what the folder says of the others.
            fingerprints = {**committed["configs"], **fingerprints}
            old_stats = read_build_stats(out_dir)
            summary["configs"] = {**old_stats.get("configs", {}), **stats}
        built = [c for c in CONFIGS if c in configs or (c in fingerprints and (out_dir / c).exists())]
        summary["configs"] = {c: summary["configs"][c] for c in built if c in summary["configs"]}
        write_json(tmp / FINGERPRINTS, {"seed": seed, "configs": {c: fingerprints[c] for c in built if c in fingerprints}})
        write_json(tmp / BUILD_STATS, summary)
        write_card(tmp / CARD, summary, list(summary["configs"]))
        replace_tree(tmp, out_dir, [*configs, FINGERPRINTS, BUILD_STATS, CARD])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary["seconds"] = round(seconds, 1)
    summary["docs_per_second"] = round(n_docs / seconds, 1) if seconds else None
    return summary
