"""Candidate originals of a spun wording, from the public resources read backwards.

A spinner replaced an original wording by one its resource lists for it, so the original is
found by reading the resources the other way: the Moby entries that list the spun wording (and
the spun wording's own entry: Moby is mostly symmetric), the WordNet lemmas that share a synset
with it (one-word and multiword, phrasal verbs included), its nearest GloVe neighbours (an
embedding spinner swaps a word for one of its neighbours, and closeness is symmetric), and a
number's other spelling (``5`` for ``five``, ``3rd`` for ``third``, and back: spinners trade them
to dodge exact-match checks). Each
candidate keeps where it came from and how close the resource puts it (:class:`Found`), for the
ranker to weigh; every candidate is re-inflected to the spun word's form and given its capitals.

>>> sorted(c for c in word_candidates("declared") if c in ("stated", "announced"))  # doctest: +SKIP
['announced', 'stated']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from harness.core.lexical import analyses, inflect, load_moby, match_case, moby_synonym_sets
from harness.core.tokens import normalize
from harness.core.wordnet_db import POS, UPOS, default_wordnet

MAX_WORDS = 4  # longest candidate (the spinners' rules rewrite at most four words)
GLOVE_VOCAB = 50_000
GLOVE_NEIGHBOURS = 25
GLOVE_MIN_SIMILARITY = 0.55
# Moby entries run to hundreds: the closest ones by overlap are kept (more of the entries that list
# the spun word: the thesaurus spinner takes a word's 30 closest, ranked from the original's side).
MOBY_LISTING = 80
MOBY_OWN = 30


# Tags a form may carry at once (lemminflect's analyses give the first): ``preferred`` is both.
_SAME_FORM = {"VBD": ("VBD", "VBN"), "VBN": ("VBN", "VBD"), "VB": ("VB", "VBP"), "VBP": ("VBP", "VB")}


@dataclass
class Found:
    """Where a candidate came from: Moby (its entry lists the spun wording: ``moby_lists``; the
    spun wording's entry lists it: ``moby_listed``; overlap of the two entries), WordNet (a
    shared synset), GloVe (cosine similarity when a neighbour), a number's other spelling."""

    moby_lists: bool = False
    moby_listed: bool = False
    moby_overlap: float = 0.0
    wordnet: bool = False
    glove: float = 0.0
    number: bool = False


@lru_cache(maxsize=1)
def moby_listing() -> dict[str, tuple[str, ...]]:
    """Moby read backwards: a wording -> the headwords whose entries list it (multiword ones too)."""
    table: dict[str, list[str]] = defaultdict(list)
    for head, synonyms in load_moby().items():
        for syn in synonyms:
            table[syn.lower()].append(head)
    return {k: tuple(v) for k, v in table.items()}


def moby_overlap(a: str, b: str) -> float:
    """Cosine overlap of two Moby entries (what the thesaurus spinner ranks synonyms by)."""
    sets = moby_synonym_sets()
    x, y = sets.get(a), sets.get(b)
    if not x or not y:
        return 0.0
    return len(x & y) / (len(x) * len(y)) ** 0.5


def _usable(phrase: str) -> bool:
    words = phrase.split(" ")
    return len(words) <= MAX_WORDS and all(w.isalpha() for w in words)


@lru_cache(maxsize=200_000)
def lemma_candidates(lemma: str, pos: str | None) -> tuple[tuple[str, Found], ...]:
    """Candidate original lemmas of a spun lemma (one word or a phrase), read as WordNet part of
    speech ``pos`` (None: no part of speech, Moby alone)."""
    found: dict[str, Found] = defaultdict(Found)
    listing = [h for h in moby_listing().get(lemma, ()) if h != lemma and _usable(h)]
    own = [s for s in load_moby().get(lemma, ()) if s != lemma and _usable(s)]
    overlaps = {c: moby_overlap(c, lemma) for c in {*listing, *own}}
    for head in sorted(listing, key=lambda c: -overlaps[c])[:MOBY_LISTING]:
        found[head].moby_lists = True
    for syn in sorted(own, key=lambda c: -overlaps[c])[:MOBY_OWN]:
        found[syn].moby_listed = True
    if pos is not None:
        for syn in default_wordnet().synonyms(lemma, pos):
            if syn != lemma and _usable(syn) and syn.islower():
                found[syn].wordnet = True
    if pos is not None and " " not in lemma:
        for word, similarity in glove_neighbours(lemma):
            found[word].glove = similarity
    for c, f in found.items():
        f.moby_overlap = overlaps.get(c, 0.0)
    return tuple(sorted(found.items()))


@lru_cache(maxsize=100_000)
def glove_neighbours(word: str) -> tuple[tuple[str, float], ...]:
    """The word's nearest GloVe neighbours (alphabetic, among the most frequent words) at cosine
    similarity :data:`GLOVE_MIN_SIMILARITY` or more."""
    index, vocab, _ = glove_table()
    if word not in index:
        return ()
    top, sims = glove_nearest(index[word])
    return tuple((vocab[j], round(v, 4)) for j, v in zip(top, sims) if j != index[word] and v >= GLOVE_MIN_SIMILARITY)


@lru_cache(maxsize=100_000)
def glove_nearest(at: int) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The :data:`GLOVE_NEIGHBOURS` + 1 vocabulary rows closest to row ``at`` (itself among
    them, as a rule), closest first, and their cosine similarities: one product with the whole
    vocabulary per word, kept for the next time it is asked.

    The product in float32 only shortlists them; their similarities are worked out again in
    float64 (:func:`similarities`), since float32's last digits differ from one CPU's numeric
    kernels to another's, and a similarity next to a cut or a rounding would then differ too."""
    _, _, unit = glove_table()
    sims = unit @ unit[at]
    short = np.argpartition(-sims, _SHORTLIST)[: _SHORTLIST + 1]
    exact = similarities(short, at)
    order = np.lexsort((short, -exact))[: GLOVE_NEIGHBOURS + 1]
    return tuple(short[order].tolist()), tuple(exact[order].tolist())


_SHORTLIST = 2 * GLOVE_NEIGHBOURS  # rows a float32 product keeps for float64 to rank


def similarities(rows, at: int) -> np.ndarray:
    """Cosine similarities of the vocabulary's ``rows`` with row ``at``, in float64 (the same to
    about 1e-16 on any CPU)."""
    _, _, unit = glove_table()
    return unit[rows].astype(np.float64) @ unit[at].astype(np.float64)


@lru_cache(maxsize=1)
def glove_table():
    """The GloVe vocabulary and its unit vectors in float32 (a ranking feature needs no more)."""
    from harness.core.glove import load_glove

    index, vocab, unit = load_glove(GLOVE_VOCAB)
    return index, vocab, unit.astype(np.float32)


def readings(words: list[str]) -> list[tuple[str, str, str | None]]:
    """``(lemma phrase, upos, tag)`` readings of a spun wording: a word's lemminflect analyses,
    a phrase's WordNet base forms (the head's tag: a verb's first word, another's last); with
    no reading, the lower-cased wording and no part of speech."""
    if len(words) == 1:
        out = [(lemma.lower(), upos, t) for upos, lemma, tag in analyses(words[0]) for t in _SAME_FORM.get(tag, (tag,))
               if t == tag or words[0].lower() in (inflect(lemma, upos, t) or "").lower()]
    else:
        out = []
        phrase = " ".join(w.lower() for w in words)
        wn = default_wordnet()
        for upos, pos in UPOS.items():
            head = words[0] if upos == "VERB" else words[-1]
            tags = [tag for u, _, tag in analyses(head) if u == upos]
            for base in wn.base_forms(phrase, pos):
                out.append((base, upos, tags[0] if tags else None))
    return out or [(" ".join(w.lower() for w in words), "", None)]


@lru_cache(maxsize=200_000)
def _candidates(wording: tuple[str, ...]) -> tuple[tuple[str, Found], ...]:
    merged: dict[str, Found] = {}
    spun = normalize(" ".join(wording))
    for lemma, upos, tag in readings(list(wording)):
        pos = UPOS.get(upos)
        for candidate, f in lemma_candidates(lemma, pos if pos in POS else None):
            form = (inflect(candidate, upos, tag) if tag else candidate) or candidate
            form = match_case(wording[0], form)
            if normalize(form) == spun:
                continue
            mine = merged.setdefault(form, Found())
            mine.moby_lists |= f.moby_lists
            mine.moby_listed |= f.moby_listed
            mine.wordnet |= f.wordnet
            mine.moby_overlap = max(mine.moby_overlap, f.moby_overlap)
            mine.glove = max(mine.glove, f.glove)
    return tuple(merged.items())


def word_candidates(words: str | list[str]) -> dict[str, Found]:
    """Candidate originals of a spun word or phrase, in its inflection and capitals."""
    wording = tuple(words.split(" ") if isinstance(words, str) else words)
    found = dict(_candidates(wording))
    if len(wording) == 1 and wording[0].lower() in NUMBER_SPELLINGS:
        found[match_case(wording[0], NUMBER_SPELLINGS[wording[0].lower()])] = Found(number=True)
    return found


def _number_spellings() -> dict[str, str]:
    """Number words and their digits, both ways: cardinals to ninety-nine (``21`` is
    ``twenty-one``), ordinals to the ninety-ninth (``21st``)."""
    units = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    nths = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}

    def ordinal(word: str) -> str:
        head, _, last = word.rpartition("-")
        last = nths.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
        return f"{head}-{last}" if head else last

    cardinals = dict(enumerate(units)) | {20 + 10 * t + u: tens[t] + (f"-{units[u]}" if u else "") for t in range(8) for u in range(10)}
    words = {str(n): w for n, w in cardinals.items()}
    words |= {f"{n}{'th' if n % 100 in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}": ordinal(w) for n, w in cardinals.items() if n}
    return words | {w: d for d, w in words.items()}


NUMBER_SPELLINGS = _number_spellings()
