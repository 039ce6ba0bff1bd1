"""Statistics of a built split: documents, tokens and the spun-token rate, per spinner recipe,
and the split's realism profile (:mod:`harness.corpus.realism`)."""

from __future__ import annotations

from collections import defaultdict

from harness.corpus.realism import profile


def _counts(records: list[dict]) -> dict:
    tokens = sum(len(r["labels"]) for r in records)
    spun = sum(sum(r["labels"]) for r in records)
    return {
        "documents": len(records),
        "spun_documents": sum(bool(r["is_spun"]) for r in records),
        "tokens": tokens,
        "spun_tokens": spun,
        "spun_token_rate": round(spun / tokens, 4) if tokens else 0.0,
        "edits": sum(len(r["edits"]) for r in records),
    }


def split_stats(records: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        groups[r["recipe"]].append(r)
    return {**_counts(records), "by_recipe": {k: _counts(v) for k, v in sorted(groups.items())}, "profile": profile(records)}
