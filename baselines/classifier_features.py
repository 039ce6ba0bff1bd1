"""The ``classifier`` baseline's token features, computed in bulk.

Every token gets at most one feature from each of 15 families, in this order: the word (``w=``),
its Zipf frequency bucket (``z=``), its number of Moby synonyms (``ns=``), the frequency gain of
its most frequent synonym (``gz=``); the left neighbour (``p=``), the pair (``pw=``), their shapes
(``s=``), the bigram's web count (``bl=``), a flag for a bigram never seen next to a known word
(``bl0``), the count gain if the word's best synonym stood in (``gl=``); and the same four with
the right neighbour (``n=``, ``wn=``, ``br=``, ``br0``, ``gr=``). Word features come only for
alphabetic words. Documents are padded with ``<s>`` and ``</s>``.

Each family is an integer key per token plus a function that names a key; the feature string of
a token is the name of its key. Keys are computed with numpy from per-type tables (a token
string, or a normalized word type, is looked at once per process), so a feature string is built
only once per distinct key in a batch, never per token. ``tests/test_classifier.py`` checks the
strings against a straightforward per-token implementation.

>>> [shape(t) for t in ["BBC", "I", "Heavy", "rain", "£5", "don't", ","]]
['AA', 'A', 'Aa', 'a', 'd', 'w-', 'p']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from harness.core.lexical import load_moby, zipf
from harness.core.tokens import normalize

START, END = "<s>", "</s>"
SHAPES = ("AA", "A", "Aa", "a", "d", "w-", "p", START)  # START: the padding, as a left neighbour
_PAIR = np.int64(1 << 32)  # pair key = left type id * _PAIR + right type id


def shape(tok: str) -> str:
    if tok.isalpha():
        if tok.isupper():
            return "AA" if len(tok) > 1 else "A"
        return "Aa" if tok[0].isupper() else "a"
    if tok[:1].isdigit() or tok[:1] in "$£€":
        return "d"
    if tok.isalnum() or "-" in tok or "'" in tok or "\u2019" in tok:
        return "w-"
    return "p"


def ranked_synonyms(word: str, moby: dict, n: int) -> tuple[str, ...]:
    """The word's ``n`` most frequent single-word Moby synonyms (ties keep Moby's order)."""
    cands = [s for s in moby.get(word, ()) if s.isalpha() and s.islower()]
    cands.sort(key=lambda s: -zipf(s))
    return tuple(cands[:n])


def word_entry(word: str, moby: dict, n_synonyms: int) -> tuple[int, int, int | None, tuple[str, ...]]:
    """What the features need to know about an alphabetic word: (Zipf bucket, Moby synonym count
    bucket, bucket of the best synonym's Zipf gain or None, its ``n_synonyms`` best synonyms).
    A bucket ``k`` stands for ``k / 2`` (steps of 0.5)."""
    z = zipf(word)
    syns = ranked_synonyms(word, moby, n_synonyms)
    gain = round((zipf(syns[0]) - z) * 2) if syns else None
    return round(z * 2), min(len(moby.get(word, ())), 400) // 50, gain, syns


def build_lexicon(docs: list[list[str]], n_synonyms: int) -> dict[str, tuple]:
    """:func:`word_entry` of every alphabetic Moby headword and every alphabetic word type of
    ``docs``. Any other alphabetic word is no Moby headword: it has no synonyms, and only its Zipf
    value is looked up when it is met."""
    moby = load_moby()
    lexicon = dict(_headword_lexicon(n_synonyms))
    for w in sorted({w for doc in docs for w in map(normalize, doc) if w.isalpha()} - lexicon.keys()):
        lexicon[w] = word_entry(w, moby, n_synonyms)
    return lexicon


@lru_cache(maxsize=4)
def _headword_lexicon(n_synonyms: int) -> dict[str, tuple]:
    moby = load_moby()
    return {w: word_entry(w, moby, n_synonyms) for w in sorted(moby) if w.isalpha()}


class IntTable:
    """A read-only map from distinct int64 keys to values, looked up in bulk: an open-addressing
    hash table (a quarter full, linear probing), each probe round one numpy pass over the keys
    still unresolved. About four times faster than a binary search of sorted keys here."""

    _EMPTY = np.iinfo(np.int64).min
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        if len(np.unique(keys)) != len(keys):
            raise ValueError("IntTable keys must be distinct")
        bits = max(4, int(np.ceil(np.log2(4 * len(keys) + 1))))
        self._shift, self._mask = np.uint64(64 - bits), (1 << bits) - 1
        self._keys = np.full(1 << bits, self._EMPTY, np.int64)
        self._values = np.zeros(1 << bits, values.dtype)
        todo, slot = np.arange(len(keys)), self._slot(keys)
        while len(todo):  # the first key to claim a free slot takes it; the others probe on
            free = np.flatnonzero(self._keys[slot] == self._EMPTY)
            placed = free[np.unique(slot[free], return_index=True)[1]]
            self._keys[slot[placed]], self._values[slot[placed]] = keys[todo[placed]], values[todo[placed]]
            left = np.ones(len(todo), bool)
            left[placed] = False
            todo, slot = todo[left], (slot[left] + 1) & self._mask

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULTIPLIER) >> self._shift).astype(np.int64)

    def get(self, keys: np.ndarray, default) -> np.ndarray:
        """The value of each key (any shape), ``default`` for keys not in the table."""
        flat = keys.ravel()
        out = np.full(len(flat), default, self._values.dtype)
        todo, slot = np.arange(len(flat)), self._slot(flat)
        while len(todo):
            found = self._keys[slot]
            hit = found == flat[todo]
            out[todo[hit]] = self._values[slot[hit]]
            on = ~hit & (found != self._EMPTY)
            todo, slot = todo[on], (slot[on] + 1) & self._mask
        return out.reshape(keys.shape)


class Bigrams:
    """wordsegment's web bigram counts, keyed by pairs of word ids, for look-ups in bulk."""

    def __init__(self):
        import wordsegment

        wordsegment.load()
        self.unigrams = wordsegment.UNIGRAMS
        self.ids: dict[str, int] = {}
        left, right, logs = [], [], []
        for key, count in wordsegment.BIGRAMS.items():
            a, b = key.split(" ")  # every key is two space-free words
            left.append(self.ids.setdefault(a, len(self.ids)))
            right.append(self.ids.setdefault(b, len(self.ids)))
            logs.append(math.log10(count + 1.0))  # math.log10, as the per-token code had it
        self.table = IntTable(np.array(left, np.int64) * _PAIR + np.array(right, np.int64), np.array(logs))

    def log_counts(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``log10(count + 1)`` of the bigrams of word ids ``a`` and ``b`` (-1: no such word)."""
        return np.where((a >= 0) & (b >= 0), self.table.get(a * _PAIR + b, 0.0), 0.0)


_BIGRAMS: list[Bigrams] = []


def bigrams() -> Bigrams:
    """The bigram table, built once per process."""
    if not _BIGRAMS:
        _BIGRAMS.append(Bigrams())
    return _BIGRAMS[0]


@dataclass
class Family:
    """One feature family of a batch: which tokens have it, and their keys.

    ``kind`` says how a key is named: ``type`` (a word type id: prefix + word), ``pair`` (two type
    ids: prefix + left + ``|`` + right), ``half`` (a bucket k: prefix + str(k / 2)), ``int``
    (prefix + k), ``shape`` (left and right shape codes), ``flag`` (the prefix alone).
    """

    prefix: str
    kind: str
    present: np.ndarray  # bool per token
    keys: np.ndarray  # int64 per token (meaningless where absent)
    names: list[str]  # word types by id

    def name(self, k: int) -> str:
        if self.kind == "type":
            return self.prefix + self.names[k]
        if self.kind == "pair":
            return f"{self.prefix}{self.names[k >> 32]}|{self.names[k & 0xFFFFFFFF]}"
        if self.kind == "half":
            return f"{self.prefix}{k / 2}"
        if self.kind == "shape":
            return f"{self.prefix}{SHAPES[k // len(SHAPES)]}|{SHAPES[k % len(SHAPES)]}"
        return self.prefix + (str(k) if self.kind == "int" else "")

    def distinct(self) -> tuple[list[int], np.ndarray, np.ndarray]:
        """(distinct keys, index of each present token's key among them, their counts)."""
        uniq, inverse, counts = np.unique(self.keys[self.present], return_inverse=True, return_counts=True)
        return uniq.tolist(), inverse, counts


class Features:
    """Per-process tables of the token strings and word types met so far; the families of a
    batch; their columns in a vocabulary."""

    def __init__(self, lexicon: dict[str, tuple], n_synonyms: int):
        self.lexicon, self.n_synonyms, self.bigrams = lexicon, n_synonyms, bigrams()
        self.raw: dict[str, int] = {}  # token string -> id
        self.index: dict[str, int] = {}  # normalized word type -> id
        self.names: list[str] = []
        empty = np.zeros(0, np.int64)
        self.raw_type, self.raw_shape, self.raw_prev_shape = empty, empty, empty
        self.zk, self.ns, self.gzk, self.bigram_id = empty, empty, empty, empty
        self.alpha, self.known, self.has_syns = (np.zeros(0, bool),) * 3
        self.syn_ids = np.zeros((0, n_synonyms), np.int64)  # bigram ids of its synonyms; -2: none
        self._vocabulary: dict | None = None
        self._type_columns: dict[str, np.ndarray] = {}  # prefix -> column of every type (-1: none)
        self._pair_columns: dict[str, IntTable] = {}  # prefix -> pair key -> column

    def _add_types(self, words: list[str]) -> None:
        """Table rows for new word types (list comprehensions: this runs once per type)."""
        start = len(self.names)
        self.index.update(zip(words, range(start, start + len(words))))
        self.names += words
        alpha = [w.isalpha() for w in words]
        entries = [self.lexicon.get(w) if a else None for w, a in zip(words, alpha)]
        for i in [i for i, (a, e) in enumerate(zip(alpha, entries)) if a and e is None]:
            entries[i] = (round(zipf(words[i]) * 2), 0, None, ())  # no Moby headword: no synonyms
        entries = [e or (0, 0, None, ()) for e in entries]
        ids, n = self.bigrams.ids, self.n_synonyms
        n_syns = np.array([len(e[3]) for e in entries], np.int64)
        syn_ids = np.array([ids.get(s, -1) for e in entries for s in e[3] + (None,) * (n - len(e[3]))], np.int64).reshape(len(words), n)
        syn_ids[np.arange(n) >= n_syns[:, None]] = -2

        def grow(old, new, dtype=np.int64):
            return np.concatenate([old, np.array(new, dtype)])

        self.alpha = grow(self.alpha, alpha, bool)
        self.known = grow(self.known, [w in self.bigrams.unigrams for w in words], bool)
        self.bigram_id = grow(self.bigram_id, [ids.get(w, -1) for w in words])
        self.zk = grow(self.zk, [e[0] for e in entries])
        self.ns = grow(self.ns, [e[1] for e in entries])
        self.gzk = grow(self.gzk, [e[2] or 0 for e in entries])
        self.has_syns = grow(self.has_syns, n_syns > 0, bool)
        self.syn_ids = np.concatenate([self.syn_ids, syn_ids])

    def type_ids(self, words: list[str]) -> list[int]:
        new = [w for w in dict.fromkeys(words) if w not in self.index]
        if new:
            self._add_types(new)
        return [self.index[w] for w in words]

    def _add_raw(self, tokens: list[str]) -> None:
        self.raw.update(zip(tokens, range(len(self.raw), len(self.raw) + len(tokens))))

        def grow(old, new):
            return np.concatenate([old, np.array(new, np.int64)])

        self.raw_type = grow(self.raw_type, self.type_ids([normalize(t) for t in tokens]))
        self.raw_shape = grow(self.raw_shape, [SHAPES.index(shape(t)) for t in tokens])
        self.raw_prev_shape = grow(self.raw_prev_shape, [SHAPES.index(START if t == START else shape(t)) for t in tokens])

    def token_ids(self, stream: list[str]) -> np.ndarray:
        get = self.raw.get
        ids = [get(t) for t in stream]
        if None in ids:
            self._add_raw(list(dict.fromkeys(t for t, i in zip(stream, ids) if i is None)))
            ids = [get(t) for t in stream]
        return np.array(ids, np.int64)

    def _gains(self, words: np.ndarray, others: np.ndarray, side: str, here: np.ndarray) -> np.ndarray:
        """Best bigram count with one of the word's synonyms in its place, minus the count as
        written (the neighbour ``others`` on ``side``)."""
        syn = self.syn_ids[words]
        best = self.bigrams.log_counts(others[:, None], syn) if side == "l" else self.bigrams.log_counts(syn, others[:, None])
        return np.where(syn == -2, -np.inf, best).max(axis=1) - here

    def of(self, docs: list[list[str]]) -> list[Family]:
        """The 15 feature families of every token of ``docs`` (in document order)."""
        stream = [t for doc in docs for t in (START, *doc, END)]
        lengths = np.array([len(doc) for doc in docs], np.int64)
        at = np.arange(int(lengths.sum())) + np.repeat(2 * np.arange(len(docs)) + 1, lengths)
        raw = self.token_ids(stream)
        r, rp, rn = raw[at], raw[at - 1], raw[at + 1]
        t, tp, tn = self.raw_type[r], self.raw_type[rp], self.raw_type[rn]
        alpha, has_syns = self.alpha[t], self.alpha[t] & self.has_syns[t]
        everyone = np.ones(len(t), bool)

        def family(prefix, kind, present, keys):
            return Family(prefix, kind, present, keys, self.names)

        families = [
            family("w=", "type", everyone, t),
            family("z=", "half", alpha, self.zk[t]),
            family("ns=", "int", alpha, self.ns[t]),
            family("gz=", "half", has_syns, self.gzk[t]),
        ]
        for side, other in (("l", tp), ("r", tn)):
            rows, syn_rows = np.flatnonzero(alpha), np.flatnonzero(has_syns)
            here, gain = np.zeros(len(t)), np.zeros(len(t))
            ids, other_ids = self.bigram_id[t[rows]], self.bigram_id[other[rows]]
            here[rows] = self.bigrams.log_counts(other_ids, ids) if side == "l" else self.bigrams.log_counts(ids, other_ids)
            if len(syn_rows):
                gain[syn_rows] = self._gains(t[syn_rows], self.bigram_id[other[syn_rows]], side, here[syn_rows])
            if side == "l":
                families += [
                    family("p=", "type", everyone, tp),
                    family("pw=", "pair", everyone, tp * _PAIR + t),
                    family("s=", "shape", everyone, self.raw_prev_shape[rp] * len(SHAPES) + self.raw_shape[r]),
                ]
            else:
                families += [family("n=", "type", everyone, tn), family("wn=", "pair", everyone, t * _PAIR + tn)]
            families += [
                family(f"b{side}=", "half", alpha, np.rint(here * 2).astype(np.int64)),
                family(f"b{side}0", "flag", alpha & (here == 0.0) & self.known[other], np.zeros(len(t), np.int64)),
                family(f"g{side}=", "half", has_syns, np.rint(gain * 2).astype(np.int64)),
            ]
        return families

    def _pair_table(self, prefix: str, vocabulary: dict[str, int]) -> IntTable:
        """Pair key -> column for the vocabulary's ``prefix`` features. A feature ``pw=a|b|c``
        could come from ``(a|b, c)`` or ``(a, b|c)``: every split is entered, and each side
        becomes a word type, so a pair met later has a column exactly when its name has one."""
        splits = [(body[:i], body[i + 1 :], col) for f, col in vocabulary.items() if f.startswith(prefix)
                  for body in [f[len(prefix) :]] for i in range(len(body)) if body[i] == "|"]
        left = np.array(self.type_ids([a for a, _, _ in splits]), np.int64)
        right = np.array(self.type_ids([b for _, b, _ in splits]), np.int64)
        return IntTable(left * _PAIR + right, np.array([c for _, _, c in splits], np.int64))

    def columns(self, families: list[Family], vocabulary: dict[str, int]) -> np.ndarray:
        """Column of each token's feature in each family (tokens x families; -1: none)."""
        if self._vocabulary is not vocabulary:
            self._vocabulary, self._type_columns = vocabulary, {}
            self._pair_columns = {f.prefix: self._pair_table(f.prefix, vocabulary) for f in families if f.kind == "pair"}
        index = vocabulary.get
        cols = np.full((len(families[0].keys), len(families)), -1, np.int64)
        for j, family in enumerate(families):
            keys = family.keys[family.present]
            if family.kind == "pair":
                cols[family.present, j] = self._pair_columns[family.prefix].get(keys, -1)
            elif family.kind == "type":
                known = self._type_columns.get(family.prefix, np.zeros(0, np.int64))
                if len(known) < len(self.names):
                    new = [index(family.name(k), -1) for k in range(len(known), len(self.names))]
                    known = self._type_columns[family.prefix] = np.concatenate([known, np.array(new, np.int64)])
                cols[family.present, j] = known[keys]
            else:
                distinct, inverse, _ = family.distinct()
                cols[family.present, j] = np.array([index(family.name(k), -1) for k in distinct], np.int64)[inverse]
        return cols
