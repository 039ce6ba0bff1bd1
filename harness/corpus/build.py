"""``spinbench build``: sources -> checks -> spinner -> aligner -> parquet, card and fingerprints.

The labels of every record come from the aligner (:mod:`harness.corpus.align`), the same path that
imports pairs from the wild; the spinner's own record is used only to measure the aligner's
agreement, which the build reports. Output is written to a temporary folder and moved into place
only when every config has been built, so a failed build leaves the previous dataset untouched.

The build streams: sources are read twice (:mod:`harness.corpus.source_plans`), documents go to
the workers a few at a time (:mod:`harness.corpus.runners`: processes or a Dask cluster) and
come back in order into parquet shards (:mod:`harness.core.shards`). Each worker also returns its
record's fingerprint line and statistics facts, which the build pools in order
(:mod:`harness.corpus.stats`), so nothing is read back and nothing holds a whole split.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, FIT_SPLIT, ConfigSpec
from harness.core.errors import SpinbenchError
from harness.core.fingerprints import fingerprint_line
from harness.core.schema import as_stored, make_record
from harness.core.shards import SHARD_ROWS, ShardWriter
from harness.core.tokens import Token, tokenize
from harness.corpus.align import align_tokens
from harness.corpus.planning import plan_document
from harness.corpus.runners import Runner, run_jobs
from harness.corpus.source_checks import MAX_TOKENS, BuildLog, SplitPlan, checked_articles, warn_empty_splits
from harness.corpus.source_plans import SourceItems, SourcePlans, source_items
from harness.corpus.sources import Article
from harness.corpus.spin import engine, recipe_spinner
from harness.corpus.spin.lexical_split import lexical_side
from harness.corpus.spin.personality import Personality, sample_personality
from harness.corpus.spin.spinner import recorded_labels
from harness.corpus.stats import RecordStats, SplitStats, record_stats

__all__ = ["MAX_TOKENS", "BuildLog", "build", "checked_articles", "process", "source_items"]
LOG_FILE = "build.log"


@dataclass(frozen=True)
class Job:
    article: Article
    config: str
    seed: int
    split: str = ""  # where the record goes (process itself does not need it)
    spin: int = 0  # which spin of a training original (see ConfigSpec.train_spins)


def process(job: Job) -> tuple[dict, int, int]:
    """One document: plan, spin, align. Returns the record and how many of its tokens the
    aligner labels as the spinner's own record does, out of how many (0 of 0 for third-party
    spinners, which keep no record)."""
    spec = CONFIGS[job.config]
    art = job.article
    original_tokens = tokenize(art.text)
    plan = plan_document(art.source_id, job.seed, spec.recipes, job.spin)
    spin_edits = None
    engines: list[str] = []
    text, tokens, spinner, rate = art.text, original_tokens, "", plan.rate
    if plan.spun:
        recipe = spec.recipes[plan.recipe]
        key = f"{job.seed}:spin:{job.config}:{art.source_id}" + (f":{job.spin}" if job.spin else "")
        rng = random.Random(key)
        where = partial_mask(art.text, original_tokens, plan.paragraphs, rng) if plan.regime == "partial" else None
        if where is not None:
            rate = round(plan.rate * sum(where) / max(1, len(where)), 4)  # the share of the whole document asked for
        whole_text = engine(recipe.engines[0])
        if hasattr(whole_text, "spin_text"):  # a third-party spinner: the aligner's labels only
            text = _spin_third_party(whole_text, art.text, original_tokens, where, plan, key)
            engines, spinner = [whole_text.name], Personality(plan.recipe).to_json()
        else:
            personality = sample_personality(random.Random(f"{key}:personality"), plan.recipe, open_ended=job.spin > 0) if spec.personalities else None
            cluster = SPARSE_CLUSTER if plan.regime == "sparse" else None
            allow = lexical_side(job.split or spec.splits[0], job.seed) if spec.lexical_split else None
            result = recipe_spinner(recipe, personality, cluster).spin(
                art.text, plan.rate, rng, tokens=original_tokens, allow=allow, where=where, max_edits=plan.max_edits,
                fixed_terms_first=plan.regime == "sparse")
            text, engines, spin_edits = result.spun, result.engines, result.edits
            spinner = (personality or Personality(plan.recipe)).to_json()
        tokens = tokenize(text)
    alignment = align_tokens(art.text, original_tokens, text, tokens)
    agree = total = 0
    if spin_edits is not None or not plan.spun:
        truth = recorded_labels(tokens, spin_edits or [])
        agree, total = sum(a == b for a, b in zip(alignment.labels, truth)), len(truth)
    record = make_record(
        doc_id=spin_id(art.id, job.spin),
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
        spin_rate=rate,
        regime=plan.regime,
        spinner=spinner,
    )
    return record, agree, total


def spin_id(doc_id: str, spin: int) -> str:
    """A record's id: the article's, and for a later spin of a training original its number
    (``bbc-tech-042``, ``bbc-tech-042.spin2``, ``bbc-tech-042.spin3``)."""
    return doc_id if spin == 0 else f"{doc_id}.spin{spin + 1}"


# Sparse documents rewrite neighbouring words together nearly always: tortured phrases
# ("weighty precipitation", "counterfeit consciousness") rather than isolated swaps.
SPARSE_CLUSTER = 0.9


def partial_mask(text: str, tokens: list[Token], paragraphs: int, rng: random.Random) -> list[bool]:
    """Which tokens a partly spun document may change: ``paragraphs`` of its paragraphs (blank-line
    separated), chosen at random, always leaving one untouched. A text of fewer paragraphs is cut
    into runs of three sentences instead."""
    units = [m.span() for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", text, flags=re.S)]
    if len(units) < 2:
        units = _sentence_runs(tokens, 3)
    if len(units) < 2:
        return [True] * len(tokens)
    chosen = sorted(rng.sample(range(len(units)), min(paragraphs, len(units) - 1)))
    spans = [units[k] for k in chosen]
    return [any(a <= t.start < b for a, b in spans) for t in tokens]


def _sentence_runs(tokens: list[Token], size: int) -> list[tuple[int, int]]:
    """Character spans of runs of ``size`` sentences (a sentence ends at ., ! or ?)."""
    ends = [i for i, t in enumerate(tokens) if t.text in (".", "!", "?")]
    if not tokens:
        return []
    if not ends or ends[-1] != len(tokens) - 1:
        ends.append(len(tokens) - 1)
    runs, first = [], 0
    for k in range(size - 1, len(ends) + size - 1, size):
        last = ends[min(k, len(ends) - 1)]
        if first <= last:
            runs.append((tokens[first].start, tokens[last].end))
        first = last + 1
    return runs


def _spin_third_party(spinner, text: str, tokens: list[Token], where: list[bool] | None, plan, key: str) -> str:
    """A third-party spinner's output for a planned document: the whole text, each chosen
    paragraph on its own (partial), or the text with at most ``plan.max_edits`` words changed."""
    if where is None:
        return spinner.spin_text(text, plan.rate, key, max_edits=plan.max_edits)
    pieces, cursor = [], 0
    for k, (a, b) in enumerate(_runs_of(tokens, where)):
        pieces += [text[cursor:a], spinner.spin_text(text[a:b], plan.rate, f"{key}:{k}")]
        cursor = b
    return "".join(pieces) + text[cursor:]


def _runs_of(tokens: list[Token], where: list[bool]) -> list[tuple[int, int]]:
    """Character spans of the maximal runs of tokens ``where`` marks."""
    runs: list[tuple[int, int]] = []
    start = end = None
    for t, inside in zip(tokens, where):
        if inside:
            start, end = (t.start if start is None else start), t.end
        elif start is not None:
            runs.append((start, end))
            start = None
    if start is not None:
        runs.append((start, end))
    return runs


@dataclass(frozen=True)
class Processed:
    """One document's result as a worker returns it."""

    target: tuple[str, str]  # (config, split) the record goes to
    record: dict
    agree: int
    compared: int
    fingerprint_line: bytes  # the record's line of its split's content fingerprint
    stats: RecordStats


def process_routed(job: Job) -> Processed:
    """:func:`process`, with where the record goes, its fingerprint line and its statistics
    (measured here, in the worker, rather than by reading the split back)."""
    record, agree, compared = process(job)
    stored = as_stored(record)
    return Processed((job.config, job.split), record, agree, compared, fingerprint_line(stored), record_stats(stored))


def _wanted(spec: ConfigSpec, plan: SplitPlan, source_id: str, seed: int) -> list[tuple[str, int]]:
    """The (split, spin) pairs of a config that an article of its source goes to: none, or one
    split, spun once, or ``spec.train_spins`` times in the train split when it is spun there."""
    if len(spec.splits) > 1:
        split = plan.split[source_id]
        if split not in spec.splits:
            return []
        spins = spec.train_spins if split == FIT_SPLIT and plan_document(source_id, seed, spec.recipes).spun else 1
        return [(split, k) for k in range(spins)]
    return [(spec.splits[0], 0)] if spec.originals_split is None or plan.split[source_id] == spec.originals_split else []


def _jobs(configs: list[str], sources: SourcePlans, seed: int) -> Iterator[Job]:
    """Every document of every config, source by source in source order (so each split's
    records come in source order), streamed from the sources."""
    by_source: dict[str, list[str]] = {}
    for name in configs:
        by_source.setdefault(CONFIGS[name].source, []).append(name)
    for source, names in by_source.items():
        plan = sources.plan(source)
        for article in sources.articles(source):
            for name in names:
                for split, spin in _wanted(CONFIGS[name], plan, article.source_id, seed):
                    yield Job(article, name, seed, split, spin)


@dataclass
class Built:
    """What a build wrote: each split's parquet shards, content fingerprint and statistics."""

    files: dict[str, dict[str, list[Path]]]
    fingerprints: dict[str, dict[str, str]]
    stats: dict[str, dict[str, dict]]

    @property
    def documents(self) -> int:
        return sum(s["documents"] for splits in self.stats.values() for s in splits.values())


def _existing_train_pairs(folder: Path | None) -> set[str] | None:
    """The edit pairs of the default config's train split already built in ``folder``, if any."""
    from harness.core.shards import iter_rows
    from harness.corpus.realism import train_pairs

    paths = sorted((folder / DEFAULT_CONFIG).glob(f"{FIT_SPLIT}*.parquet")) if folder else []
    return train_pairs(iter_rows(paths)) if paths else None


def build_configs(configs: list[str], sources: SourcePlans, seed: int, runner: Runner, out: Path, log: BuildLog,
                  shard_rows: int = SHARD_ROWS, existing: Path | None = None) -> Built:
    """Spin, align and write every split of every config under ``out`` (``existing``: the
    dataset folder the build adds to, whose train split measures edits seen in training when
    this build leaves it out)."""
    import hashlib

    # Resources load on first use: with processes, warm them here so that forked workers inherit
    # them, while the sources are planned in another process (Dask workers warm their own).
    with sources.planning(list(dict.fromkeys(CONFIGS[name].source for name in configs)), background=runner.num_proc > 1 and not runner.dask):
        if not runner.dask:
            for engine_name in sorted({e for c in configs for r in CONFIGS[c].recipes.values() for e in r.engines}):
                engine(engine_name).warm()
    sizes = {name: {split: 0 for split in CONFIGS[name].splits} for name in configs}
    for name in configs:
        plan = sources.plan(CONFIGS[name].source)
        for source_id in plan.source_ids:
            for split, _ in _wanted(CONFIGS[name], plan, source_id, seed):
                sizes[name][split] += 1
    if not any(n for splits in sizes.values() for n in splits.values()):
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(log.skipped.items())) or "none found"
        raise SpinbenchError(f"no usable document in the source(s), so nothing was built (skipped: {skipped})")
    targets = [(name, split) for name in configs for split in CONFIGS[name].splits]
    writers = {t: ShardWriter(out / t[0], t[1], shard_rows) for t in targets}
    digests = {t: hashlib.sha256() for t in targets}
    stats = {t: SplitStats() for t in targets}
    desc = f"spinning and aligning ({', '.join(configs)})"
    total = sum(n for splits in sizes.values() for n in splits.values())
    for done in run_jobs(process_routed, _jobs(configs, sources, seed), runner, total, desc):
        writers[done.target].add(done.record)
        digests[done.target].update(done.fingerprint_line)
        stats[done.target].add(done.stats)
        log.agreed(done.target[0], done.agree, done.compared)
    for name in configs:
        warn_empty_splits(name, sizes[name], len(sources.plan(CONFIGS[name].source).source_ids), log)
    def per_split(value) -> dict:
        return {name: {split: value((name, split)) for split in CONFIGS[name].splits} for name in configs}

    # Edits seen in training: every split's edit pairs against the default config's train split's
    # (built now, or already in ``existing``, the folder this build adds to).
    train = stats.get((DEFAULT_CONFIG, FIT_SPLIT))
    reference = train.pairs if train is not None else _existing_train_pairs(existing)
    built = Built(per_split(lambda t: writers[t].close()), per_split(lambda t: digests[t].hexdigest()), per_split(lambda t: stats[t].result(reference if t != (DEFAULT_CONFIG, FIT_SPLIT) else None)))
    _remember(built)
    return built


def _remember(built: Built) -> None:
    """Let loading a single-file split skip recomputing its content fingerprint (the file's hash
    points at it)."""
    from harness.core.files import sha256_file
    from harness.core.fingerprints import remember_fingerprint

    for name, splits in built.files.items():
        for split, paths in splits.items():
            if len(paths) == 1:
                remember_fingerprint(sha256_file(paths[0]), built.fingerprints[name][split])


# A build writes into <out>/.build-<pid>/ and moves it into place when done.
TMP_PREFIX = ".build-"


def remove_stale_builds(out_dir: Path, log: BuildLog) -> list[Path]:
    """Remove the temporary folders that builds killed before their clean-up (``kill -9``) left
    in ``out_dir``: those whose process is gone. A folder whose process still runs (another build
    into the same folder) is left alone. Each removal is a warning in ``log``."""
    removed = []
    for path in sorted(out_dir.glob(f"{TMP_PREFIX}*")):
        pid = path.name[len(TMP_PREFIX):]
        if not (pid.isdigit() and path.is_dir()) or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # alive
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError):
            continue  # alive, another user's (or no pid at all): not ours to remove
        shutil.rmtree(path, ignore_errors=True)
        log.warn(f"removed {path}, left by an interrupted build (process {pid} is gone)")
        removed.append(path)
    return removed


def build(
    out_dir: Path,
    configs: list[str],
    seed: int = 0,
    num_proc: int = 1,
    sources: SourceItems = source_items,
    check_fingerprints: bool = True,
    dask: str | None = None,
    shard_rows: int = SHARD_ROWS,
) -> dict:
    """Build ``configs`` into ``out_dir`` atomically; returns the build statistics (with
    ``log_file``, where the detail of what was skipped and grouped is written).

    ``sources(name)`` gives a fresh stream of a source's items (it is read twice); the work
    runs in ``num_proc`` processes or on the Dask cluster ``dask`` (``local:N`` or an address),
    with the same result byte for byte; splits over ``shard_rows`` records are sharded."""
    from harness.core.files import BUILD_STATS, CARD, FINGERPRINTS, replace_tree, write_json, write_text
    from harness.corpus.card import write_card

    log = BuildLog()
    cores = os.cpu_count() or 1
    if not dask and num_proc > cores:  # more processes than cores only adds switching and memory
        log.warn(f"--num-proc {num_proc} is more than this machine's {cores} cores: using {cores} processes")
        num_proc = cores
    runner = Runner(num_proc, dask)  # a bad --num-proc or --dask fails before anything is made
    out_dir = Path(out_dir)
    tmp = out_dir / f"{TMP_PREFIX}{os.getpid()}"
    made_out = not out_dir.exists()  # a failed build removes a folder it made, so nothing is left behind
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(out_dir, log)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    except OSError as err:
        raise SpinbenchError(f"cannot write the dataset under {out_dir}: {err.strerror or err}") from err
    started = time.perf_counter()
    try:
        plans = SourcePlans(sources, seed, log, keep=sources is source_items)
        built = build_configs(configs, plans, seed, runner, tmp, log, shard_rows, existing=out_dir)
        fingerprints, stats, n_docs, files = built.fingerprints, built.stats, built.documents, built.files
        seconds = time.perf_counter() - started
        summary = {
            "seed": seed,
            "configs": stats,
            "sources": plans.report,
            "skipped": dict(sorted(log.skipped.items())),
            "skipped_examples": dict(sorted(log.examples.items())),
            "aligner_token_agreement": round(log.aligner_agreement, 6),
            "aligner_tokens_compared": log.total_tokens,  # third-party spinners keep no record to compare with
            "aligner_by_config": {c: {"agree": a, "compared": n} for c, (a, n) in log.agreement_by_config.items()},
            "documents": n_docs,
        }
        fingerprints, matched = _merge_committed(out_dir, seed, configs, fingerprints, summary, check_fingerprints)
        sharded = {(c, split) for c, splits in files.items() for split, paths in splits.items() if len(paths) > 1}
        write_json(tmp / FINGERPRINTS, {"seed": seed, "configs": fingerprints})
        write_json(tmp / BUILD_STATS, summary)
        write_card(tmp / CARD, summary, list(summary["configs"]), sharded)
        write_text(tmp / LOG_FILE, "\n".join([*log.lines, log.summary(), ""]))
        replace_tree(tmp, out_dir, [*configs, FINGERPRINTS, BUILD_STATS, CARD, LOG_FILE])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if made_out and out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    summary["seconds"] = round(seconds, 1)
    summary["docs_per_second"] = round(n_docs / seconds, 1) if seconds else None
    summary["log_file"] = str(out_dir / LOG_FILE)
    summary["log_summary"] = log.summary()
    summary["warnings"] = log.warnings
    summary["runner"] = runner.describe()
    summary["fingerprints_matched"] = matched
    return summary


def _merge_committed(out_dir: Path, seed: int, configs: list[str], fingerprints: dict, summary: dict, check: bool) -> tuple[dict, bool]:
    """Check the new fingerprints against the folder's (when ``check``), keep what the folder
    says of configs not built now, and return every config's fingerprints in canonical order
    (``summary``'s configs and sources are merged the same way), and whether every split built
    had a fingerprint there that it matched."""
    from harness.core.files import read_build_stats
    from harness.core.fingerprints import compare_fingerprints, read_fingerprints

    committed = read_fingerprints(out_dir)
    recorded = committed.get("configs", {}) if committed is not None and committed.get("seed") is not None else {}
    matched = check and bool(fingerprints) and all(recorded.get(c, {}).get(split) is not None for c, splits in fingerprints.items() for split in splits)
    if committed is not None and committed.get("seed") is None:
        committed = {**committed, "seed": seed}  # only imported pairs there: nothing built to compare
    if check and committed is not None:
        compare_fingerprints(committed, {"seed": seed, "configs": fingerprints})
    if committed is not None and committed.get("seed") == seed:
        # Building some configs keeps what the folder says of the others (imported ones too).
        fingerprints = {**committed.get("configs", {}), **fingerprints}
        old_stats = read_build_stats(out_dir)
        summary["configs"] = {**old_stats.get("configs", {}), **summary["configs"]}
        summary["sources"] = {**old_stats.get("sources", {}), **summary["sources"]}
        summary["aligner_by_config"] = {**old_stats.get("aligner_by_config", {}), **summary["aligner_by_config"]}
    built = [c for c in CONFIGS if c in configs or (c in fingerprints and (out_dir / c).exists())]
    summary["configs"] = {c: summary["configs"][c] for c in built if c in summary["configs"]}
    # The aligner's agreement over every config the folder holds, not only those built now (the
    # card says it of the whole dataset).
    by_config = summary["aligner_by_config"] = {c: summary["aligner_by_config"][c] for c in built if c in summary["aligner_by_config"]}
    agree, compared = (sum(v[k] for v in by_config.values()) for k in ("agree", "compared"))
    summary["aligner_token_agreement"] = round(agree / compared, 6) if compared else 1.0
    summary["aligner_tokens_compared"] = compared
    others = sorted(c for c in fingerprints if c not in CONFIGS and (out_dir / c).exists())
    return {c: fingerprints[c] for c in [*built, *others] if c in fingerprints}, matched
