"""The ``spinbench`` command: ``build``, ``align``, ``detect``, ``leaderboard``.

Every subcommand turns expected failures (bad input, missing data) into a one-line
``spinbench: error: ...`` message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


class UserError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


def _read_text(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    if b"\x00" in data:
        raise UserError(f"{path} looks binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UserError(f"{path} is not valid UTF-8 (byte {err.start})") from None
    if not text.strip():
        raise UserError(f"{path} is empty")
    return text


def cmd_build(args: argparse.Namespace) -> int:
    from harness.build import build
    from harness.configs import CONFIGS
    from harness.dataset_files import FingerprintMismatch

    from harness.build import checked_articles, load_source
    from harness.sources import parse_source

    configs = args.configs or list(CONFIGS)
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise UserError(f"unknown config(s) {unknown}; known: {', '.join(CONFIGS)}")
    loader, check = load_source, not args.update_fingerprints
    if args.source:
        try:
            records = parse_source(args.source)
        except ValueError as err:
            raise UserError(str(err)) from None
        if args.configs is None:
            configs = ["news", "unseen-spinner"]  # the configs spun from the news source
        loader = lambda name, log: checked_articles(records(), log) if name == "bbc-news" else load_source(name, log)  # noqa: E731
        check = False  # the committed fingerprints describe the default sources only
        if Path(args.out).resolve() == Path("data").resolve():
            raise UserError("--source builds a different dataset: give it its own --out folder")
    try:
        summary = build(Path(args.out), configs, seed=args.seed, num_proc=args.num_proc, source_loader=loader, check_fingerprints=check)
    except FingerprintMismatch as err:
        raise UserError(str(err)) from None
    skipped = sum(summary["skipped"].values())
    print(
        f"built {summary['documents']} documents ({', '.join(configs)}) into {args.out} in {summary['seconds']}s "
        f"({summary['docs_per_second']} docs/s, {args.num_proc} process(es)); skipped {skipped} source documents; "
        f"aligner agrees with the spinners on {summary['aligner_token_agreement']:.4%} of tokens"
    )
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from harness.align import align_texts
    from harness.import_pairs import import_pairs

    if args.pairs:
        if args.original or args.spun:
            raise UserError("give either ORIGINAL SPUN or --pairs FILE, not both")
        if not args.out:
            raise UserError("--pairs needs --out DIR")
        report = import_pairs(Path(args.pairs), Path(args.out), min_overlap=args.min_overlap)
        for doc_id, reason in report.rejected:
            print(f"rejected {doc_id}: {reason}", file=sys.stderr)
        print(f"imported {report.imported} pairs into {report.path}; rejected {len(report.rejected)}")
        return 0
    if not (args.original and args.spun):
        raise UserError("give ORIGINAL and SPUN text files, or --pairs FILE.jsonl --out DIR")
    alignment = align_texts(_read_text(args.original), _read_text(args.spun))
    if args.format == "json":
        out = {
            "tokens": [{"text": t.text, "start": t.start, "end": t.end, "label": l} for t, l in zip(alignment.tokens, alignment.labels)],
            "original_tokens": [{"text": t.text, "start": t.start, "end": t.end} for t in alignment.original_tokens],
            "edits": [e.to_dict() for e in alignment.edits],
            "overlap": round(alignment.overlap, 4),
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for e in alignment.edits:
            print(f"[{e.spun_start}:{e.spun_end}] {e.original_text!r} -> {e.spun_text!r}")
        spun = sum(alignment.labels)
        print(f"{len(alignment.edits)} edits, {spun}/{len(alignment.labels)} spun tokens, overlap {alignment.overlap:.1%}")
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from harness.dataset import DatasetNotFound
    from harness.detect import detect, highlight
    from harness.evaluate import fit_and_calibrate
    from harness.registry import REGISTRY, UnknownModel, make_detector, parse_model_args

    text = _read_text(args.file)
    try:
        detector = make_detector(args.model, parse_model_args(args.model_args))
        detector, threshold, _, _ = fit_and_calibrate(detector, REGISTRY.get(args.model, args.model), args.dataset)
    except (UnknownModel, DatasetNotFound, ValueError) as err:
        raise UserError(str(err)) from None
    if args.threshold is not None:
        threshold = args.threshold
    result = detect(detector, text, threshold, args.model)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(highlight(text, result, color=sys.stdout.isatty()))
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.dataset_files import write_text
    from harness.leaderboard import check, collect, render
    from harness.results import ResultsError

    if args.check:
        problems = check(Path(args.results), Path(args.output), args.dataset)
        for p in problems:
            print(f"leaderboard check: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"leaderboard check: every entry in {args.results}/ recomputes from its predictions; {args.output} is up to date")
        return 0
    try:
        write_text(Path(args.output), render(collect(Path(args.results))))
    except ResultsError as err:
        raise UserError(str(err)) from None
    print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinbench", description="spinbench: build, align, detect and rank paraphrase-corruption detection.")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the dataset from installed sources")
    b.add_argument("--out", default="data", help="output folder (default: data)")
    b.add_argument("--configs", nargs="*", help="configs to build (default: all)")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--num-proc", type=int, default=1, help="worker processes")
    b.add_argument("--update-fingerprints", action="store_true", help="accept data that differ from the committed fingerprints")
    b.add_argument("--source", help="originals for the news-style configs instead of BBC News: local:PATH or hub:NAME[:TEXT_COLUMN[:SPLIT]]")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("align", help="align a spun text with its original, or import pairs")
    a.add_argument("original", nargs="?", help="original text file ('-' for stdin)")
    a.add_argument("spun", nargs="?", help="spun text file")
    a.add_argument("--format", choices=["text", "json"], default="text")
    a.add_argument("--pairs", help='JSONL of {"id", "original", "spun"} to import')
    a.add_argument("--out", help="folder for the imported dataset")
    a.add_argument("--min-overlap", type=float, default=0.4, help="least share of aligned tokens for a plausible pair")
    a.set_defaults(func=cmd_align)

    d = sub.add_parser("detect", help="run a detector on raw text")
    d.add_argument("file", nargs="?", default="-", help="text file, or '-' for stdin (default)")
    d.add_argument("--model", required=True, help="registered name or import path package.module:Class")
    d.add_argument("--model-args", default="", help="hyperparameters: k=v,k2=v2")
    d.add_argument("--threshold", type=float, default=None, help="token threshold (default: chosen on news/validation)")
    d.add_argument("--format", choices=["text", "json"], default="text")
    d.add_argument("--dataset", default=None, help="dataset to fit on (default: data/)")
    d.set_defaults(func=cmd_detect)

    lb = sub.add_parser("leaderboard", help="render leaderboard.md from results/, or --check it")
    lb.add_argument("--results", default="results")
    lb.add_argument("--output", default="leaderboard.md")
    lb.add_argument("--dataset", default=None, help="dataset with the gold labels (default: data/)")
    lb.add_argument("--check", action="store_true", help="recompute every entry and fail on any mismatch")
    lb.set_defaults(func=cmd_leaderboard)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as err:
        print(f"spinbench: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("spinbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
