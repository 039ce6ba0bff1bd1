"""``spinbench evaluate --task restore``: the restoration track from the shell (the options are
``evaluate``'s, :func:`harness.cli.options.add_evaluate_arguments`)."""

from __future__ import annotations

import argparse

from harness.cli.run_lines import entry_line
from harness.core.configs import ALL_CONFIGS
from harness.core.errors import SpinbenchError
from harness.runs.formatting import summary_text


def summary(results) -> str:
    """Every restoration score as plain text, as ``evaluate --task restore`` prints it."""
    s = results.scores
    lines = [f"{results.model.name} on {results.dataset.config}/{results.dataset.split}: {s['edits']['count']:,} edits to restore"]

    documents = results.dataset.documents

    def row(label, block):
        cells = "  ".join(f"{k} {summary_text(block[k], documents)}" for k in ("top1", "top5", "top1_lemma", "top5_lemma"))
        return f"  {label:<24} {cells}"

    lines.append(row("all edits", s["edits"]))
    for kind, block in s["by_kind"].items():
        lines.append(row(f"{kind} ({block['count']:,})", block))
    for where, block in s["end_to_end"].items():
        who = f" ({results.detector['name']})" if where == "detected_spans" and results.detector else ""
        lines.append(f"  edit distance removed, {where.replace('_', ' ')}{who}: {summary_text(block['distance_removed'], documents)} "
                     f"({block['distance_before']:,} -> {block['distance_after']:,} token edits)")
    return "\n".join(lines)


def cmd_evaluate_restore(args: argparse.Namespace) -> int:
    from harness.evaluation.registry import parse_model_args
    from harness.restoration.run import restore, restore_all
    from harness.runs.paths import is_predictions_file

    if args.threshold is not None or args.doc_threshold is not None:
        raise SpinbenchError("--threshold and --doc-threshold are for detection; a restorer's detected spans use the detector's own threshold (--spans-from)")
    if is_predictions_file(args.model):
        if args.model_args or args.submit or args.config == ALL_CONFIGS:
            raise SpinbenchError("a restoration predictions file is scored as it is: no --model-args, --submit or --config all")
        print(summary(restore(args.model, args.config, args.split, dataset=args.dataset, n_boot=args.bootstrap, seed=args.seed)))
        return 0
    common = dict(model_args=parse_model_args(args.model_args), dataset=args.dataset, spans_from=args.spans_from, output_dir=args.out, name=args.name,
                  n_boot=args.bootstrap, seed=args.seed, use_cache=not args.no_cache, submit=args.submit, allow_dirty=args.allow_dirty)
    runs = restore_all(args.model, split=args.split, **common).values() if args.config == ALL_CONFIGS else [restore(args.model, args.config, args.split, **common)]
    for results in runs:
        print(summary(results))
        print(f"wrote {results.path} and {results.path.parent / results.predictions}")
        print(entry_line(results, args.submit))
    return 0


def span_suggester(name: str | None, dataset: str | None = None, use_cache: bool = True):
    """``suggester(tokens, spans) -> one guess per span`` (the restorer's first candidate, or
    None) from the restorer ``name`` (default :data:`~harness.restoration.registry.BEST_RESTORER`),
    fitted on ``news``/train or loaded from the fit cache, for ``spinbench detect --suggest``."""
    from harness.restoration.registry import BEST_RESTORER, target_of
    from harness.restoration.run import RESTORER, fit_restorer, restored
    from harness.runs.models import make

    name = name or BEST_RESTORER
    restorer, _ = fit_restorer(make(name, None, RESTORER).model, name, target_of(name), dataset, use_cache)

    def suggest(tokens: list[str], spans: list[tuple[int, int]]) -> list[str | None]:
        return [ranked[0] if ranked else None for ranked in restored(name, restorer, "input", tokens, spans)]

    return suggest
