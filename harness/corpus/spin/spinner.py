"""The spinner: asks its engines for proposals, vetoes some, applies the rest, keeps provenance.

Each accepted proposal becomes a :class:`SpinEdit` recording the engine, the original and spun
character spans and both texts, so the aligner can be checked against the spinner's own record.

>>> import random
>>> from harness.corpus.spin.numbers import NumbersEngine
>>> result = Spinner([NumbersEngine(rate=1.0)]).spin("Three men and 2 dogs.", 1.0, random.Random(0))
>>> result.spun
'3 men and two dogs.'
>>> [(e.original_text, e.spun_text) for e in result.edits]
[('Three', '3'), ('2', 'two')]
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from harness.core.lexical import indefinite_article, is_content_word, match_case
from harness.core.tokens import Token, normalize, tokenize
from harness.corpus.spin.base import Engine, Pending, Proposal


@dataclass(frozen=True)
class SpinEdit:
    """The spinner's record of one replacement, in **character offsets**: ``spun_text`` stands at
    ``[spun_char_start, spun_char_end)`` of the spun text where ``original_text`` stood at
    ``[original_char_start, original_char_end)`` of the original. Compare
    :class:`harness.core.schema.Edit`, the aligner's record in token indices."""

    spun_char_start: int
    spun_char_end: int
    original_char_start: int
    original_char_end: int
    spun_text: str
    original_text: str
    engine: str


@dataclass(frozen=True)
class SpinResult:
    original: str
    spun: str
    edits: list[SpinEdit]

    @property
    def engines(self) -> list[str]:
        return sorted({e.engine for e in self.edits})


class Spinner:
    """Spin text with several engines at a chosen rate.

    Parameters
    ----------
    engines : the substitution engines whose proposals are pooled.
    prioritized : try every proposal of the first engine before any of the second, and so on;
        otherwise all proposals are pooled and tried in random order.
    window : a replacement may not repeat a token found within this many tokens of its span
        (before or after spinning); otherwise the text would not say which copy was changed, and
        no aligner, human or machine, could recover the spinner's edit.
    cluster : probability that a proposal is tried right before the proposal for the tokens
        right after it: real spinners rewrite runs of words ("heavy rain" -> "weighty
        precipitation"), not only isolated ones.
    fix_articles : put ``a`` / ``an`` right after a change, as real spinners do (``a big`` ->
        ``an enormous``, not ``a enormous``): the article then becomes part of the edit.

    Engines with ``propose_at`` (the content-word engines) are asked for a word's proposal only
    when the spinner gets to that word in its random order, so a lightly spun document costs a
    few look-ups; span-level proposals (``propose_spans``, or ``propose`` for an engine with
    neither) are made up front.
    """

    def __init__(self, engines: Sequence[Engine], prioritized: bool = False, window: int = 3, cluster: float = 0.0, fix_articles: bool = True):
        self.engines = list(engines)
        self.prioritized = prioritized
        self.window = window
        self.cluster = cluster
        self.fix_articles = fix_articles

    def spin(self, text: str, rate: float, rng: random.Random, tokens: list[Token] | None = None, *, allow=None,
             where: Sequence[bool] | None = None, max_edits: int | None = None, fixed_terms_first: bool = False) -> SpinResult:
        """Change about ``rate`` of the tokens of ``text`` (of those ``where`` marks, when given:
        a partly spun document): proposals are accepted until the new (spun) tokens they bring in
        reach ``rate`` of those tokens, or ``max_edits`` edits. ``tokens``: the text's tokens,
        when the caller has them already; ``allow``: the lexical side whose rewrites may be used
        (:mod:`harness.corpus.spin.lexical_split`); ``fixed_terms_first``: try fixed terms'
        tortured rewrites before anything else (a sparsely spun, paper-mill-like document)."""
        tokens = tokenize(text) if tokens is None else tokens
        inside = [True] * len(tokens) if where is None else list(where)
        tiers = []
        for engine in self.engines:
            spans = engine.propose_spans(tokens, rng, allow) if hasattr(engine, "propose_spans") else engine.propose(tokens, rng)
            tier: list = [p for p in spans if _within(p, inside)]  # Proposal or Pending
            if hasattr(engine, "propose_at"):
                tier += [(engine, i) for i in range(len(tokens)) if inside[i] and is_content_word(tokens[i].text)]
            tiers.append(tier)
        if not self.prioritized:
            tiers = [[slot for tier in tiers for slot in tier]]
        if fixed_terms_first:
            fixed = [slot for tier in tiers for slot in tier if getattr(slot, "fixed_term", False)]
            tiers = [fixed, *([slot for slot in tier if not getattr(slot, "fixed_term", False)] for tier in tiers)]
        target = max(1, round(rate * sum(inside))) if rate > 0 else 0
        accepted = self._select(tokens, self._proposals(tiers, tokens, rng, allow), target, max_edits)
        return _apply(text, tokens, accepted)

    def _proposals(self, tiers: list[list], tokens: list[Token], rng: random.Random, allow) -> Iterator[Proposal]:
        """The proposals in the order they are tried: each tier shuffled, a word's proposal made
        when its turn comes, and each followed with probability ``cluster`` by the one that starts
        where it ends (a pair of neighbouring changes)."""

        def made(slot) -> Proposal | None:
            if isinstance(slot, Proposal):
                return slot
            if isinstance(slot, Pending):
                return slot.made(rng)
            engine, i = slot
            return engine.propose_at(tokens, i, rng, allow)

        for tier in tiers:
            rng.shuffle(tier)
            by_start: dict[int, int] = {}
            for k, slot in enumerate(tier):
                by_start.setdefault(slot[1] if isinstance(slot, tuple) else slot.start, k)
            used = [False] * len(tier)
            for k, slot in enumerate(tier):
                if used[k]:
                    continue
                used[k] = True
                p = made(slot)
                if p is None:
                    continue
                yield p
                follower = by_start.get(p.end) if p.end > p.start and self.cluster else None
                if follower is not None and not used[follower] and rng.random() < self.cluster:
                    used[follower] = True
                    q = made(tier[follower])
                    if q is not None:
                        yield q

    def _select(self, tokens: list[Token], proposals: Iterable[Proposal], target: int, max_edits: int | None = None) -> list[Proposal]:
        keys = [normalize(t.text) for t in tokens]
        taken = [False] * len(tokens)
        inserted_before: set[int] = set()  # an insertion stands before these tokens
        new_words: dict[int, set[str]] = {}  # original position -> words a replacement put there
        accepted: list[Proposal] = []
        changed = 0
        for p in proposals:
            if changed >= target or (max_edits is not None and len(accepted) >= max_edits):
                break
            if p.start == p.end:  # an insertion goes between two tokens no other change touches
                if not 0 < p.start < len(tokens) or p.start in inserted_before or taken[p.start - 1] or taken[p.start]:
                    continue
            elif any(taken[p.start : p.end]) or any(p.start < i < p.end for i in inserted_before):
                continue
            a0, a1, rep_keys = _trimmed(keys, p)
            if a0 == a1 and not rep_keys:
                continue  # changes nothing but case or quotes
            words = set(rep_keys)
            lo, hi = max(0, p.start - self.window), min(len(tokens), p.end + self.window)
            nearby = set(keys[lo:hi]).union(*(new_words.get(i, ()) for i in range(lo, hi)))
            if words & nearby:
                continue
            if self.fix_articles:
                p = _agreeing(p, tokens, keys, taken, inserted_before)
            taken[p.start : p.end] = [True] * (p.end - p.start)
            if p.start == p.end:
                inserted_before.add(p.start)
            for i in range(max(0, p.start - 1), min(len(tokens), max(p.end, p.start + 1))):
                new_words.setdefault(i, set()).update(words)
            accepted.append(p)
            changed += max(1, len(rep_keys))
        return sorted(accepted, key=lambda p: (p.start, p.end))


def _within(p: Proposal | Pending, inside: list[bool]) -> bool:
    """Whether a proposal touches only tokens ``inside`` marks (an insertion: both neighbours)."""
    if p.start == p.end:
        return 0 < p.start < len(inside) and inside[p.start - 1] and inside[p.start]
    return all(inside[p.start : p.end])


def _agreeing(p: Proposal, tokens: list[Token], keys: list[str], taken: list[bool], inserted_before: set[int]) -> Proposal:
    """``p``, taking in the ``a`` / ``an`` right before it when the word now following that article
    asks for the other one. Left alone: an article no rule would have chosen for the original's
    next word (an abbreviation, a name), or one another change already took."""
    a = p.start - 1
    if a < 0 or keys[a] not in ("a", "an") or taken[a] or p.start in inserted_before or p.start >= len(tokens):
        return p
    if indefinite_article(tokens[p.start].text) != keys[a]:
        return p
    if p.replacement:
        following = p.replacement.split(" ", 1)[0]
    elif p.end < len(tokens):
        following = tokens[p.end].text
    else:
        return p
    wanted = indefinite_article(following)
    if wanted is None or wanted == keys[a]:
        return p
    article = match_case(tokens[a].text, wanted)
    return replace(p, start=a, replacement=f"{article} {p.replacement}" if p.replacement else article)


def _trimmed(keys: list[str], p: Proposal) -> tuple[int, int, list[str]]:
    """The part of a proposal that changes anything: original tokens ``[a0, a1)`` become the
    returned replacement words, once the words it shares with the original at either end are
    set aside (``to`` -> ``in order to`` inserts ``in order``)."""
    rep = [normalize(t.text) for t in _phrase_tokens(p.replacement)]
    a0, a1, b0, b1 = _trim_bounds(keys[p.start : p.end], rep)
    return p.start + a0, p.start + a1, rep[b0:b1]


@lru_cache(maxsize=100_000)
def _phrase_tokens(phrase: str) -> tuple[Token, ...]:
    """Tokens of a replacement phrase (the same phrases recur across proposals and documents)."""
    return tuple(tokenize(phrase))


def _trim_bounds(a: list[str], b: list[str]) -> tuple[int, int, int, int]:
    a0, a1, b0, b1 = 0, len(a), 0, len(b)
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        a0, b0 = a0 + 1, b0 + 1
    while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
    return a0, a1, b0, b1


def _region(text: str, tokens: list[Token], p: Proposal) -> tuple[int, int, str]:
    """Characters ``[start, end)`` of the original that the proposal replaces, and what with:
    an insertion adds a space after itself, a deletion takes a space with it."""
    if p.start == p.end:
        at = tokens[p.start].start
        return at, at, p.replacement + " "
    start, end = tokens[p.start].start, tokens[p.end - 1].end
    if not p.replacement:
        if text[end : end + 1] == " ":
            end += 1
        elif start and text[start - 1] == " ":
            start -= 1
    return start, end, p.replacement


def _apply(text: str, tokens: list[Token], accepted: list[Proposal]) -> SpinResult:
    pieces: list[str] = []
    edits: list[SpinEdit] = []
    cursor = 0  # position in the original text
    length = 0  # length of the spun text so far
    keys = [normalize(t.text) for t in tokens]
    for p in accepted:
        start, end, piece = _region(text, tokens, p)
        pieces.append(text[cursor:start])
        length += start - cursor
        # Record only what changed: the words the replacement shares with the original at
        # either end are kept, as the aligner will see them.
        rep_tokens = _phrase_tokens(piece)
        a0, a1, b0, b1 = _trim_bounds(keys[p.start : p.end], [normalize(t.text) for t in rep_tokens])
        span = tokens[p.start + a0 : p.start + a1]
        o_start = span[0].start if span else (tokens[p.start + a0].start if p.start + a0 < len(tokens) else len(text))
        o_end = span[-1].end if span else o_start
        new = rep_tokens[b0:b1]
        s_start = length + (new[0].start if new else (rep_tokens[b0].start if b0 < len(rep_tokens) else len(piece)))
        s_end = length + new[-1].end if new else s_start
        edits.append(SpinEdit(s_start, s_end, o_start, o_end, piece[s_start - length : s_end - length], text[o_start:o_end], p.engine))
        pieces.append(piece)
        length += len(piece)
        cursor = end
    pieces.append(text[cursor:])
    return SpinResult(text, "".join(pieces), edits)


def recorded_labels(spun_tokens: list[Token], edits: list[SpinEdit]) -> list[int]:
    """Labels the spinner's own record implies: 1 for spun tokens inside a replacement."""
    labels = [0] * len(spun_tokens)
    spans = sorted((e.spun_char_start, e.spun_char_end) for e in edits)
    k = 0
    for i, tok in enumerate(spun_tokens):
        while k < len(spans) and spans[k][1] <= tok.start:
            k += 1
        if k < len(spans) and spans[k][0] <= tok.start and tok.end <= spans[k][1]:
            labels[i] = 1
    return labels
