"""The speed and scale figures in one table, each beside its anchor measured in the same run, with the
ratio, the goal and whether it is met.

    python benchmarks/run_all.py [--quick] [--dataset DIR] [--skip build,dask,...]

Rows, and the function of ``benchmarks/`` that measures each (the scripts print the same figures
on their own):

- classifier, embedding: predict in a fresh process from a cached fit, ``unseen-domain``/test
  (the embedding on its first 8,000 tokens), tokens/s; the anchor is the module as it was at
  ``baseline_speed.REFERENCE_REV``, timed in the same run, and both give their ``news``/test token
  F1 (``baseline_speed.measure``; goals: 150,000 tokens/s; 5,000 tokens/s and F1 within 0.02);
- build: ``spinbench build --num-proc 2``, all configs, seconds (goal 60 s); the anchor is the
  same build with ``--num-proc 1``;
- Dask: the same build with ``--dask local:1`` and ``--dask local:2``, documents/s beside the
  ``--num-proc 1`` build, which serves as the anchor of all three build rows. Every build must
  give the ``--num-proc 1`` build's files byte for byte (all but ``build.log``); the run checks;
- scoring: ``score_split`` on ``news``/test, every level with 1,000 bootstrap resamples, against
  seqeval's strict span P/R/F1 alone (``scoring_speed.measure``; goal 20x);
- memory: peak resident set of ``evaluate --model lexicon`` against the per-record loader
  (``memory.evaluate_memory``; goal 0.3 GB);
- detect: ``spinbench detect --model lexicon`` on 20 MB of text, text and JSON output, seconds
  and peak memory (``memory.detect_runs``); its anchor is the same command on 5 MB, and its ratio
  is seconds per MB at 20 MB over seconds per MB at 5 MB: 1.0 is linear, below 1 the fixed
  start-up (loading the lexicon's resources) spread over more text, about 4 for a quadratic cost.
  Goal: linear (that ratio at most 1.25) and at most 500 MB at 20 MB;
- aligner: ``align_tokens`` on every ``news``/test document against difflib's opcodes alone on
  the same token keys (the plain matcher the aligner refines; no goal).

The ratio is how many times faster the figure is than its anchor (below 1: slower), or how many
times less memory it takes; detect's is the growth above. ``--quick`` (a few minutes) builds the
``news`` config from 60 BBC originals, aligns 50 documents, runs detect on 1 and 2 MB, and fits
the classifier and the embedding (both implementations) on that small build's ``news``/train,
since fitting the old ones on the full data takes most of an hour (the fits are cached, so a
second quick run reuses them); they are still timed on ``--dataset``'s ``unseen-domain``/test
(the embedding on its first 1,000 tokens or so; one run each), and their F1 is on the small
build's ``news``/test. ``--small-fits`` fits them so in a full run too (everything else full size).
Goals that name a full-size run (the 60 s build, the 0.5 GB at 20 MB) read
"n/a" there. ``--skip`` leaves rows out; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline_speed  # noqa: E402  (each script measures its own rows)
import memory  # noqa: E402
import scoring_speed  # noqa: E402
from scaling import base_articles, measured, write_corpus  # noqa: E402

STARTED = time.perf_counter()
GROUPS = ("classifier", "embedding", "build", "dask", "scoring", "memory", "detect", "aligner")


@dataclass
class Row:
    figure: str
    measured: str
    anchor: str
    ratio: str
    goal: str = "none"
    met: str = "-"


def verdict(ok: bool, applies: bool = True) -> str:
    return ("yes" if ok else "NO") if applies else "n/a (--quick)"


def faster(ratio: float) -> str:
    return f"{ratio:.2f}x " + ("faster" if ratio >= 1 else "(slower)")


def progress(what: str) -> None:
    print(f"[run_all {time.perf_counter() - STARTED:5.0f} s] {what}", file=sys.stderr, flush=True)


# --- build and Dask ----------------------------------------------------------------------------------


def differing(reference: Path, other: Path) -> list[str]:
    """Files (relative paths, build.log aside) that are missing from one folder or differ."""
    files = {p.relative_to(folder) for folder in (reference, other) for p in folder.rglob("*") if p.is_file() and p.name != "build.log"}
    return sorted(str(f) for f in files if not ((reference / f).is_file() and (other / f).is_file()
                                                and (reference / f).read_bytes() == (other / f).read_bytes()))


def builds(runners: list[str], quick: bool, work: Path) -> dict[str, dict]:
    """The same build under each runner (``--num-proc 1`` first: the others are compared with it),
    each {seconds, peak_mb, folder, documents, differs}. Full: all configs from the default
    sources; quick: the news config from the first 60 BBC originals."""
    args = ["build"]
    if quick:
        corpus = work / "corpus.jsonl"
        write_corpus(corpus, base_articles(60), 1)
        args += ["--configs", "news", "--source", f"local:{corpus}"]
    out = {}
    for runner in runners:
        progress(f"build with {runner}")
        folder = work / runner.strip("-").replace(" ", "-").replace(":", "")
        out[runner] = {**measured("main", [*args, "--out", str(folder), *runner.split()]), "folder": folder}
    reference = out[runners[0]]["folder"]
    documents = json.loads((reference / "build_stats.json").read_text())["documents"]
    for m in out.values():
        m.update(documents=documents, differs=differing(reference, m["folder"]))
    return out


def build_rows(done: dict[str, dict], quick: bool) -> list[Row]:
    single = done["--num-proc 1"]
    what = "news config, 60 BBC originals" if quick else "all configs"
    docs = single["documents"]

    def data(m: dict) -> str:
        return "same data byte for byte" if not m["differs"] else f"DATA DIFFER: {', '.join(m['differs'][:3])}"

    rows = []
    if "--num-proc 2" in done:
        two = done["--num-proc 2"]
        rows.append(Row(f"`spinbench build --num-proc 2`, {what} ({docs:,} documents)", f"{two['seconds']:.1f} s; {data(two)}",
                        f"`--num-proc 1`: {single['seconds']:.1f} s", faster(single["seconds"] / two["seconds"]),
                        "60 s, all configs", verdict(two["seconds"] <= 60 and not two["differs"], applies=not quick)))
    for runner in ("--dask local:1", "--dask local:2"):
        if runner in done:
            m = done[runner]
            rows.append(Row(f"`spinbench build {runner}`, {what}", f"{docs / m['seconds']:.1f} documents/s ({m['seconds']:.1f} s); {data(m)}",
                            f"`--num-proc 1`: {docs / single['seconds']:.1f} documents/s", faster(single["seconds"] / m["seconds"])))
    return rows


# --- the evaluation side ------------------------------------------------------------------------------


def baseline_row(model: str, dataset: str, quick: bool, fit_dataset: str | None) -> Row:
    tokens = (1_000 if quick else 8_000) if model == "embedding" else 0
    repeat = 1 if quick or model == "embedding" else 3  # the classifier's best of 3 in a full run
    m = baseline_speed.measure(model, dataset, repeat=repeat, max_tokens=tokens, fit_dataset=fit_dataset)
    new, old = m["current"], m["reference"]
    f1_change = new["token_f1"] - old["token_f1"]
    f1_on = "the small build's news/test" if fit_dataset else "news/test"
    figure = f"`{model}` predict, fresh process, unseen-domain/test ({new['tokens']:,} tokens); token F1 on {f1_on}"
    goal, ok = ("150,000 tokens/s", new["tokens_per_second"] >= 150_000)
    if model == "embedding":
        goal, ok = "5,000 tokens/s on CPU; F1 within 0.02", new["tokens_per_second"] >= 5_000 and abs(f1_change) <= 0.02
    return Row(figure, f"{new['tokens_per_second']:,.0f} tokens/s; F1 {new['token_f1']:.4f} ({f1_change:+.4f})",
               f"reference ({baseline_speed.REFERENCE_REV[:7]}): {old['tokens_per_second']:,.0f} tokens/s; F1 {old['token_f1']:.4f}",
               faster(new["tokens_per_second"] / old["tokens_per_second"]), goal, verdict(ok))


def scoring_row(dataset: str) -> Row:
    m = scoring_speed.measure(dataset=dataset, repeat=3)  # a few seconds: best of 3 even with --quick
    ours, theirs = m["spinbench_seconds"], m["seqeval_seconds"]
    return Row(f"scoring news/test ({m['documents']} documents, {m['tokens']:,} tokens), every level and interval (1,000 resamples)",
               f"{ours:.2f} s", f"seqeval strict span P/R/F1 alone: {theirs:.2f} s", faster(theirs / ours), "20x", verdict(theirs / ours >= 20))


def memory_row(dataset: str) -> Row:
    m = memory.evaluate_memory(dataset)
    (seconds, ours), (_, anchor) = m["evaluate"], m["per_record"]
    return Row("peak memory of `evaluate --model lexicon` (cached fit), news/test", f"{ours:,.0f} MB ({seconds:.1f} s)",
               f"per-record loader (news splits as dicts): {anchor:,.0f} MB", f"{anchor / ours:.1f}x less", "300 MB", verdict(ours <= 300))


def detect_rows(dataset: str, quick: bool) -> list[Row]:
    small, large = (1.0, 2.0) if quick else (5.0, 20.0)
    runs = memory.detect_runs([small, large], dataset)
    rows = []
    for fmt in ("text", "json"):
        a, b = [r for r in runs if r["format"] == fmt]  # the small text's run, then the large one's
        growth = (b["seconds"] / b["mb"]) / (a["seconds"] / a["mb"])
        ok = growth <= 1.25 and (quick or b["peak_mb"] <= 500)
        rows.append(Row(f"`spinbench detect --model lexicon --format {fmt}`, {b['mb']:.1f} MB", f"{b['seconds']:.1f} s, {b['peak_mb']:,.0f} MB peak",
                        f"{a['mb']:.1f} MB: {a['seconds']:.1f} s, {a['peak_mb']:,.0f} MB peak", f"{growth:.2f} (s/MB, {large:g} MB over {small:g} MB)",
                        "linear (s/MB ratio 1.25 at most); 500 MB at 20 MB", verdict(ok) + (" (time; memory n/a in --quick)" if quick else "")))
    return rows


def aligner_row(dataset: str, limit: int | None) -> Row:
    import harness
    from harness.core.tokens import Token, normalize
    from harness.corpus.align import align_tokens

    records = harness.load("news", "test", dataset=dataset).records[:limit]
    pairs = [([Token(**t) for t in r["original_tokens"]], [Token(**t) for t in r["tokens"]], r) for r in records]
    started = time.perf_counter()
    for a, b, r in pairs:
        align_tokens(r["original_text"], a, r["text"], b)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for a, b, _ in pairs:
        difflib.SequenceMatcher(None, [normalize(t.text) for t in a], [normalize(t.text) for t in b], autojunk=False).get_opcodes()
    anchor = time.perf_counter() - started
    tokens = sum(len(b) for _, b, _ in pairs)
    return Row(f"aligner, news/test ({len(pairs)} documents, {tokens:,} tokens)", f"{tokens / ours:,.0f} tokens/s",
               f"difflib opcodes alone: {tokens / anchor:,.0f} tokens/s", faster(anchor / ours))


# --- the table --------------------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    from harness.core.dataset import default_data_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and one timed run each (a few minutes)")
    ap.add_argument("--dataset", default=None, help="built dataset (default: data/, or $SPINBENCH_DATA)")
    ap.add_argument("--skip", default="", help=f"comma-separated rows to leave out: {', '.join(GROUPS)}")
    ap.add_argument("--small-fits", action="store_true",
                    help="fit the classifier and embedding (both implementations) on a 60-document build, as --quick does, in a full run")
    args = ap.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    if skip - set(GROUPS):
        ap.error(f"--skip {','.join(sorted(skip - set(GROUPS)))}: known rows are {', '.join(GROUPS)}")
    dataset = str(args.dataset or default_data_dir())
    if {"classifier", "embedding", "scoring", "memory", "detect", "aligner"} - skip and not list(Path(dataset, "news").glob("test*.parquet")):
        ap.error(f"no built dataset in {dataset} (its news/test split is missing): run `spinbench build` first, "
                 "pass --dataset DIR, or --skip classifier,embedding,scoring,memory,detect,aligner")
    start_load = load_average()
    rows: dict[str, list[Row]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Builds first: with --quick the --num-proc 1 build is also the data the baselines are fitted on.
        quick_fits = (args.quick or args.small_fits) and not {"classifier", "embedding"} <= skip
        runners = ["--num-proc 1"] if (quick_fits and args.quick) or not {"build", "dask"} <= skip else []
        runners += [] if "build" in skip else ["--num-proc 2"]
        runners += [] if "dask" in skip else ["--dask local:1", "--dask local:2"]
        done = builds(runners, args.quick, Path(tmp)) if runners else {}
        rows["build"] = build_rows(done, args.quick) if done else []
        if quick_fits:
            if args.quick:
                small = done["--num-proc 1"]
            else:
                (Path(tmp) / "small").mkdir()
                small = builds(["--num-proc 1"], True, Path(tmp) / "small")["--num-proc 1"]
        if "aligner" not in skip:
            progress("aligner against difflib")
            rows["aligner"] = [aligner_row(dataset, 50 if args.quick else None)]
        if "scoring" not in skip:
            progress("scoring against seqeval")
            rows["scoring"] = [scoring_row(dataset)]
        if "memory" not in skip:
            progress("evaluate's memory against the per-record loader")
            rows["memory"] = [memory_row(dataset)]
        if "detect" not in skip:
            progress("detect on long texts")
            rows["detect"] = detect_rows(dataset, args.quick)
        fit_dataset = str(small["folder"]) if quick_fits else None
        for model in ("classifier", "embedding"):
            if model not in skip:
                progress(f"{model} against its reference implementation")
                rows[model] = [baseline_row(model, dataset, args.quick, fit_dataset)]
    minutes = (time.perf_counter() - STARTED) / 60
    print(f"machine: {baseline_speed.cpu_name()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average (1, 5, 15 min) "
          f"at start {start_load}, at end {load_average()}; {'--quick, ' if args.quick else ''}{minutes:.1f} min in all\n")
    print("| figure | measured | anchor, same run | ratio | goal | met? |\n|---|---|---|---|---|---|")
    for group in ("classifier", "embedding", "build", "scoring", "memory", "detect", "aligner"):
        for row in rows.get(group, []):
            print(f"| {row.figure} | {row.measured} | {row.anchor} | {row.ratio} | {row.goal} | {row.met} |")


if __name__ == "__main__":
    main()
