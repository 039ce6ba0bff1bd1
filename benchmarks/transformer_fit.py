"""Training and prediction speed of the ``transformer`` baseline, and the full fit it implies.

    python benchmarks/transformer_fit.py [--docs 60] [--steps 20] [--device cpu|cuda] [--model-args k=v,...]
    python benchmarks/transformer_fit.py --model-args train_dtype=bfloat16     # the fit in bfloat16

Fits the baseline for one pass over the first ``--docs`` documents of ``news``/train with the
given hyperparameters (the baseline's defaults otherwise) and prints word pieces/s and
documents/s, and the time a fit of the whole train split for ``epochs`` passes takes at that
speed (wall time: loading the model included). Then it times ``--steps`` training steps one by
one: on a machine shared with other work, the fastest step says what a free machine would do.
Last, it scores ``--predict-docs`` documents of ``news``/validation (tokens/s, pieces/s).
"""

from __future__ import annotations

import argparse
import os
import time


def step_speed(detector, examples, steps: int) -> tuple[float, float]:
    """(fastest, median) pieces/s of training steps like the fit's (forward, backward, clipping,
    fused AdamW) on real windows. On a shared machine the fastest step is the one least slowed
    by other work, so it estimates the speed of a free machine."""
    import statistics

    import torch
    from transformers import AutoModelForTokenClassification

    from baselines.transformer import base_model_path, trainable_parameters
    from harness.core.wordpieces import IGNORE, pad, quiet_transformers, resolve_device

    device = resolve_device(detector.device)
    with quiet_transformers():
        model = AutoModelForTokenClassification.from_pretrained(base_model_path(detector.model_name), num_labels=2).to(device).train()
    trained = [p for _, p in trainable_parameters(model, detector.frozen_layers)]
    optimizer = torch.optim.AdamW(trained, lr=detector.learning_rate, fused=device.split(":")[0] in ("cpu", "cuda"))
    speeds = []
    for b in range(steps):
        batch = [examples[(b * detector.batch_size + i) % len(examples)] for i in range(detector.batch_size)]
        ids, mask = pad([x for x, _ in batch], 0)
        y, _ = pad([labels for _, labels in batch], IGNORE)
        started = time.perf_counter()
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=detector.train_dtype == "bfloat16"):  # as the fit does
            out = model(input_ids=torch.from_numpy(ids).to(device), attention_mask=torch.from_numpy(mask).to(device), labels=torch.from_numpy(y).to(device))
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        if b:  # the first step warms up
            speeds.append(int(mask.sum()) / (time.perf_counter() - started))
    return max(speeds), statistics.median(speeds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default=os.environ.get("SPINBENCH_DATA"), help="built dataset (default: data/)")
    parser.add_argument("--docs", type=int, default=60, help="train documents to fit on")
    parser.add_argument("--predict-docs", type=int, default=40, help="validation documents to score")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    parser.add_argument("--model-args", default="", help="hyperparameters of the transformer baseline, k=v,...")
    parser.add_argument("--steps", type=int, default=20, help="training steps to time one by one (0: skip)")
    args = parser.parse_args()

    import torch
    from transformers import AutoTokenizer

    from baselines.transformer import TransformerDetector, base_model_path
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

    tokenizer = AutoTokenizer.from_pretrained(base_model_path(detector.model_name))
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

    if args.steps:
        best, median = step_speed(detector, examples, args.steps)
        print(f"training steps ({args.steps} of {detector.batch_size} windows): median {median:,.0f} pieces/s, fastest {best:,.0f} pieces/s; "
              f"a full fit at the fastest step speed (what a machine free of other work gives): {full_epochs * full_pieces / best / 60:.1f} min")

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
