"""``spinbench evaluate`` (alias ``evaluate``), ``spinbench detect``, ``spinbench export``,
``spinbench leaderboard`` and ``spinbench cache``: the evaluation side's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.cli.options import add_debug_argument, add_evaluate_arguments, add_model_arguments
from harness.cli.text_input import read_text_input
from harness.core.configs import CLEAN_BAND, CLEAN_RECIPE
from harness.core.errors import SpinbenchError

# Breakdown groups made of clean documents alone: the recipe and the rate band of an unspun document.
CLEAN_GROUPS = (CLEAN_RECIPE, CLEAN_BAND)


def format_table(results) -> str:
    """The scores of a :class:`~harness.evaluation.results.Results` as a plain-text table."""
    from harness.evaluation.scoring import MIN_GROUP_DOCUMENTS

    def cell(m, documents=None):
        if m["value"] is None:
            return "   n/a"
        lo, hi = m["ci95"]
        if lo is not None:
            ci = f"[{lo:.3f}, {hi:.3f}]"
        else:  # a group too small for an interval says so
            ci = "(too few documents)" if documents is not None and documents < MIN_GROUP_DOCUMENTS else ""
        return f"{m['value']:.3f} {ci}"

    s = results.scores
    d = results.dataset
    lines = [
        f"model {results.model.name} on {d.config}/{d.split} ({d.documents} documents, {d.tokens:,} tokens; dataset {d.fingerprint[:12]})",
        results.thresholds.describe(),
        "",
        f"{'level':<14}{'precision':>24}{'recall':>24}{'F1':>24}",
    ]
    for key, label in (("token", "token"), ("span_strict", "span (strict)"), ("span_partial", "span (partial)"), ("document", "document")):
        lines.append(f"{label:<14}" + "".join(f"{cell(s[key][m]):>24}" for m in ("precision", "recall", "f1")))
    for level in ("token", "document"):
        lines.append(f"{level:<14}  AUROC {cell(s[level]['auroc'])}   AUPRC {cell(s[level]['auprc'])}   (no threshold)")
    fa = s["false_alarms"]
    lines.append(
        f"false alarms on the {fa['clean_documents']} clean documents: {cell(fa['documents_flagged'], fa['clean_documents'])} of them flagged, "
        f"{cell(fa['flagged_per_1k_tokens'], fa['clean_documents'])} flagged tokens per 1,000"
    )
    for kind, table in s["breakdown"].items():
        lines += ["", f"token scores by {kind.replace('_', ' ')}:", f"  {'group':<16}{'docs':>6}{'tokens':>9}{'precision':>11}{'recall':>9}{'F1':>24}"]
        for key, row in table.items():
            if key in CLEAN_GROUPS:  # no spun token: precision, recall and F1 say nothing here
                lines.append(f"  {key:<16}{row['documents']:>6}{row['tokens']:>9}   clean documents: see false alarms above")
                continue
            p, r = row["precision"]["value"] or 0.0, row["recall"]["value"] or 0.0
            lines.append(f"  {key:<16}{row['documents']:>6}{row['tokens']:>9}{p:>11.3f}{r:>9.3f}{cell(row['f1'], row['documents']):>24}")
    tp = results.throughput
    speed = f"{tp.tokens_per_second:,.0f} tokens/s" if tp.tokens_per_second else "n/a (predictions file)"
    lines += ["", f"throughput {speed}; peak memory {tp.peak_memory_mb:,.0f} MB" + (f"; fit {tp.fit_seconds:.1f}s" if tp.fit_seconds else "")]
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from harness.evaluation.evaluate import evaluate, rescore
    from harness.evaluation.outputs import is_predictions_file
    from harness.evaluation.registry import parse_model_args

    common = dict(dataset=args.dataset, output_dir=args.output_dir, name=args.name, n_boot=args.bootstrap, seed=args.seed,
                  threshold=args.threshold, doc_threshold=args.doc_threshold, submit=args.submit, allow_dirty=args.allow_dirty)
    if is_predictions_file(args.model):
        if args.model_args:
            raise SpinbenchError("--model-args is for a detector, not a predictions file")
        results = rescore(args.model, args.config, args.split, **common)
    else:
        results = evaluate(args.model, args.config, args.split, model_args=parse_model_args(args.model_args), use_cache=not args.no_cache, **common)
    print(format_table(results))
    print(f"\nwrote {results.path} and {results.path.parent / results.predictions}")
    if not args.submit:
        print("to submit it to the leaderboard, rerun with --submit" if results.is_entry else "not a leaderboard entry: " + "; ".join(results.entry_problems))
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from harness.evaluation.detect import Detection, detect, write_highlighted, write_json
    from harness.evaluation.prepare import prepare_detector
    from harness.evaluation.registry import parse_model_args

    text = read_text_input(args.file)
    prepared = prepare_detector(args.model, parse_model_args(args.model_args), args.dataset, use_cache=not args.no_cache, predictions_file_ok=False)
    threshold = args.threshold if args.threshold is not None else prepared.thresholds.token
    if args.format == "html":
        from harness.report.site import detection_page

        print(detection_page(text, detect(prepared.detector, text, threshold, args.model, suggest=args.suggest)), end="")
        return 0
    # Text and JSON are written passage by passage: a long text never sits in memory as rows.
    detection = Detection(args.model, threshold)
    if args.format == "json":
        write_json(sys.stdout, prepared.detector, text, detection, suggest=args.suggest)
    else:
        write_highlighted(sys.stdout, prepared.detector, text, detection, color=sys.stdout.isatty(), suggest=args.suggest)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from harness.evaluation import detector_calls
    from harness.evaluation.contract import hook
    from harness.evaluation.prepare import prepare_detector
    from harness.evaluation.registry import parse_model_args

    prepared = prepare_detector(args.model, parse_model_args(args.model_args), args.dataset, use_cache=not args.no_cache, predictions_file_ok=False)
    export = hook(prepared.detector, "export")
    if export is None:
        raise SpinbenchError(f"model {args.model!r} cannot be exported: it has no export(path) method")
    detector_calls.call(args.model, "export", export, args.out)
    print(f"wrote {args.out}; score it with: evaluate --model hf:{args.out}")
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.core.files import write_text
    from harness.core.paths import writable_location
    from harness.evaluation.leaderboard import check, check_output, collect, render, rescore

    if args.check:
        problems = check(Path(args.results), Path(args.output), args.dataset)
        for p in problems:
            print(f"leaderboard check: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"leaderboard check: every entry in {args.results}/ recomputes from its predictions; {args.output} is up to date")
        return 0
    check_output(Path(args.output))  # before any work: never render over someone's file
    writable_location(Path(args.output), "the leaderboard (--output)", folder=False)
    if args.rescore:
        written = rescore(Path(args.results), args.dataset)
        print(f"rescored {len(written)} entries in {args.results}/ from their predictions")
    entries = collect(Path(args.results))
    if not entries:
        raise SpinbenchError(f"no leaderboard entries in {args.results}/: nothing to render")
    write_text(Path(args.output), render(entries))
    print(f"wrote {args.output}")
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from harness.evaluation import fit_cache

    entries = fit_cache.entries()
    if args.action == "clear":
        freed = fit_cache.clear()
        print(f"removed {len(entries)} cached fit(s) from {fit_cache.cache_dir()} ({freed / 1e6:,.1f} MB)")
        return 0
    for path, size in entries:
        print(f"{size / 1e6:10,.1f} MB  {path}")
    print(f"{len(entries)} cached fit(s), {sum(s for _, s in entries) / 1e6:,.1f} MB in {fit_cache.cache_dir()} (at most {fit_cache.max_bytes() / 1e9:g} GB kept)")
    return 0


def add_evaluation_commands(sub) -> None:
    e = sub.add_parser("evaluate", help="score a detector on a split (also installed as the command `evaluate`)")
    add_evaluate_arguments(e)
    e.set_defaults(func=cmd_evaluate)

    d = sub.add_parser("detect", help="run a detector on raw text")
    d.add_argument("file", nargs="?", default="-", help="text file, or '-' for stdin (default)")
    add_model_arguments(d, predictions_file=False)
    d.add_argument("--format", choices=["text", "json", "html"], default="text", help="html: a standalone page, highlighted as in `spinbench report`")
    d.add_argument("--suggest", action="store_true", help="also show the detector's guess at the original of each flagged token (e.g. embedding)")
    add_debug_argument(d)
    d.set_defaults(func=cmd_detect)

    x = sub.add_parser("export", help="write a fitted detector as a Hugging Face save_pretrained folder (transformer), for --model hf:DIR")
    x.add_argument("out", help="folder to write")
    add_model_arguments(x, predictions_file=False, threshold=False)
    add_debug_argument(x)
    x.set_defaults(func=cmd_export)

    lb = sub.add_parser("leaderboard", help="render leaderboard.md from results/, or --check it")
    lb.add_argument("--results", default="results")
    lb.add_argument("--output", default="leaderboard.md")
    lb.add_argument("--dataset", default=None, help="dataset with the gold labels (default: data/)")
    lb.add_argument("--check", action="store_true", help="recompute every entry and fail on any mismatch")
    lb.add_argument("--rescore", action="store_true", help="recompute every entry's scores from its predictions with this harness (after a metric changed), then render")
    lb.set_defaults(func=cmd_leaderboard)

    c = sub.add_parser("cache", help="list or clear the fitted detectors cached by evaluate and detect")
    c.add_argument("action", choices=["list", "clear"])
    c.set_defaults(func=cmd_cache)
