"""``spinbench evaluate`` (alias ``evaluate``), ``spinbench detect``, ``spinbench export``,
``spinbench leaderboard`` and ``spinbench cache``: the evaluation side's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.cli.options import add_debug_argument, add_evaluate_arguments, add_model_arguments, add_out_argument
from harness.cli.run_lines import entry_line
from harness.cli.text_input import read_text_input
from harness.core.configs import ALL_CONFIGS
from harness.core.errors import SpinbenchError


def cmd_evaluate(args: argparse.Namespace) -> int:
    from harness.evaluation.evaluate import evaluate, evaluate_all
    from harness.evaluation.registry import parse_model_args

    if args.task == "restore":
        from harness.cli.restoration_commands import cmd_evaluate_restore

        return cmd_evaluate_restore(args)
    if args.spans_from:
        raise SpinbenchError("--spans-from is for --task restore")
    from harness.evaluation.registry import REGISTRY
    from harness.restoration.registry import RESTORERS
    from harness.runs.paths import is_predictions_file

    if args.model in RESTORERS and args.model not in REGISTRY:
        raise SpinbenchError(f"{args.model!r} is a restorer, not a detector: restorers are evaluated with --task restore "
                             f"(evaluate --task restore --model {args.model}; from Python, harness.restore)")
    if is_predictions_file(args.model) and (args.model_args or args.config == ALL_CONFIGS):
        raise SpinbenchError("a predictions file holds one config's scores: no --model-args or --config all")
    common = dict(model_args=parse_model_args(args.model_args), dataset=args.dataset, output_dir=args.out, name=args.name, n_boot=args.bootstrap,
                  seed=args.seed, threshold=args.threshold, doc_threshold=args.doc_threshold, use_cache=not args.no_cache, submit=args.submit,
                  allow_dirty=args.allow_dirty)
    if is_predictions_file(args.model):
        common.update(write=True, model_args=None)
        common.pop("use_cache")
    if args.config == ALL_CONFIGS:
        runs = list(evaluate_all(args.model, split=args.split, **common).values())
    else:
        runs = [evaluate(args.model, args.config, args.split, **common)]
    for results in runs:
        print(results.summary(), end="\n\n")
        *first, last = results.written_files()
        print(f"wrote {', '.join(map(str, first))} and {last}")
        print(entry_line(results, args.submit))
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from harness.evaluation.detect import detect, flag, write_highlighted, write_json
    from harness.evaluation.prepare import prepare_detector
    from harness.evaluation.registry import parse_model_args

    if args.restorer is not None and not args.suggest:
        raise SpinbenchError(f"--restorer {args.restorer} chooses what --suggest uses: add --suggest, or leave --restorer out")
    if args.restorer_args and (not args.suggest or args.restorer == "detector"):
        raise SpinbenchError("--restorer-args sets the hyperparameters of the restorer --suggest uses: "
                             + ("add --suggest" if not args.suggest else "--restorer detector has none (use --model-args)"))
    restorer_args = parse_model_args(args.restorer_args)  # a malformed one is said before anything is fitted
    text = read_text_input(args.file)
    suggester = None
    if args.suggest and args.restorer != "detector":  # a restorer guesses each flagged span's original
        from harness.cli.restoration_commands import span_suggester

        suggester = span_suggester(args.restorer, args.dataset, use_cache=not args.no_cache, params=restorer_args or None)
    needs = ("suggest",) if args.suggest and suggester is None else ()  # refused before the fit, which may take minutes
    prepared = prepare_detector(args.model, parse_model_args(args.model_args), args.dataset, use_cache=not args.no_cache, predictions_file_ok=False,
                                needs=needs)
    options = dict(given=args.threshold, suggest=args.suggest, suggester=suggester)
    if args.format == "html":
        from harness.report.site import detection_page

        print(detection_page(text, detect(prepared.detector, text, args.model, prepared.thresholds, **options)), end="")
        return 0
    # Every score first (compact arrays), then the cut from all of them, then the output.
    detection = flag(prepared.detector, args.model, text, prepared.thresholds, **options)
    if args.format == "json":
        write_json(sys.stdout, detection)
    else:
        write_highlighted(sys.stdout, text, detection, color=sys.stdout.isatty())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from harness.core.paths import writable_location
    from harness.evaluation import detector_calls
    from harness.evaluation.contract import get_params, hook
    from harness.evaluation.prepare import detector_kind, fit_and_validate
    from harness.evaluation.registry import parse_model_args
    from harness.runs.models import checked_params, make

    # Everything that can fail is said before the fit, which may take minutes.
    made = make(args.model, parse_model_args(args.model_args), detector_kind(predictions_file_ok=False))
    checked_params(made.label, get_params(made.model))
    if hook(made.model, "export") is None:
        raise SpinbenchError(f"model {args.model!r} cannot be exported: it has no export(path) method")
    out = Path(args.out)
    if out.is_dir() and any(out.iterdir()) and not (out / "config.json").is_file():
        raise SpinbenchError(f"{out} is a folder with files in it, and not an earlier export (no config.json): choose another folder")
    writable_location(out, "the exported model")
    prepared = fit_and_validate(made.model, made.label, made.target, args.dataset, use_cache=not args.no_cache)
    detector_calls.call(args.model, "export", hook(prepared.detector, "export"), args.out)
    print(f"wrote {args.out}; score it with: evaluate --model hf:{args.out}")
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.core.dataset import DatasetNotFound
    from harness.core.files import write_text
    from harness.core.paths import writable_location
    from harness.evaluation import verify
    from harness.evaluation.leaderboard import check_output, collect, render
    from harness.restoration import leaderboard as restoration
    from harness.runs.history import History

    if sum(map(bool, (args.check, args.rescore, args.reproduce is not None))) > 1:
        raise SpinbenchError("--check verifies the entries as they are, --rescore rewrites them and --reproduce reruns their models: run one, then the other")
    results, out = Path(args.results), Path(args.out)
    if args.reproduce is not None:
        return reproduce_entries(results, args.reproduce, args.changed_since, args.dataset)
    if args.changed_since:
        raise SpinbenchError("--changed-since chooses the models --reproduce reruns")
    if args.check:
        history = History()
        try:
            restoration_problems, restoration_entries = restoration.check(results, args.dataset, history)
        except DatasetNotFound as err:
            restoration_problems, restoration_entries = [str(err)], {}
        problems = restoration_problems + verify.check(results, out, args.dataset, restoration.section(restoration_entries), history)
        for p in dict.fromkeys(problems):
            print(f"leaderboard check: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"leaderboard check: every entry in {args.results}/ recomputes from its predictions; {out} is up to date")
        return 0
    check_output(out)  # before any work: never render over someone's file
    writable_location(out, "the leaderboard (--out)", folder=False)
    if args.rescore:
        from harness.runs.board import write_rescored

        detection_entries = verify.rescore(results, args.dataset)  # every entry of both tracks recomputes before any is written
        restoration_entries = restoration.rescore(results, args.dataset)
        written, restored = write_rescored(detection_entries), write_rescored(restoration_entries)
        print(f"rescored {len(written)} entries and {len(restored)} restoration entries in {args.results}/ from their predictions")
    entries = collect(results)
    if not entries:
        raise SpinbenchError(f"no leaderboard entries in {args.results}/: nothing to render")
    write_text(out, render(entries, restoration.section(restoration.collect(results))))
    print(f"wrote {out}")
    return 0


def changed_models(results: Path, since: str) -> list[str]:
    """The models whose entries' files under ``results`` differ from git revision ``since`` and
    are still there (``restore/NAME`` for restorers; a removed file changes none), except entries that were only rescored
    (:func:`harness.runs.board.only_rescored`: same run, same predictions, new scores)."""
    import subprocess

    from harness.runs.board import only_rescored
    from harness.runs.paths import RESTORE

    def rescored_only(path: str) -> bool:
        if not path.endswith(".json"):
            return False
        before = subprocess.run(["git", "show", f"{since}:./{path}"], capture_output=True, text=True, timeout=60)
        try:
            return before.returncode == 0 and only_rescored(json.loads(before.stdout), json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return False

    try:
        run = subprocess.run(["git", "diff", "--name-only", "--relative", since, "--", str(results)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        raise SpinbenchError(f"--changed-since {since}: git failed ({err})") from None
    if run.returncode != 0:
        raise SpinbenchError(f"--changed-since {since}: {run.stderr.strip() or 'git diff failed'}")
    root, names = results.resolve(), []
    for line in run.stdout.splitlines():
        if rescored_only(line):
            continue
        changed = (Path.cwd() / line).resolve()
        if not changed.exists():  # a file removed: nothing of it to rerun (an entry left without its predictions fails --check)
            continue
        parts = changed.relative_to(root).parts if changed.is_relative_to(root) else ()
        folder = parts[:2] if parts[:1] == (RESTORE,) else parts[:1]
        if len(parts) > len(folder) and (root.joinpath(*folder)).is_dir():
            names.append("/".join(folder))
    return list(dict.fromkeys(names))


def reproduce_entries(results: Path, models: list[str], changed_since: str | None, dataset: str | None) -> int:
    """``leaderboard --reproduce``: every entry of ``models`` (all when none are named, nor
    ``changed_since``) rerun at its commit (:mod:`harness.runs.reproduce`)."""
    from harness.core.registry import did_you_mean
    from harness.evaluation import reproduce as detection
    from harness.restoration import reproduce as restoration
    from harness.runs.reproduce import reproduce

    wanted = list(dict.fromkeys([*models, *(changed_models(results, changed_since) if changed_since else [])]))
    known = [p.parent.name for p in detection.entry_files(results)[0]] + [f"restore/{p.parent.name}" for p in restoration.entry_files(results)[0]]
    unknown = [m for m in wanted if m not in known and f"restore/{m}" not in known]
    if unknown:
        known = sorted(set(known))
        near = did_you_mean(unknown[0], known + [k.removeprefix("restore/") for k in known])
        raise SpinbenchError(f"no entry of {unknown[0]!r} in {results}/; {near}models: {', '.join(known) or 'none'}")
    asked = wanted or (None if not changed_since else [])
    jobs, problems = detection.jobs(results, asked)
    more, also = restoration.jobs(results, asked)
    jobs, problems = jobs + more, problems + also
    if not jobs and not problems:
        print(f"leaderboard reproduce: no entry to rerun in {results}/" + (f" changed since {changed_since}" if changed_since else ""))
        return 0
    for p in problems:
        print(f"leaderboard reproduce: {p}", file=sys.stderr)
    failed = bool(problems)
    for done in reproduce(jobs, dataset):
        print(f"leaderboard reproduce: {done.line()}", file=sys.stderr if done.problems else sys.stdout, flush=True)
        failed |= bool(done.problems)
    return 1 if failed else 0


def cmd_cache(args: argparse.Namespace) -> int:
    from harness.runs import fit_cache

    limit = fit_cache.max_bytes()  # a malformed $SPINBENCH_CACHE_MAX_GB: one line before anything else
    if fit_cache.cache_dir().exists() and not fit_cache.cache_dir().is_dir():
        raise SpinbenchError(f"the cache of fitted models {fit_cache.cache_dir()} is a file, not a folder: point $SPINBENCH_CACHE at a folder")
    entries = fit_cache.entries()
    if args.action == "clear":
        what = f"the cached fits of {args.model!r}" if args.model else f"all {len(entries)} cached fit(s)"
        if not args.yes:
            if not sys.stdin.isatty():
                raise SpinbenchError(f"cache clear would remove {what} from {fit_cache.cache_dir()}: add --yes to confirm")
            if input(f"remove {what} from {fit_cache.cache_dir()}? [y/N] ").strip().lower() not in ("y", "yes"):
                print("nothing removed")
                return 0
        removed, freed = fit_cache.clear(args.model, _target_of(args.model) if args.model else None)
        if args.model and not removed:
            cached = sorted({fit_cache.about(p).get("target", "?") for p, _ in entries})
            raise SpinbenchError(f"no cached fit of {args.model!r}; cached: {', '.join(cached) or 'none'}")
        print(f"removed {removed} cached fit(s) from {fit_cache.cache_dir()} ({freed / 1e6:,.1f} MB)")
        return 0
    for path, size in entries:
        info = fit_cache.about(path)
        params = ", ".join(f"{k}={v}" for k, v in sorted(info.get("params", {}).items()))
        made = info.get("created", "")[:16].replace("T", " ")
        print(f"{size / 1e6:10,.1f} MB  {made or '(date unknown)':16}  {info.get('target', '(model unknown)')}({params})  {path.name}")
    print(f"{len(entries)} cached fit(s), {sum(s for _, s in entries) / 1e6:,.1f} MB in {fit_cache.cache_dir()} (at most {limit / 1e9:g} GB kept)")
    print("the cache holds pickled detectors: never point $SPINBENCH_CACHE at a folder others can write")
    return 0


def _target_of(model: str) -> str:
    """The ``"module:Class"`` a detector's or restorer's name stands for."""
    from harness.evaluation.registry import REGISTRY, target_of
    from harness.restoration.registry import RESTORERS
    from harness.restoration.registry import target_of as restorer_target

    return restorer_target(model) if model in RESTORERS and model not in REGISTRY else target_of(model)


def add_evaluation_commands(sub) -> None:
    e = sub.add_parser("evaluate", help="score a detector on a split (also installed as the command `evaluate`)")
    add_evaluate_arguments(e)
    e.set_defaults(func=cmd_evaluate)

    d = sub.add_parser("detect", help="run a detector on raw text")
    d.add_argument("file", nargs="?", default="-", help="text file, or '-' for stdin (default)")
    add_model_arguments(d, predictions_file=False)
    d.add_argument("--format", choices=["text", "json", "html"], default="text", help="html: a standalone page, highlighted as in `spinbench report`")
    d.add_argument("--suggest", action="store_true", help="also show a guess at the original wording of each flagged span (from --restorer)")
    d.add_argument("--restorer", default=None, help="what --suggest uses: a restorer (default: the best on news/test, see docs/restoration.md), "
                   "or 'detector' for the detector's own suggest method (e.g. embedding)")
    d.add_argument("--restorer-args", default="", help="the restorer's hyperparameters, as --model-args: k=v,k2=v2")
    add_debug_argument(d)
    d.set_defaults(func=cmd_detect)

    x = sub.add_parser("export", help="write a fitted detector as a Hugging Face save_pretrained folder (transformer), for --model hf:DIR")
    x.add_argument("out", help="folder to write")
    add_model_arguments(x, predictions_file=False, threshold=False)
    add_debug_argument(x)
    x.set_defaults(func=cmd_export)

    lb = sub.add_parser("leaderboard", help="render leaderboard.md from results/, or --check it")
    lb.add_argument("--results", default="results", help="results folder of leaderboard entries (default: results)")
    add_out_argument(lb, "the leaderboard file to write (default: leaderboard.md)", default="leaderboard.md", old=("--output",))
    lb.add_argument("--dataset", default=None, help="dataset with the gold labels (default: $SPINBENCH_DATA, else data/)")
    lb.add_argument("--check", action="store_true", help="recompute every entry and fail on any mismatch")
    lb.add_argument("--rescore", action="store_true", help="recompute every entry's scores (detection and restoration) from its predictions with this harness (after a metric changed), then render")
    lb.add_argument("--reproduce", nargs="*", metavar="MODEL", default=None,
                    help="rerun these models (all when none is named; restore/NAME for a restorer) at the commit their entries record and "
                         "compare their predictions with the stored ones")
    lb.add_argument("--changed-since", metavar="REV", default=None, help="--reproduce: also every model whose entry's files differ from git revision REV")
    lb.set_defaults(func=cmd_leaderboard)

    c = sub.add_parser("cache", help="list or clear the fitted detectors and restorers cached by evaluate and detect")
    c.add_argument("action", choices=["list", "clear"], help="list: every cached fit, its model, size and date; clear: remove them (asks first)")
    c.add_argument("model", nargs="?", default=None, help="clear: only this model's fits (a registered name, module:Class, or a class name)")
    c.add_argument("--yes", action="store_true", help="clear without asking")
    c.set_defaults(func=cmd_cache)
