"""Near-duplicate originals: updated versions of one story, found by shared 8-word shingles.

BBC News holds several versions of some stories (an update, a follow-up quoting the same
paragraphs) that the build's exact-text check misses; split by article, one version would land
in train and another in test. :func:`near_duplicate_groups` joins two documents when one
shares more than ``threshold`` of its 8-word shingles with the other (the *overlap coefficient*
``|A & B| / min(|A|, |B|)``, the larger of the two containments), and groups them with
union-find; the build then keeps a whole group in one split, and drops near-exact copies.
Overlaps are counted exactly with an inverted index (shingle -> documents); at a few thousand
documents this is as fast as MinHash, and not approximate.

>>> docs = {"a": "one two three four five six seven eight nine ten", "b": "one two three four five six seven eight nine",
...         "c": "something else entirely that shares no words at all with them"}
>>> near_duplicate_groups(docs, 0.2)
[['a', 'b']]
>>> round(containment(shingles(docs["b"]), shingles(docs["a"])), 2)
1.0
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

K = 8  # words per shingle
GROUP_THRESHOLD = 0.2  # more than a fifth of the shingles shared: the same story
COPY_THRESHOLD = 0.9  # more than nine tenths shared: a copy, kept once
_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = K) -> frozenset[int]:
    """The set of a text's k-word windows (lower-cased ``\\w+`` words), as stable 64-bit hashes."""
    words = _WORD.findall(text.lower())
    return frozenset(
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + k]).encode(), digest_size=8).digest(), "big")
        for i in range(len(words) - k + 1)
    )


def containment(query: frozenset[int], reference: frozenset[int]) -> float:
    """Share of ``query``'s shingles that ``reference`` has too."""
    return len(query & reference) / len(query) if query else 0.0


class ShingleIndex:
    """An inverted index of reference documents' shingles."""

    def __init__(self, docs: dict[str, str], k: int = K, sets: dict[str, frozenset[int]] | None = None):
        # ``sets``: the documents' shingles already made (``docs`` is then ignored), so that a
        # streamed build need not keep the texts
        self.sets = sets if sets is not None else {doc_id: shingles(text, k) for doc_id, text in docs.items()}
        self.postings: dict[int, list[str]] = defaultdict(list)
        for doc_id in sorted(self.sets):
            for h in self.sets[doc_id]:
                self.postings[h].append(doc_id)

    def overlaps(self, s: Iterable[int]) -> Counter:
        """Reference document -> number of shingles shared with ``s``."""
        return Counter(d for h in s for d in self.postings.get(h, ()))

    def best_containment(self, text: str, k: int = K) -> tuple[float, str | None]:
        """The largest share of ``text``'s shingles found in one reference document, and which."""
        return self.best_containment_of(shingles(text, k))

    def best_containment_of(self, s: frozenset[int]) -> tuple[float, str | None]:
        """:meth:`best_containment` of a document given by its shingles."""
        best, best_id = 0.0, None
        for d, n in sorted(self.overlaps(s).items()):
            if n / len(s) > best:
                best, best_id = n / len(s), d
        return best, best_id


def near_duplicate_pairs(docs: dict[str, str], threshold: float = GROUP_THRESHOLD, k: int = K,
                         sets: dict[str, frozenset[int]] | None = None) -> list[tuple[str, str, float]]:
    """Every pair ``(a, b, overlap)``, ``a < b``, whose overlap coefficient exceeds ``threshold``
    (``sets``: the documents' shingles, when already made; ``docs`` is then ignored)."""
    index = ShingleIndex(docs, k, sets)
    pairs = []
    for a in sorted(index.sets):
        sa = index.sets[a]
        for b, n in sorted(index.overlaps(sa).items()):
            if b > a:
                score = n / min(len(sa), len(index.sets[b]))
                if score > threshold:
                    pairs.append((a, b, round(score, 4)))
    return pairs


def group_pairs(ids: Iterable[str], pairs: Iterable[tuple[str, str, float]]) -> list[list[str]]:
    """Connected groups (2 or more members, sorted, the groups by their first member) of ``pairs``."""
    parent = {x: x for x in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in sorted(parent):
        groups[find(x)].append(x)
    return sorted(g for g in groups.values() if len(g) > 1)


def near_duplicate_groups(docs: dict[str, str], threshold: float = GROUP_THRESHOLD, k: int = K) -> list[list[str]]:
    """Groups of documents joined by near-duplicate pairs (see the module docstring)."""
    return group_pairs(docs, near_duplicate_pairs(docs, threshold, k))
