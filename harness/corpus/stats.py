"""Statistics of a built split: documents, tokens and the spun-token rate, per spinner recipe,
and the split's realism profile (:mod:`harness.corpus.realism`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from harness.corpus.realism import profile

_KEYS = ("documents", "spun_documents", "tokens", "spun_tokens", "edits")


def _add(counts: dict, r: dict) -> None:
    counts["documents"] += 1
    counts["spun_documents"] += bool(r["is_spun"])
    counts["tokens"] += len(r["labels"])
    counts["spun_tokens"] += sum(r["labels"])
    counts["edits"] += len(r["edits"])


def _row(counts: dict) -> dict:
    tokens, spun = counts["tokens"], counts["spun_tokens"]
    return {
        "documents": counts["documents"],
        "spun_documents": counts["spun_documents"],
        "tokens": tokens,
        "spun_tokens": spun,
        "spun_token_rate": round(spun / tokens, 4) if tokens else 0.0,
        "edits": counts["edits"],
    }


def split_stats(records: Iterable[dict]) -> dict:
    """The statistics of a split, from one pass over its records (which may be a stream)."""
    total = dict.fromkeys(_KEYS, 0)
    by_recipe: dict[str, dict] = defaultdict(lambda: dict.fromkeys(_KEYS, 0))

    def counted() -> Iterator[dict]:
        for r in records:
            _add(total, r)
            _add(by_recipe[r["recipe"]], r)
            yield r

    realism = profile(counted())
    return {**_row(total), "by_recipe": {k: _row(v) for k, v in sorted(by_recipe.items())}, "profile": realism}
