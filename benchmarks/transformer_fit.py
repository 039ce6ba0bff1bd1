"""Training and prediction speed of the ``transformer`` baseline, and the full fit it implies.

    python benchmarks/transformer_fit.py [--docs 60] [--device cpu|cuda] [--model-args k=v,...]

Fits the baseline for one pass over the first ``--docs`` documents of ``news``/train with the
given hyperparameters (the baseline's defaults otherwise), then scores ``--predict-docs``
documents of ``news``/validation, and prints word pieces/s and documents/s for both, and the
time a fit of the whole train split for ``epochs`` passes takes at that speed. Wall time counts
everything the fit does (loading the model included); CPU time is the process's own, which on a
machine shared with other work shows what the run would take alone (on an idle machine with
``torch.get_num_threads()`` threads it is about that many times the wall time).
"""

from __future__ import annotations

import argparse
import os
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default=os.environ.get("SPINBENCH_DATA"), help="built dataset (default: data/)")
    parser.add_argument("--docs", type=int, default=60, help="train documents to fit on")
    parser.add_argument("--predict-docs", type=int, default=40, help="validation documents to score")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    parser.add_argument("--model-args", default="", help="hyperparameters of the transformer baseline, k=v,...")
    args = parser.parse_args()

    import torch
    from transformers import AutoTokenizer

    from baselines.transformer import TransformerDetector, _base_model_path
    from harness.core.dataset import load
    from harness.core.wordpieces import encode
    from harness.evaluation.registry import parse_model_args

    params = parse_model_args(args.model_args)
    full_epochs = params.pop("epochs", TransformerDetector().epochs)
    params["device"] = args.device
    detector = TransformerDetector(epochs=1.0, **params)
    train = load("news", "train", dataset=args.dataset).records
    validation = load("news", "validation", dataset=args.dataset).records[: args.predict_docs]
    docs = [[t["text"] for t in r["tokens"]] for r in train]
    labels = [r["labels"] for r in train]

    tokenizer = AutoTokenizer.from_pretrained(_base_model_path(detector.model_name))
    examples = detector.training_windows(tokenizer, docs, labels)  # the windows a full fit trains on
    full_pieces = sum(len(x) for x, _ in examples)
    device = detector.device or ("cuda" if torch.cuda.is_available() else "cpu")
    print(f"device {device}, {torch.get_num_threads()} CPU threads; settings {detector.__dict__}")

    wall, cpu = time.perf_counter(), time.process_time()
    detector.fit(docs[: args.docs], labels[: args.docs])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pieces = detector.train_pieces_  # special tokens included
    print(f"fit: {args.docs} documents, {detector.train_windows_} windows, {pieces:,} pieces, {detector.train_steps_} steps "
          f"in {wall:.1f} s wall ({cpu:.1f} s CPU): {pieces / wall:,.0f} pieces/s, {args.docs / wall:.2f} documents/s; last loss {detector.train_loss_:.4f}")
    full = full_epochs * full_pieces / (pieces / wall)
    print(f"full news/train ({len(docs):,} documents, {len(examples):,} windows, {full_pieces:,} pieces) for {full_epochs:g} epoch(s) "
          f"at this speed: {full / 60:.1f} min wall ({full * cpu / wall / 60:.1f} min of CPU time)")

    pred_docs = [[t["text"] for t in r["tokens"]] for r in validation]
    detector.predict_token_proba(pred_docs[:1])  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    detector.predict_token_proba(pred_docs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n_tokens = sum(map(len, pred_docs))
    n_pieces = sum(len(encode(tokenizer, d).ids) for d in pred_docs)
    print(f"predict: {len(pred_docs)} documents, {n_tokens:,} tokens, {n_pieces:,} pieces (windows {detector.stride} apart) in {wall:.1f} s wall "
          f"({cpu:.1f} s CPU): {n_tokens / wall:,.0f} tokens/s, {n_pieces / wall:,.0f} pieces/s, {len(pred_docs) / wall:.1f} documents/s")


if __name__ == "__main__":
    main()
