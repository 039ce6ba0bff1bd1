"""How cost grows: build time and peak memory against corpus size, aligner time against document
length, evaluate time against split size; prints the figures, fits each curve's slope on log-log
axes (1 = linear) and plots them to docs/img/scaling.png.

    python benchmarks/scaling.py [--quick] [--base 150] [--num-proc 1] [--plot docs/img/scaling.png]

Corpus size: the first ``--base`` BBC News originals (the default source), 1x, 4x and 16x, given
to ``spinbench build --source local:FILE --configs news`` as a JSONL file. Copy k of an article
gets a new id and, for k > 0, the words of each sentence shuffled (seeded), so the build's
duplicate and near-duplicate checks see new documents of the same length and vocabulary. Each
build and each evaluation runs in its own process; peak memory is that process's maximum
resident set (with ``--num-proc 1`` it does all the work itself).

Aligner: a document of N tokens (BBC articles joined, 1,000 to 100,000 tokens) spun by the
``mixed`` recipe at rate 0.3, aligned by ``align_tokens``, next to difflib's opcodes alone.

Evaluate: ``evaluate --model lexicon`` (fit on that build's news/train, score its news/test)
on each corpus size's build; the split size is its test split's token count.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring_speed import best_of  # noqa: E402  (one timing helper for the benchmarks)

ROOT = Path(__file__).resolve().parents[1]
MEASURE = """
import json, resource, sys, time
from harness.cli.main import {entry}
started = time.perf_counter()
code = {entry}(sys.argv[1:])
print(json.dumps({{"code": code, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measured(entry: str, args: list[str]) -> dict:
    """Run ``entry`` (main or evaluate_main) with ``args`` in a fresh process; its time and peak memory."""
    done = subprocess.run([sys.executable, "-c", MEASURE.format(entry=entry), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{entry} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def shuffled(text: str, rng: random.Random) -> str:
    """The words of each sentence in a seeded random order (sentences and paragraphs kept)."""
    out = []
    for paragraph in text.split("\n\n"):
        sentences = []
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            words = sentence.split()
            rng.shuffle(words)
            sentences.append(" ".join(words))
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def base_articles(n: int) -> list:
    from harness.corpus.sources import Article, bbc_news

    return [a for a in bbc_news() if isinstance(a, Article)][:n]


def write_corpus(path: Path, articles: list, copies: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for k in range(copies):
            rng = random.Random(k)
            for a in articles:
                text = a.text if k == 0 else shuffled(a.text, rng)
                f.write(json.dumps({"id": f"{a.id}-x{k}", "title": a.title, "text": text}) + "\n")


def corpus_curves(base: int, factors: list[int], num_proc: int, work: Path) -> tuple[list[dict], list[dict]]:
    import harness

    articles = base_articles(base)
    builds, evaluations = [], []
    for factor in factors:
        corpus, out = work / f"corpus-{factor}.jsonl", work / f"data-{factor}"
        write_corpus(corpus, articles, factor)
        m = measured("main", ["build", "--source", f"local:{corpus}", "--configs", "news", "--out", str(out), "--num-proc", str(num_proc)])
        docs = sum(len(harness.load("news", s, dataset=out)) for s in ("train", "validation", "test"))
        builds.append({"factor": factor, "documents": docs, **m})
        test = harness.load("news", "test", dataset=out)
        e = measured("evaluate_main", ["--model", "lexicon", "--dataset", str(out), "--out", str(work / f"runs-{factor}"), "--no-cache", "--bootstrap", "100"])
        evaluations.append({"factor": factor, "test_documents": len(test), "test_tokens": int(test.gold.offsets[-1]), **e})
        print(f"  {factor:>2}x: {docs:,} documents built in {m['seconds']:.1f} s, peak {m['peak_mb']:.0f} MB; "
              f"evaluate on {evaluations[-1]['test_tokens']:,} test tokens {e['seconds']:.1f} s", flush=True)
    return builds, evaluations


def long_document(n_tokens: int) -> str:
    from harness.core.tokens import tokenize

    parts, total = [], 0
    for a in base_articles(2000):
        parts.append(a.text)
        total += len(tokenize(a.text))
        if total >= n_tokens:
            break
    text = "\n\n".join(parts)
    cut = tokenize(text)[n_tokens - 1].end if total > n_tokens else len(text)
    return text[:cut]


def aligner_curve(lengths: list[int]) -> list[dict]:
    import difflib

    from harness.core.configs import SEEN_RECIPES
    from harness.core.tokens import normalize, tokenize
    from harness.corpus.align import align_tokens
    from harness.corpus.spin import recipe_spinner

    spinner = recipe_spinner(SEEN_RECIPES["mixed"])
    rows = []
    for n in lengths:
        original = long_document(n)
        spun = spinner.spin(original, 0.3, random.Random(n)).spun
        a, b = tokenize(original), tokenize(spun)
        keys_a, keys_b = [normalize(t.text) for t in a], [normalize(t.text) for t in b]
        repeat = 3 if n <= 10_000 else 1  # best of 3 where it is cheap: short runs are the noisiest
        seconds = best_of(lambda: align_tokens(original, a, spun, b), repeat)  # noqa: B023 (called at once)
        anchor = best_of(lambda: difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes(), repeat)  # noqa: B023
        rows.append({"tokens": len(b), "seconds": seconds, "difflib_seconds": anchor})
        print(f"  {len(b):>7,} tokens: align_tokens {seconds:.3f} s, difflib opcodes alone {rows[-1]['difflib_seconds']:.3f} s", flush=True)
    return rows


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x): 1 is linear, 2 quadratic."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def plot(builds: list[dict], aligner: list[dict], evaluations: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    docs = [b["documents"] for b in builds]
    ax = axes[0]
    ax.plot(docs, [b["seconds"] for b in builds], "o-", label="build time (s)")
    ax.set_xlabel("documents built (news)")
    ax.set_ylabel("seconds")
    twin = ax.twinx()
    twin.plot(docs, [b["peak_mb"] for b in builds], "s--", color="tab:red", label="peak memory (MB)")
    twin.set_ylabel("peak memory (MB)")
    ax.set_title(f"build (slope {slope(docs, [b['seconds'] for b in builds]):.2f})")
    tokens = [r["tokens"] for r in aligner]
    axes[1].loglog(tokens, [r["seconds"] for r in aligner], "o-", label="align_tokens")
    axes[1].loglog(tokens, [r["difflib_seconds"] for r in aligner], "s--", label="difflib opcodes alone")
    axes[1].set_xlabel("document length (tokens)")
    axes[1].set_ylabel("seconds")
    axes[1].set_title(f"aligner (slope {slope(tokens, [r['seconds'] for r in aligner]):.2f})")
    axes[1].legend()
    split_tokens = [e["test_tokens"] for e in evaluations]
    axes[2].plot(split_tokens, [e["seconds"] for e in evaluations], "o-")
    axes[2].set_xlabel("news/test tokens (train grows with it)")
    axes[2].set_ylabel("seconds")
    axes[2].set_title(f"evaluate --model lexicon (slope {slope(split_tokens, [e['seconds'] for e in evaluations]):.2f})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    ap.add_argument("--base", type=int, help="BBC originals in the 1x corpus (default 150; 40 with --quick)")
    ap.add_argument("--num-proc", type=int, default=1)
    ap.add_argument("--plot", default=str(ROOT / "docs" / "img" / "scaling.png"))
    args = ap.parse_args()
    base = args.base or (40 if args.quick else 150)
    lengths = [1_000, 3_000, 10_000] if args.quick else [1_000, 3_000, 10_000, 30_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"corpus size ({base} BBC originals x 1, 4, 16; --num-proc {args.num_proc}):")
        builds, evaluations = corpus_curves(base, [1, 4, 16], args.num_proc, Path(tmp))
    print("aligner against document length:")
    aligner = aligner_curve(lengths)
    print("\nslopes on log-log axes (1 = linear, 2 = quadratic):")
    print(f"  build time against documents:     {slope([b['documents'] for b in builds], [b['seconds'] for b in builds]):.2f}")
    print(f"  build peak memory against documents: {slope([b['documents'] for b in builds], [b['peak_mb'] for b in builds]):.2f}")
    print(f"  align_tokens against tokens:      {slope([r['tokens'] for r in aligner], [r['seconds'] for r in aligner]):.2f}"
          f" (difflib alone {slope([r['tokens'] for r in aligner], [r['difflib_seconds'] for r in aligner]):.2f})")
    print(f"  evaluate against test tokens:     {slope([e['test_tokens'] for e in evaluations], [e['seconds'] for e in evaluations]):.2f}")
    plot(builds, aligner, evaluations, Path(args.plot))
    print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
