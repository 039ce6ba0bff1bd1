"""Checks on source documents before they are spun, and the build's log of what they found.

- :func:`checked_articles`: unreadable, empty, over-long and exactly duplicated documents are
  skipped with a reason.
- :func:`assign_splits`: near-duplicate originals (updated versions of one story) are grouped
  and each group is kept in one split; near-exact copies are skipped
  (:mod:`harness.corpus.near_duplicates`).
- :func:`drop_overlaps`: documents of a held-out source that repeat text used in training are
  skipped.

The :class:`BuildLog` keeps every detail for the build's log file and counts per reason for
the summary the command prints.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from harness.core.tokens import is_word, tokenize
from harness.corpus.near_duplicates import COPY_THRESHOLD, GROUP_THRESHOLD, ShingleIndex, group_pairs, near_duplicate_pairs, shingles
from harness.corpus.planning import SPLIT_FRACTIONS, split_of
from harness.corpus.sources import Article, Skipped, SourceItem

_log = logging.getLogger(__name__)

MAX_TOKENS = 20_000  # longer documents are not articles (a dump, a book): skipped


@dataclass
class BuildLog:
    """What a build skipped and why, what it warns about, and how well the aligner matched the
    spinner. ``lines`` is the detail written to the build's log file."""

    skipped: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    agreement_by_config: dict = field(default_factory=dict)  # config -> [tokens agreeing, tokens compared]

    def agreed(self, config: str, agree: int, compared: int) -> None:
        """One document's aligner agreement, counted by config."""
        counts = self.agreement_by_config.setdefault(config, [0, 0])
        counts[0] += agree
        counts[1] += compared

    @property
    def agree_tokens(self) -> int:
        return sum(a for a, _ in self.agreement_by_config.values())

    @property
    def total_tokens(self) -> int:
        return sum(n for _, n in self.agreement_by_config.values())

    def skip(self, doc_id: str, reason: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, doc_id)
        self.lines.append(f"skipped {doc_id}: {reason}")

    def warn(self, message: str) -> None:
        """Said at once (a warning at the end of a long build comes too late), and kept for the log."""
        _log.warning("warning: %s", message)
        self.warnings.append(message)
        self.lines.append(f"warning: {message}")

    def note(self, message: str) -> None:
        self.lines.append(message)

    @property
    def aligner_agreement(self) -> float:
        return self.agree_tokens / self.total_tokens if self.total_tokens else 1.0

    def summary(self) -> str:
        """One line: how many documents were skipped, per reason."""
        total = sum(self.skipped.values())
        if not total:
            return "skipped no source documents"
        reasons = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
        return f"skipped {total} source document{'s' * (total != 1)} ({reasons})"


def checked_articles(items: Iterable[SourceItem], log: BuildLog, max_tokens: int = MAX_TOKENS) -> list[Article]:
    """Drop unreadable, empty, over-long and duplicate documents, logging each with a reason."""
    return list(iter_checked(items, log, max_tokens))


def iter_checked(items: Iterable[SourceItem], log: BuildLog, max_tokens: int = MAX_TOKENS) -> Iterator[Article]:
    """:func:`checked_articles` one article at a time: what it remembers of the articles it has
    seen is their ids and a 16-byte digest of each text, never the texts."""
    seen_ids: set[str] = set()
    seen_texts: set[bytes] = set()
    for item in items:
        if isinstance(item, Skipped):
            log.skip(item.id, item.reason)
            continue
        tokens = tokenize(item.text)
        key = hashlib.blake2b(" ".join(t.text.lower() for t in tokens).encode(), digest_size=16).digest()
        if item.id in seen_ids:
            log.skip(item.id, "duplicate id")
        elif not any(is_word(t.text) for t in tokens):
            log.skip(item.id, "empty: no words")
        elif len(tokens) > max_tokens:
            log.skip(item.id, f"too long: over {max_tokens} tokens")
        elif key in seen_texts:
            # The BBC corpus repeats some stories; a copy in another split would leak test text.
            log.skip(item.id, "duplicate text of an earlier document")
        else:
            seen_ids.add(item.id)
            seen_texts.add(key)
            yield item


@dataclass(frozen=True)
class Entry:
    """What planning keeps of an article: its ids and its shingles (not its text)."""

    id: str
    source_id: str
    shingles: frozenset[int]

    @classmethod
    def of(cls, article: Article) -> Entry:
        return cls(article.id, article.source_id, shingles(article.text))


@dataclass
class SplitPlan:
    """Articles kept after the near-duplicate check (by source id, in source order), each
    one's split, and the groups found."""

    source_ids: list[str]
    split: dict[str, str]  # source_id -> split
    groups: list[list[str]]  # near-duplicate groups (source ids), each kept in one split
    copies: int  # near-exact copies skipped

    def report(self) -> dict:
        return {"threshold": GROUP_THRESHOLD, "copy_threshold": COPY_THRESHOLD, "groups": len(self.groups),
                "documents_in_groups": sum(map(len, self.groups)), "copies_skipped": self.copies, "group_members": self.groups}


def assign_splits(entries: list[Entry], seed: int, log: BuildLog) -> SplitPlan:
    """Skip near-exact copies of an earlier article, group near-duplicates, and give every member
    of a group the split of its first member (by source id); other articles keep their own."""
    pairs = near_duplicate_pairs({}, GROUP_THRESHOLD, sets={e.source_id: e.shingles for e in entries})
    order = {e.source_id: i for i, e in enumerate(entries)}
    copies: set[str] = set()
    for a, b, score in pairs:
        if score > COPY_THRESHOLD:
            later = max(a, b, key=order.__getitem__)
            if later not in copies:
                copies.add(later)
                log.skip(entries[order[later]].id, f"near-duplicate text of an earlier document (over {COPY_THRESHOLD:.0%} of 8-word shingles shared)")
    kept = [e.source_id for e in entries if e.source_id not in copies]
    groups = group_pairs(kept, [p for p in pairs if p[0] not in copies and p[1] not in copies])
    split = {source_id: split_of(source_id, seed) for source_id in kept}
    for group in groups:
        for member in group:
            split[member] = split_of(group[0], seed)
        log.note(f"near-duplicate group kept in {split[group[0]]}: {', '.join(group)}")
    return SplitPlan(kept, split, groups, len(copies))


def drop_overlaps(entries: list[Entry], reference: dict[str, frozenset[int]], log: BuildLog, what: str) -> tuple[list[Entry], int]:
    """Skip articles sharing more than the group threshold of their shingles with a reference
    document (given by its shingles; ``what`` names the reference in the log)."""
    index = ShingleIndex({}, sets=reference)
    kept, dropped = [], 0
    for e in entries:
        score, ref = index.best_containment_of(e.shingles)
        if score > GROUP_THRESHOLD:
            dropped += 1
            log.skip(e.id, f"near-duplicate of {what} ({score:.0%} of its 8-word shingles, e.g. {ref})")
        else:
            kept.append(e)
    return kept, dropped


def warn_empty_splits(config: str, sizes: dict[str, int], n_articles: int, log: BuildLog) -> None:
    """Warn about every empty split, with how many source documents would fill it."""
    fractions = dict(SPLIT_FRACTIONS)
    for split, n in sizes.items():
        if n == 0 and split in fractions:
            need = math.ceil(1 / fractions[split])
            log.warn(f"{config}/{split} is empty: {n_articles} source document(s) give it {fractions[split]:.0%} of them by chance;"
                     f" give about {need} or more (ideally {10 * need}) documents")
