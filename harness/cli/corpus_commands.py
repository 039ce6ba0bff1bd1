"""``spinbench build``, ``spinbench align`` and ``spinbench profile``: the corpus side's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.cli.text_input import read_text_input
from harness.core.errors import SpinbenchError


def cmd_build(args: argparse.Namespace) -> int:
    from harness.core.configs import CONFIGS, news_style_configs
    from harness.corpus.build import build, source_items
    from harness.corpus.sources import parse_source

    configs = list(dict.fromkeys(args.configs or CONFIGS))  # each config once, in the order given
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise SpinbenchError(f"unknown config(s) {unknown}; known: {', '.join(CONFIGS)}")
    if args.shard_rows < 1:
        raise SpinbenchError(f"--shard-rows {args.shard_rows}: give a number of records, 1 or more")
    sources, check = source_items, not args.update_fingerprints
    if args.source:
        items = parse_source(args.source)
        news_style = news_style_configs()
        if args.configs is None:
            configs = news_style
        news_source = CONFIGS[news_style[0]].source
        sources = lambda name: items() if name == news_source else source_items(name)  # noqa: E731
        check = False  # the committed fingerprints describe the default sources only
        if Path(args.out).resolve() == Path("data").resolve():
            raise SpinbenchError("--source builds a different dataset: give it its own --out folder")
    if check:  # fingerprints already in --out are for one seed: say so now, not after the build
        from harness.core.fingerprints import read_fingerprints

        try:
            recorded = read_fingerprints(Path(args.out)) or {}
        except (OSError, ValueError):
            recorded = {}  # the build says what is wrong with the file
        if recorded.get("seed") is not None and recorded["seed"] != args.seed:
            raise SpinbenchError(f"{args.out} holds the seed-{recorded['seed']} dataset, whose fingerprints a seed-{args.seed} build cannot match: "
                                 f"give it its own folder (--out data-seed{args.seed})")
    summary = build(Path(args.out), configs, seed=args.seed, num_proc=args.num_proc, sources=sources, check_fingerprints=check,
                    dask=args.dask, shard_rows=args.shard_rows)
    print(
        f"built {summary['documents']} documents ({', '.join(configs)}) into {args.out} in {summary['seconds']}s "
        f"({summary['docs_per_second']} docs/s, {summary['runner']}); aligner agrees with the spinners on "
        f"{summary['aligner_token_agreement']:.4%} of tokens\n{summary['log_summary']}; every skipped document and "
        f"near-duplicate group is listed in {summary['log_file']}"
    )
    print(fingerprints_line(Path(args.out) / "fingerprints.json", summary.get("fingerprints_matched", False), check, args.update_fingerprints))
    return 0


def fingerprints_line(where: Path, matched: bool, checked: bool, updated: bool) -> str:
    """What a build says last of its fingerprints: matched, or written and why not compared."""
    if matched:
        return f"the data match the fingerprints in {where}: byte for byte the data of the build they record"
    why = ("--update-fingerprints" if updated else "a --source build: the committed fingerprints describe the default sources") if not checked \
        else "it held no fingerprints for what was built"
    return f"the data's fingerprints are written to {where} (not compared: {why})"


def cmd_align(args: argparse.Namespace) -> int:
    from harness.core.unicode_text import clean_text
    from harness.corpus.align import align_texts
    from harness.corpus.pairs import import_pairs

    if args.pairs:
        if args.original or args.spun:
            raise SpinbenchError("give either ORIGINAL SPUN or --pairs FILE, not both")
        if not args.out:
            raise SpinbenchError("--pairs needs --out DIR")
        report = import_pairs(Path(args.pairs), Path(args.out), min_overlap=args.min_overlap)
        for doc_id, reason in report.rejected:
            print(f"rejected {doc_id}: {reason}", file=sys.stderr)
        print(f"imported {report.imported} pairs into {report.path}; rejected {len(report.rejected)}")
        return 0
    if not (args.original and args.spun):
        raise SpinbenchError("give ORIGINAL and SPUN text files, or --pairs FILE.jsonl --out DIR")
    if args.out:
        raise SpinbenchError("--out is where --pairs imports go; the alignment of two files is printed (redirect it, or --format json > FILE)")
    if args.original == args.spun == "-":
        raise SpinbenchError("only one of ORIGINAL and SPUN can be standard input ('-'): give the other as a file")
    # Aligned as normalised (clean_text); tokens shown are the files as given, at their offsets.
    raw_original, raw_spun = read_text_input(args.original), read_text_input(args.spun)
    original, spun = clean_text(raw_original), clean_text(raw_spun)
    alignment = align_texts(original.text, spun.text)
    if args.format == "json":
        out = {
            "tokens": [{**_as_given(raw_spun, spun, t), "label": label} for t, label in zip(alignment.tokens, alignment.labels)],
            "original_tokens": [_as_given(raw_original, original, t) for t in alignment.original_tokens],
            "edits": [e.to_row() for e in alignment.edits],
            "overlap": round(alignment.overlap, 4),
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for e in alignment.edits:
            print(f"[{e.spun_start}:{e.spun_end}] {e.original_text!r} -> {e.spun_text!r}")
        spun = sum(alignment.labels)
        print(f"{len(alignment.edits)} edits, {spun}/{len(alignment.labels)} spun tokens, overlap {alignment.overlap:.1%}")
    return 0


def _as_given(raw: str, clean, token) -> dict:
    """A token of the normalised text as the user's text has it: its characters and offsets there."""
    start, end = clean.raw_span(token.start, token.end)
    return {"text": raw[start:end], "start": start, "end": end}


def cmd_profile(args: argparse.Namespace) -> int:
    from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT, FIT_SPLIT, IMPORTED_CONFIG
    from harness.core.dataset import default_data_dir, load
    from harness.corpus.realism import REAL, ROWS, outside, profile, profile_table, train_pairs

    folder = Path(args.dataset) if args.dataset else default_data_dir()
    known = [*CONFIGS, IMPORTED_CONFIG]
    configs = args.configs or [c for c in known if (folder / c).is_dir()]
    if not configs:
        raise SpinbenchError(f"no built or imported config in {folder}: run `spinbench build` or `spinbench align --pairs`, or pass --dataset")
    regime = None if args.regime == "all" else args.regime
    reference, against = None, args.against
    if against is None:  # the default: news/train, when the dataset folder has it
        against = f"{DEFAULT_CONFIG}/{FIT_SPLIT}" if any((folder / DEFAULT_CONFIG).glob(f"{FIT_SPLIT}*.parquet")) else "none"
    if against != "none":
        config, _, split = against.partition("/")
        if not split:
            raise SpinbenchError(f"--against {against}: give CONFIG/SPLIT (such as news/train) or none")
        if config not in known:
            raise SpinbenchError(f"--against {against}: no config {config!r} (known: {', '.join(known)})")
        reference = train_pairs(load(config, split, dataset=args.dataset).records)
        if against != f"{DEFAULT_CONFIG}/{FIT_SPLIT}":
            print(f"note: the 'seen in train' rows measure edits seen in {against}; their range is for {DEFAULT_CONFIG}/{FIT_SPLIT}", file=sys.stderr)
    profiles = {}
    for config in configs:
        splits = CONFIGS[config].splits if config in CONFIGS else (EVALUATION_SPLIT,)
        for split in (splits if args.split == "all" else [args.split]):
            own = f"{config}/{split}" == against  # a split is not measured against itself
            profiles[f"{config}/{split}"] = profile(load(config, split, dataset=args.dataset).records, regime, None if own else reference)
    if args.format == "json":
        ranges = {row.key: row.range for row in ROWS}
        print(json.dumps({"real": REAL, "ranges": ranges, "profiles": profiles, "outside": {k: outside(p) for k, p in profiles.items()}}, indent=1))
    else:
        named = against if against != "none" else "a reference split (not measured: --against none)"
        print(profile_table(profiles, markdown=args.format == "markdown", against=named))
    bad = {k: outside(p) for k, p in profiles.items() if outside(p)}
    if args.check and bad:
        raise SpinbenchError("outside the real range: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in bad.items()))
    return 0


def add_corpus_commands(sub) -> None:
    b = sub.add_parser("build", help="build the dataset from installed sources")
    b.add_argument("--out", default="data", help="output folder (default: data)")
    b.add_argument("--configs", nargs="*", help="configs to build (default: all)")
    b.add_argument("--seed", type=int, default=0, help="the build's seed (default: 0, the published data's; another seed gives other data)")
    b.add_argument("--num-proc", type=int, default=1, help="worker processes")
    b.add_argument("--dask", metavar="CLUSTER", help="run on Dask instead: local:N (a local cluster of N worker processes) or a"
                   " scheduler's address, tcp://host:8786 (needs the distributed extra); the output is the same byte for byte")
    b.add_argument("--shard-rows", type=int, default=10_000, help="records per parquet file; a larger split is written in shards (default: 10000)")
    b.add_argument("--update-fingerprints", action="store_true", help="accept data that differ from the committed fingerprints")
    b.add_argument("--source", help="originals for the news-style configs instead of BBC News: local:PATH or hub:NAME[:TEXT_COLUMN[:SPLIT]]")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("align", help="align a spun text with its original, or import pairs")
    a.add_argument("original", nargs="?", help="original text file ('-' for stdin)")
    a.add_argument("spun", nargs="?", help="spun text file")
    a.add_argument("--format", choices=["text", "json"], default="text", help="the alignment of two files as text (default) or JSON (labels and edits)")
    a.add_argument("--pairs", help='pairs to import: a JSONL file of {"id", "original", "spun"}, a folder of NAME.orig.txt / NAME.spun.txt,'
                   " or the machine-paraphrase corpus's folders of NNN-ORIG.txt / NNN-SPUN.txt files")
    a.add_argument("--out", help="folder for the imported dataset")
    a.add_argument("--min-overlap", type=float, default=0.4, help="least share of aligned tokens for a plausible pair")
    a.set_defaults(func=cmd_align)

    p = sub.add_parser("profile", help="the realism profile of built or imported splits, next to real spinners")
    p.add_argument("configs", nargs="*", help="configs to profile (default: every one in the dataset folder)")
    p.add_argument("--split", default="test", help="split to profile, or 'all' (default: test)")
    p.add_argument("--regime", default="whole", choices=["whole", "sparse", "partial", "all"],
                   help="spun documents of this regime only (default: whole, the regime held to the real range; imported pairs count in any)")
    p.add_argument("--against", metavar="CONFIG/SPLIT",
                   help="the split whose edits 'seen in train' is measured against (default: news/train when the dataset has it; none: not measured)")
    p.add_argument("--dataset", default=None, help="dataset folder (default: $SPINBENCH_DATA, else data/), e.g. one made by `spinbench align --pairs`")
    p.add_argument("--format", choices=["table", "markdown", "json"], default="table", help="how the profile is printed (default: table)")
    p.add_argument("--check", action="store_true", help="exit with an error when a statistic falls outside the real range")
    p.set_defaults(func=cmd_profile)
