"""Word pieces of spinbench tokens: how a Hugging Face token-classification model reads a
document, and how its piece scores become token scores.

Shared by the ``transformer`` baseline (training and prediction) and the ``hf:`` wrapper
(:mod:`harness.evaluation.hf_model`), so that there is one path from tokens to scores and a model
exported by the baseline scores a document exactly the same through ``--model hf:DIR``.

- :func:`encode`: the document's tokens joined by single spaces and cut into the model's pieces;
  the fast tokenizer's character offsets say which token each piece belongs to.
- :func:`windows`: a document longer than the model's input is read in overlapping windows, and
  each piece is scored by the window where it has the most context (:func:`owners`).
- :func:`piece_labels` and :func:`to_tokens`: a token's label goes on its first piece, and its
  score is its first piece's (``"first"``, the convention of Hugging Face's NER examples) or the
  highest of its pieces' (``"max"``).

torch and transformers are imported only by the functions that run or load a model.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

IGNORE = -100  # the label of a piece that is not trained (torch's cross-entropy ignore_index)
AGGREGATES = ("first", "max")


def resolve_device(device: str | None) -> str:
    """``device``, or "cuda" when it is None and a GPU is present, else "cpu"."""
    if device is not None:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@contextlib.contextmanager
def quiet_transformers():
    """transformers without its load reports and progress bars (callers check what was loaded)."""
    from transformers.utils import logging

    level, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(level)
        if bars:
            logging.enable_progress_bar()


@dataclass
class Encoded:
    """A document in a model's pieces: ``ids`` (no special tokens) and, per piece, the index of
    the token it belongs to (-1 for a piece of no token, such as a lone SentencePiece space)."""

    ids: list[int]
    token_of: np.ndarray
    n_tokens: int


def encode(tokenizer, doc: Sequence[str]) -> Encoded:
    """``doc`` in ``tokenizer``'s pieces (a fast tokenizer: it gives character offsets).

    A piece belongs to the token that holds its last character; tokens hold no spaces, so no piece
    spans two tokens. A token the tokenizer drops entirely (a zero-width space) has no piece.
    """
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{type(tokenizer).__name__} is not a fast tokenizer: character offsets are needed to map pieces to tokens")
    lengths = np.array([len(t) for t in doc], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(doc) else lengths
    ends = starts + lengths
    enc = tokenizer(" ".join(doc), add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    last = offsets[:, 1] - 1
    idx = np.searchsorted(starts, last, side="right") - 1
    inside = (offsets[:, 1] > offsets[:, 0]) & (idx >= 0)
    inside[inside] &= last[inside] < ends[idx[inside]]
    return Encoded(list(enc["input_ids"]), np.where(inside, idx, -1), len(doc))


def special_tokens(tokenizer) -> tuple[list[int], list[int]]:
    """The ids a model expects before and after a sequence (``[CLS]``/``[SEP]`` for BERT,
    ``<s>``/``</s>`` for RoBERTa, none for GPT-2), read off the tokenizer's own output."""
    enc = tokenizer("a", add_special_tokens=True, return_special_tokens_mask=True)
    ids, mask = list(enc["input_ids"]), list(enc["special_tokens_mask"])
    if 0 not in mask:
        return [], []
    first, last = mask.index(0), len(mask) - 1 - mask[::-1].index(0)
    return ids[:first], ids[last + 1 :]


def windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of at most ``size`` pieces that cover ``range(n)``, each starting
    ``stride`` after the one before; the last is moved back to end at ``n``, so every window of a
    long document is full.

    >>> windows(10, 4, 2)
    [(0, 4), (2, 6), (4, 8), (6, 10)]
    >>> windows(9, 4, 4)
    [(0, 4), (4, 8), (5, 9)]
    >>> windows(3, 4, 2), windows(0, 4, 2)
    ([(0, 3)], [])
    """
    if size < 1 or stride < 1:
        raise ValueError(f"window size and stride must be at least 1, not {size} and {stride}")
    if n <= size:
        return [(0, n)] if n else []
    out = []
    start = 0
    while start + size < n:
        out.append((start, start + size))
        start += stride
    out.append((n - size, n))
    return out


def owners(spans: list[tuple[int, int]], n: int) -> np.ndarray:
    """Per piece, the window that scores it: in an overlap, the one where the piece is farther
    from the cut (the earlier on a tie).

    >>> owners(windows(10, 4, 2), 10).tolist()
    [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]
    """
    owner = np.zeros(n, dtype=np.int64)
    for k in range(1, len(spans)):
        boundary = (spans[k - 1][1] - 1 + spans[k][0]) // 2 + 1
        owner[boundary:] = k
    return owner


def piece_labels(encoded: Encoded, labels: Sequence[int]) -> np.ndarray:
    """Training labels per piece: each token's label on its first piece, :data:`IGNORE` elsewhere.

    >>> piece_labels(Encoded([7, 8, 9], np.array([0, 0, 1]), 2), [1, 0]).tolist()
    [1, -100, 0]
    """
    out = np.full(len(encoded.ids), IGNORE, dtype=np.int64)
    firsts = _first_pieces(encoded.token_of)
    out[firsts] = np.asarray(labels, dtype=np.int64)[encoded.token_of[firsts]]
    return out


def _first_pieces(token_of: np.ndarray) -> np.ndarray:
    valid = np.flatnonzero(token_of >= 0)
    _, first = np.unique(token_of[valid], return_index=True)
    return valid[first]


def to_tokens(piece_scores: np.ndarray, encoded: Encoded, aggregate: str = "first") -> list[float]:
    """Token scores from piece scores: the first piece's, or the highest (``aggregate="max"``);
    0.0 for a token without pieces.

    >>> to_tokens(np.array([0.2, 0.9, 0.4]), Encoded([7, 8, 9], np.array([0, 0, 1]), 3))
    [0.2, 0.4, 0.0]
    >>> to_tokens(np.array([0.2, 0.9, 0.4]), Encoded([7, 8, 9], np.array([0, 0, 1]), 3), "max")
    [0.9, 0.4, 0.0]
    """
    out = np.zeros(encoded.n_tokens)
    if aggregate == "first":
        firsts = _first_pieces(encoded.token_of)
        out[encoded.token_of[firsts]] = piece_scores[firsts]
    elif aggregate == "max":
        valid = encoded.token_of >= 0
        np.maximum.at(out, encoded.token_of[valid], piece_scores[valid])
    else:
        raise ValueError(f"aggregate must be one of {AGGREGATES}, not {aggregate!r}")
    return np.clip(out, 0.0, 1.0).tolist()


def pad(sequences: Sequence[Sequence[int]], value: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids padded to the longest with ``value``, attention mask)."""
    width = max((len(s) for s in sequences), default=0)
    ids = np.full((len(sequences), width), value, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return ids, mask


def piece_probabilities(model, inputs: Sequence[Sequence[int]], pad_id: int, batch_size: int, device: str) -> list[np.ndarray]:
    """Label probabilities (pieces x labels, float32) of each input sequence.

    Sequences are batched longest first (a fixed order, little padding); a sequence's scores do
    not depend on its batch beyond float rounding.
    """
    import torch

    order = sorted(range(len(inputs)), key=lambda i: (-len(inputs[i]), i))
    out: list[np.ndarray] = [np.zeros((0, 0), dtype=np.float32)] * len(inputs)
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            chunk = order[b : b + batch_size]
            ids, mask = pad([inputs[i] for i in chunk], pad_id)
            logits = model(input_ids=torch.from_numpy(ids).to(device), attention_mask=torch.from_numpy(mask).to(device)).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for row, i in enumerate(chunk):
                out[i] = probs[row, : len(inputs[i])]
    return out


def token_scores(model, tokenizer, docs: Sequence[Sequence[str]], *, spun_ids: Sequence[int], max_length: int, stride: int,
                 aggregate: str = "first", batch_size: int = 32, device: str = "cpu") -> list[list[float]]:
    """One spun probability per token of each document: the probability of the labels
    ``spun_ids`` (summed), read in windows of ``max_length`` pieces (special tokens included)
    ``stride`` pieces apart."""
    if aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be one of {AGGREGATES}, not {aggregate!r}")
    prefix, suffix = special_tokens(tokenizer)
    size = max_length - len(prefix) - len(suffix)
    encoded = [encode(tokenizer, doc) for doc in docs]
    spans = [windows(len(e.ids), size, min(stride, size)) for e in encoded]
    inputs = [prefix + e.ids[s:t] + suffix for e, doc_spans in zip(encoded, spans) for s, t in doc_spans]
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    probs = iter(piece_probabilities(model, inputs, pad_id, batch_size, device))
    out = []
    for e, doc_spans in zip(encoded, spans):
        spun = np.zeros(len(e.ids))
        owner = owners(doc_spans, len(e.ids))
        for k, (s, t) in enumerate(doc_spans):
            p = next(probs)[len(prefix) : len(prefix) + t - s][:, list(spun_ids)].sum(axis=1)
            mine = owner[s:t] == k
            spun[s:t][mine] = p[mine]
        out.append(to_tokens(spun, e, aggregate))
    return out
