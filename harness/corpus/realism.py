"""The realism profile: how a split's spinning looks, next to real spinners' output.

``profile(records)`` measures a split (built or imported) from the aligner's edits, the same
record every config and every imported pair has, so synthetic and real spinning are measured
alike. :data:`REAL` holds the profile of two real sources spun by real spinners (a news article
spun by a commercial-style spinner, 150 Wikipedia paragraphs spun by SpinBot; aggregate
figures only), and :data:`ROWS` the range each statistic should fall in. Those figures, each with
its source, are data: ``real_spinner_profile.json`` beside this module.

Only spun documents count (``is_spun``); counts are pooled over them, not averaged per document.
An edit's *original side* is ``original_tokens[original_start:original_end]``, its *spun side*
``tokens[spun_start:spun_end]``.

>>> rec = {"is_spun": True, "labels": [0, 1, 0],
...        "tokens": [{"text": t} for t in "heavy precipitation fell".split()],
...        "original_tokens": [{"text": t} for t in "heavy rain fell".split()],
...        "edits": [{"spun_start": 1, "spun_end": 2, "original_start": 1, "original_end": 2}]}
>>> p = profile([rec])
>>> p["spun_token_rate"], p["content_words_changed"], p["shapes"]["1<-1"], p["single_word_swaps"]
(0.3333, 0.3333, 1.0, 1)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.core.lexical import indefinite_article, is_function_word, is_moby_synonym, zipf
from harness.core.tokens import normalize

SHAPES = ("1<-1", "2<-1", "2<-2", "1<-2|1<-3", "3<-1", "3+<-3+")
DECIMALS = 4
# The real spinners' measured figures and the bounds set on them, each with its source.
REAL_FIGURES = json.loads(Path(__file__).with_name("real_spinner_profile.json").read_text(encoding="utf-8"))
REAL_MARGIN = REAL_FIGURES["margin"]  # see ROWS


def _content(word: str) -> bool:
    # Any alphabetic non-function word, whatever its length: the definition the real sources'
    # figures were measured with (the content-word spinners themselves also want 3+ letters).
    return word.isalpha() and not is_function_word(word)


def shape_of(n_spun: int, n_original: int) -> str | None:
    """The shape bucket of an edit (spun tokens <- original tokens), or None for the shapes the
    profile leaves out (3<-2, 4<-1, insertions, ...), so the six shares need not sum to 1.

    >>> shape_of(1, 1), shape_of(1, 3), shape_of(4, 5), shape_of(3, 2)
    ('1<-1', '1<-2|1<-3', '3+<-3+', None)
    """
    if n_spun == 1 and n_original in (2, 3):
        return "1<-2|1<-3"
    if n_spun >= 3 and n_original >= 3:
        return "3+<-3+"
    name = f"{n_spun}<-{n_original}"
    return name if name in SHAPES else None


@dataclass(frozen=True)
class DocumentFacts:
    """What the profile needs of one document: counts, and per edit its shape and function words
    and, for a single-word swap, whether Moby lists it and how much rarer the new word is. Small,
    so a build's workers measure their own documents and the profile only pools them."""

    spun: bool
    tokens: int
    labels: int
    spun_tokens: int
    content_words: int
    content_words_changed: int
    edits: tuple[tuple[int, int, bool, bool], ...]  # (original tokens, spun tokens, touches a function word, function words only)
    swaps: tuple[tuple[bool, float], ...]  # (a Moby synonym, Zipf of the original word minus Zipf of its replacement)
    regime: str = "whole"
    words: int = 0  # tokens of the spun text with a letter or digit
    article_errors: int = 0  # new a/an errors (see article_errors)
    pairs: tuple[str, ...] = ()  # each edit as "original -> spun" (normalised tokens), for the seen-in-train share


def document_facts(r: dict) -> DocumentFacts:
    """The facts of one record (a built row or an imported pair); the profile counts only spun
    documents, so of the others only the counts are taken."""
    if not r["is_spun"]:
        return DocumentFacts(False, len(r["tokens"]), len(r["labels"]), sum(r["labels"]), 0, 0, (), (), r.get("regime", "clean"))
    covered: set[int] = set()
    edits, swaps, pairs = [], [], []
    for e in r["edits"]:
        covered.update(range(e["original_start"], e["original_end"]))
        original = [t["text"] for t in r["original_tokens"][e["original_start"] : e["original_end"]]]
        spun = [t["text"] for t in r["tokens"][e["spun_start"] : e["spun_end"]]]
        edits.append((len(original), len(spun), any(map(is_function_word, original)), bool(original) and all(map(is_function_word, original))))
        pairs.append(edit_pair(original, spun))
        if len(original) == len(spun) == 1 and original[0].isalpha() and spun[0].isalpha():
            swaps.append((is_moby_synonym(original[0], spun[0]), zipf(original[0]) - zipf(spun[0])))
    content = [i for i, tok in enumerate(r["original_tokens"]) if _content(tok["text"])]
    return DocumentFacts(
        spun=True,
        tokens=len(r["tokens"]),
        labels=len(r["labels"]),
        spun_tokens=sum(r["labels"]),
        content_words=len(content),
        content_words_changed=sum(i in covered for i in content),
        edits=tuple(edits),
        swaps=tuple(swaps),
        regime=r.get("regime", "whole"),
        words=sum(any(c.isalnum() for c in t["text"]) for t in r["tokens"]),
        article_errors=article_errors([t["text"] for t in r["tokens"]], r["labels"]),
        pairs=tuple(pairs),
    )


PAIR_ARROW = " -> "


def edit_pair(original: list[str], spun: list[str]) -> str:
    """An edit as ``"original -> spun"`` (normalised tokens): what "seen in train" compares."""
    return " ".join(map(normalize, original)) + PAIR_ARROW + " ".join(map(normalize, spun))


def is_one_for_one(pair: str) -> bool:
    """Whether an edit pair puts one word for one word."""
    original, _, spun = pair.partition(PAIR_ARROW)
    return bool(original) and bool(spun) and " " not in original and " " not in spun


def article_errors(tokens: list[str], labels: list[int]) -> int:
    """New article-agreement errors in a spun text: ``a`` / ``an`` before a word that asks for the
    other one (:func:`harness.core.lexical.indefinite_article`), where the article or that word is
    spun (an error the original already had is not new).

    >>> article_errors(["a", "enormous", "dog", "and", "an", "hour"], [0, 1, 0, 0, 0, 0])
    1
    """
    count = 0
    for i in range(len(tokens) - 1):
        article = tokens[i].lower()
        if article in ("a", "an") and (labels[i] or labels[i + 1]):
            wanted = indefinite_article(tokens[i + 1])
            count += wanted is not None and wanted != article
    return count


class Profiler:
    """Pools :class:`DocumentFacts` one document at a time into a split's profile (keeps counts,
    one rate per document and one Zipf drop per swap)."""

    def __init__(self):
        self.docs = self.spun_docs = self.tokens = self.spun_tokens = self.content = self.content_changed = 0
        self.doc_rates: list[float] = []
        self.shapes: Counter = Counter()
        self.edits = self.touching_function_word = self.function_words_only = self.insertions = self.deletions = 0
        self.moby = 0
        self.drops: list[float] = []
        self.words = self.article_errors = 0
        self.pairs: list[str] = []

    def add(self, f: DocumentFacts) -> None:
        self.docs += 1
        if not f.spun:
            return
        self.spun_docs += 1
        self.words += f.words
        self.article_errors += f.article_errors
        self.pairs += f.pairs
        self.tokens += f.tokens
        self.spun_tokens += f.spun_tokens
        self.doc_rates.append(f.spun_tokens / max(1, f.labels))
        self.content += f.content_words
        self.content_changed += f.content_words_changed
        for n_original, n_spun, touches, only in f.edits:
            self.edits += 1
            self.shapes[shape_of(n_spun, n_original)] += 1
            self.touching_function_word += touches
            self.function_words_only += only
            self.insertions += not n_original
            self.deletions += not n_spun
        for moby, drop in f.swaps:
            self.moby += moby
            self.drops.append(drop)

    def result(self, reference: set[str] | None = None) -> dict:
        """The profile; with ``reference`` (the edit pairs of a training split), the shares of
        edits seen there too."""
        doc_rates, drops, n = sorted(self.doc_rates), self.drops, self.edits

        def share(count: int, total: int) -> float | None:
            return round(count / total, DECIMALS) if total else None

        def quantile(q: float) -> float | None:
            return round(doc_rates[min(len(doc_rates) - 1, int(q * len(doc_rates)))], DECIMALS) if doc_rates else None

        return {
            "documents": self.docs,
            "spun_documents": self.spun_docs,
            "edits": n,
            "single_word_swaps": len(drops),
            "spun_token_rate": share(self.spun_tokens, self.tokens),
            "doc_rate_p10": quantile(0.1),
            "doc_rate_p90": quantile(0.9),
            "content_words_changed": share(self.content_changed, self.content),
            "edits_touching_function_word": share(self.touching_function_word, n),
            "edits_function_words_only": share(self.function_words_only, n),
            "insertions": share(self.insertions, n),
            "deletions": share(self.deletions, n),
            "shapes": {k: share(self.shapes[k], n) for k in SHAPES},
            "moby_synonym_share": share(self.moby, len(drops)),
            "mean_zipf_drop": round(sum(drops) / len(drops), DECIMALS) if drops else None,
            "replacement_rarer_share": share(sum(d > 0 for d in drops), len(drops)),
            "article_errors_per_1000_words": round(1000 * self.article_errors / self.words, 2) if self.words else None,
            **seen_in_train(self.pairs, reference),
        }


def seen_in_train(pairs: list[str], reference: set[str] | None) -> dict:
    """The share of edits whose (original, spun) pair occurs among ``reference``'s edits, over all
    edits and over those that are not one word for one word (phrases, insertions, deletions);
    None without a reference.

    >>> seen_in_train(["a -> b", "c -> d", "in addition -> also"], {"a -> b", "in addition -> also"})
    {'seen_in_train': 0.6667, 'seen_in_train_multiword': 1.0}
    """
    if reference is None:
        return {"seen_in_train": None, "seen_in_train_multiword": None}
    multi = [p for p in pairs if not is_one_for_one(p)]
    seen = lambda ps: round(sum(p in reference for p in ps) / len(ps), DECIMALS) if ps else None  # noqa: E731
    return {"seen_in_train": seen(pairs), "seen_in_train_multiword": seen(multi)}


# The regime the realism profile is calibrated on (sparse and partial documents are spun less by
# design: their own profiles are reported beside it, not held to the real range).
PROFILED_REGIME = "whole"


def profile(records: Iterable[dict], regime: str | None = PROFILED_REGIME, reference: set[str] | None = None) -> dict:
    """The realism profile of ``records`` (each statistic is defined in :data:`ROWS`), from one
    pass over them (they may be a stream, or a loaded :class:`~harness.core.dataset.Split`):
    of the spun documents of ``regime`` (None: every spun document; records without a regime, as
    imported pairs, count as any), with the seen-in-train shares against ``reference``
    (:func:`train_pairs`)."""
    records = getattr(records, "records", records)
    pooled = Profiler()
    for r in records:
        if regime is None or r.get("regime", regime) in (regime, "unknown", "clean"):
            pooled.add(document_facts(r))
    return pooled.result(reference)


def train_pairs(records: Iterable[dict]) -> set[str]:
    """The edit pairs of a training split (every regime), for :func:`seen_in_train`."""
    out: set[str] = set()
    for r in getattr(records, "records", records):
        out.update(document_facts(r).pairs)
    return out


@dataclass(frozen=True)
class Row:
    """One statistic: where it sits in a profile, its real values, the range it should fall in."""

    key: str  # "shapes/1<-1" for a shape
    label: str
    definition: str
    real_news: float | None
    real_spinbot: float | None
    low: float | None = None  # None: the lower real value minus REAL_MARGIN
    high: float | None = None  # None: the higher real value plus REAL_MARGIN
    decimals: int = 2

    def value(self, p: dict) -> float | None:
        head, _, tail = self.key.partition("/")
        return p[head][tail] if tail else p[head]

    @property
    def range(self) -> tuple[float, float] | None:
        if self.real_news is None:
            return None
        low = self.low if self.low is not None else max(0.0, min(self.real_news, self.real_spinbot) - REAL_MARGIN)
        high = self.high if self.high is not None else max(self.real_news, self.real_spinbot) + REAL_MARGIN
        return round(low, 3), round(high, 3)

    def inside(self, p: dict) -> bool | None:
        v, r = self.value(p), self.range
        return None if v is None or r is None else r[0] <= round(v, self.decimals + 1) <= r[1]


def _row(key: str, label: str, definition: str, decimals: int = 2) -> Row:
    """A statistic with its real values and bounds from :data:`REAL_FIGURES` (none if it has none)."""
    figure = REAL_FIGURES["figures"].get(key, {})
    return Row(key, label, definition, figure.get("real news"), figure.get("real SpinBot"), figure.get("low"), figure.get("high"), decimals)


_SWAPS = "single-word swaps (1<-1 edits whose two tokens are both alphabetic)"
# A range is the span of the two real sources widened by REAL_MARGIN on each side (two real
# spinners bracket real spinning only loosely), except where a bound is set outright
# (``low`` / ``high`` in the figures file).
ROWS: tuple[Row, ...] = (
    _row("spun_token_rate", "spun-token rate of spun documents", "spun tokens / tokens, pooled over spun documents"),
    _row("doc_rate_p10", "  lightest tenth of spun documents below", "10th percentile of the spun documents' own spun-token rates"),
    _row("doc_rate_p90", "  heaviest tenth of spun documents above", "90th percentile of the spun documents' own spun-token rates"),
    _row("content_words_changed", "share of the original's content words changed",
         "original content words (alphabetic, not a function word) inside an edit's original side / all of them"),
    _row("edits_touching_function_word", "edits whose original touches a function word",
         "edits whose original side holds a function word (harness.core.lexical.FUNCTION_WORDS) / edits"),
    _row("edits_function_words_only", "edits whose original is function words only",
         "edits whose original side is non-empty and all function words / edits"),
    _row("insertions", "insertions (empty original)", "edits with an empty original side / edits", decimals=3),
    _row("deletions", "deletions (empty spun side)", "edits with an empty spun side / edits", decimals=3),
    _row("shapes/1<-1", "edit shape 1<-1 (spun <- original tokens)", "edits of that shape / edits"),
    _row("shapes/2<-1", "edit shape 2<-1", "edits of that shape / edits"),
    _row("shapes/2<-2", "edit shape 2<-2", "edits of that shape / edits"),
    _row("shapes/1<-2|1<-3", "edit shape 1<-2 or 1<-3", "edits of either shape / edits"),
    _row("shapes/3<-1", "edit shape 3<-1", "edits of that shape / edits", decimals=3),
    _row("shapes/3+<-3+", "edit shape 3+<-3+", "edits with 3 or more tokens on both sides / edits"),
    _row("moby_synonym_share", "single-word swaps that are Moby synonyms (lemmas)",
         f"{_SWAPS} where a lemma of the replacement is in the Moby entry of a lemma of the original / swaps"),
    _row("mean_zipf_drop", "mean Zipf(original) - Zipf(replacement), single-word swaps",
         f"mean over {_SWAPS} of the wordfreq Zipf frequency of the original minus the replacement's"),
    _row("replacement_rarer_share", "single-word swaps whose replacement is the rarer word",
         f"{_SWAPS} whose replacement has a strictly lower Zipf frequency / swaps"),
    _row("article_errors_per_1000_words", "new article-agreement errors per 1,000 words",
         "a / an before a word asking for the other one, the article or the word spun (harness.corpus.realism.article_errors), per 1,000 spun-text tokens with a letter or digit"),
    _row("seen_in_train", "edits whose (original, spun) pair occurs in news/train",
         "edits whose normalised original -> spun pair is among news/train's edits / edits (not measured without a reference split)"),
    _row("seen_in_train_multiword", "  the same, edits not one word for one word",
         "the same share over edits with a multiword or empty side"),
)
REAL = {
    "real news": {row.key: row.real_news for row in ROWS if row.real_news is not None},
    "real SpinBot": {row.key: row.real_spinbot for row in ROWS if row.real_spinbot is not None},
}


def outside(p: dict) -> list[str]:
    """Keys of the statistics of profile ``p`` that fall outside their range."""
    return [row.key for row in ROWS if row.inside(p) is False]


def _cell(v: float | None, decimals: int) -> str:
    return "–" if v is None else f"{v:.{decimals}f}"


def profile_table(profiles: dict[str, dict], markdown: bool = False, against: str = "news/train") -> str:
    """Profiles (name -> profile) as a table next to the real sources and the ranges; a value
    outside its range is marked ``*``. ``against``: the split the 'seen in train' rows measured
    edits against, as their labels name it."""
    header = ["statistic", *REAL, "range", *profiles]
    rows = []
    for row in ROWS:
        r = row.range
        cells = [row.label.replace("news/train", against), _cell(row.real_news, row.decimals), _cell(row.real_spinbot, row.decimals),
                 f"{r[0]:.{row.decimals}f}-{r[1]:.{row.decimals}f}" if r else ""]
        for p in profiles.values():
            cells.append(_cell(row.value(p), row.decimals) + ("*" if row.inside(p) is False else ""))
        rows.append(cells)
    counts = ["spun documents / edits / single-word swaps", "", "", ""]
    counts += [f"{p['spun_documents']:,} / {p['edits']:,} / {p['single_word_swaps']:,}" for p in profiles.values()]
    rows.append(counts)
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
        lines += ["| " + " | ".join(c.strip() for c in cells) + " |" for cells in rows]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
    fmt = lambda cells: "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))  # noqa: E731
    return "\n".join([fmt(header), *(fmt(c) for c in rows), "* outside the range (the real sources' span widened by "
                      f"{REAL_MARGIN}, or a bound set with the real figures: harness/corpus/real_spinner_profile.json)"])
