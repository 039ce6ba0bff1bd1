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
        worse = "; negative: the restored text is further from the original than the spun one" if block["distance_after"] > block["distance_before"] else ""
        lines.append(f"  edit distance removed, {where.replace('_', ' ')}{who}: {summary_text(block['distance_removed'], documents)} "
                     f"({block['distance_before']:,} -> {block['distance_after']:,} token edits{worse})")
    abstention = s.get("abstention")
    if abstention:  # a restorer with confidences: what its cut shows, and how often that is right
        lines.append(abstention_line(abstention, documents))
    return "\n".join(lines)


def abstention_line(abstention: dict, documents: int) -> str:
    """The abstention cut in words: where it was chosen, what share of the gold spans it shows a
    guess for, and how often a shown guess is the original; or that no cut was good enough."""
    from harness.restoration.metrics import SHOW_NOTHING
    from harness.restoration.scoring import PRECISION_TARGET

    where = abstention["chosen_on"]
    if abstention["cut"] >= SHOW_NOTHING:
        return (f"  abstaining: every guess withheld: on {where} no confidence cut made the guesses shown right {PRECISION_TARGET:.0%} of the "
                "time, so the abstaining figures above show nothing (keep's 0)")
    return (f"  abstaining: guesses under confidence {abstention['cut']:.4f} withheld (the lowest cut whose guesses on {where} are right "
            f"{PRECISION_TARGET:.0%} of the time): a guess shown for {summary_text(abstention['coverage'], documents)} of the gold spans, "
            f"right {summary_text(abstention['precision'], documents)} of the time")


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
        *first, last = results.written_files()
        print(f"wrote {', '.join(map(str, first))} and {last}")
        print(entry_line(results, args.submit))
    return 0


def span_suggester(name: str | None, dataset: str | None = None, use_cache: bool = True, params: dict | None = None):
    """``suggester(tokens, spans) -> per span (guess, confidence) or None`` from the restorer
    ``name`` (default :data:`~harness.restoration.registry.BEST_RESTORER`), fitted on
    ``news``/train or loaded from the fit cache, for ``spinbench detect --suggest``: its first
    candidate, withheld (None) where its confidence is under the cut chosen on ``news``/validation
    (:func:`harness.restoration.run.suggesting_restorer`); a restorer without confidences always
    shows its guess."""
    from harness.restoration.metrics import is_shown
    from harness.restoration.registry import BEST_RESTORER
    from harness.restoration.run import restored, suggesting_restorer

    name = name or BEST_RESTORER
    restorer, cut = suggesting_restorer(name, dataset, use_cache, params)

    def suggest(tokens: list[str], spans: list[tuple[int, int]]) -> list[tuple[str, float | None] | None]:
        out = restored(name, restorer, "input", tokens, spans)
        return [(ranked[0], conf[0] if conf else None) if is_shown(ranked, conf, cut) else None for ranked, conf in zip(out.candidates, out.confidences)]

    suggest.cut = cut  # None: the restorer gives no confidences, and withholds nothing
    return suggest
