"""``ranker``: candidates from every reversed resource, ranked by a model learned on
``news``/train, each with a confidence (the model's probability that it is the original).

Candidates for a span (:meth:`RankingRestorer.pool`): the public resources read backwards
(:mod:`baselines.restoration_candidates`: Moby, WordNet, GloVe), what replaced what in
``news``/train (:func:`baselines.restorers.count_rules`, whole spans and lemmas), and, for a span
of two to six words, rewrites piece by piece (each word, or a run of words a resource or train
rewrites as a whole), searched as one stretch of text so that neighbouring pieces fit together.

Each candidate is described by features that say nothing of which pair it is, so that they
transfer to rewrites train never saw (the lexical split): how it fits between the span's
neighbours under two bigram models (``news``/train originals, Google web counts:
:mod:`baselines.restoration_lm`) against the spun wording and the pool's best, which resources
list it and how closely, how often train saw the pair, its frequency against the spun wording's
(spinners mostly pick a word about as common), lengths. A gradient-boosted classifier
(scikit-learn's ``HistGradientBoostingClassifier``) learns P(candidate is the original) from
sampled ``news``/train spans, and from sampled unspun words (whose original is themselves, so
every candidate is wrong: what a false alarm looks like). Features of a training span come from
counts of the *other* half of train (cross-fitting: a span's own pair never counts for it).

``restore`` returns ``(candidate, confidence)`` pairs, best first; the harness withholds those
below a cut it chooses on ``news``/validation (``docs/restoration.md``).
"""

from __future__ import annotations

import logging
import math
import random
from collections import Counter
from functools import lru_cache

import numpy as np

from baselines.restoration_candidates import GLOVE_MIN_SIMILARITY, GLOVE_NEIGHBOURS, Found, glove_nearest, glove_table, similarities, word_candidates
from baselines.restoration_lm import END, START, BigramModel, TrigramCounts, original_text, web_bigrams
from baselines.restorers import _key, count_rules
from harness.core.lexical import analyses, inflect, is_content_word, is_function_word, load_moby, match_case, related_synonyms, zipf
from harness.core.progress import progress
from harness.core.tokens import normalize, tokenize
from harness.core.wordnet_db import UPOS, default_wordnet
from harness.evaluation.contract import Interval, check_fitted
from harness.restoration.contract import check_fit_input, check_restore_input

FEATURES = (
    "lm_train", "lm_web", "lm_train_vs_spun", "lm_web_vs_spun", "lm_train_vs_best", "lm_web_vs_best",
    "train_count", "train_share", "train_lemma", "moby_lists", "moby_listed", "moby_overlap", "wordnet", "glove",
    "zipf", "zipf_spun", "zipf_drop", "words", "words_spun", "word_by_word", "function_words", "function_words_spun", "pool",
    "vector_spun", "vector_context", "vector_context_vs_spun", "vector_known", "lm_web_rank", "lm_train_rank", "zipf_vs_best",
    "thesaurus_rank", "trigram_left", "trigram_right", "number", "wordnet_share", "wordnet_fanout", "glove_rank", "moby_fanout",
)
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
CONTEXT_WORDS = 10  # words either side whose mean vector is the span's topic
READ = max(CONTEXT_WORDS, 2)  # words either side that a span's suggestions depend on (two: the trigram context)
COMBO_OPTIONS = 8  # options kept per piece (a word, or a run of words rewritten whole)
COMBO_BEAM = 30  # partial rewrites kept at each word boundary while searching
COMBOS = 10  # piece-by-piece rewrites kept per span
MAX_COMBO_WORDS = 6  # longest span rewritten piece by piece
MAX_PIECE_WORDS = 3  # longest run of words a piece may be
_MAX_KEPT = 500_000  # restored spans kept for reuse; beyond it the table starts afresh
logger = logging.getLogger(__name__)


class RankingRestorer:
    """Reversed resources ranked by a learned model (see the module docstring).

    Parameters
    ----------
    max_candidates : candidates returned per span.
    train_spans : gold spans of ``news``/train sampled to fit the ranker.
    negatives : unspun words sampled per training span (false alarms' look).
    seen_share : share of training spans whose own rewrite is left in the counts they are
        described by; for the rest it is hidden, as the lexical split hides most of test's
        rewrites from train (about a quarter of test's edits occur in train).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf : the gradient-boosted classifier's.
    seed : the sampling's and the classifier's.
    """

    param_ranges = {"max_candidates": Interval(1, 10), "train_spans": Interval(1), "negatives": Interval(0), "seen_share": Interval(0, 1), "max_iter": Interval(1),
                    "learning_rate": Interval(0, 1, closed=False), "max_leaf_nodes": Interval(2), "min_samples_leaf": Interval(1)}

    def __init__(self, max_candidates: int = 10, train_spans: int = 10_000, negatives: float = 0.3, seen_share: float = 0.25, max_iter: int = 300,
                 learning_rate: float = 0.1, max_leaf_nodes: int = 31, min_samples_leaf: int = 100, seed: int = 0):
        self.max_candidates = max_candidates
        self.train_spans = train_spans
        self.negatives = negatives
        self.seen_share = seen_share
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.seed = seed

    def fit(self, docs: list[list[str]], spans: list[list[tuple[int, int]]], originals: list[list[str]]):
        docs, spans, originals = check_fit_input(docs, spans, originals)
        X, y = self.training_rows(docs, spans, originals)
        if len(set(y.tolist())) < 2:  # too little data to learn from: a constant model
            self.model_, self.prior_ = None, float(y.mean()) if len(y) else 0.0
        else:
            logger.info("ranker: fitting %s rounds of gradient-boosted trees on %s candidates (%s of them originals)...", self.max_iter,
                        f"{len(y):,}", f"{int(y.sum()):,}")
            self.model_, self.prior_ = ranking_trees(self.max_iter, self.learning_rate, self.max_leaf_nodes, self.min_samples_leaf, self.seed).fit(X, y), None
        self.counts_ = _Counts.of(docs, spans, originals)
        return self

    def training_rows(self, docs, spans, originals) -> tuple[np.ndarray, np.ndarray]:
        """Feature rows and labels (candidate is the original) of sampled training spans and
        unspun words, each described by the other half of train's counts."""
        rng = random.Random(self.seed)
        side = _halves(docs, spans, originals)
        halves = [[d for d in range(len(docs)) if side[d] == h] for h in (0, 1)]
        counts = [_Counts.of([docs[d] for d in half], [spans[d] for d in half], [originals[d] for d in half]) for half in halves]
        gold = [(d, s, e, original) for d in range(len(docs)) for (s, e), original in zip(spans[d], originals[d])]
        chosen = rng.sample(gold, min(self.train_spans, len(gold)))
        unspun = [(d, i) for d in range(len(docs)) for i in _unspun_words(docs[d], spans[d])]
        false_alarms = rng.sample(unspun, min(round(self.negatives * len(chosen)), len(unspun)))
        rows, labels = [], []
        with progress(len(chosen) + len(false_alarms), "ranker: describing training spans", "span") as bar:
            for d, s, e, original in chosen:
                other = counts[1 - side[d]]
                if rng.random() >= self.seen_share:  # a rewrite train never saw, as most of test's are
                    other = other.hiding(docs[d][s:e], original)
                found, x = self.described(docs[d], s, e, other)
                want = _wording(original)
                rows.append(x)
                labels += [_wording(c) == want for c in found]
                bar.update(1)
            for d, i in false_alarms:
                found, x = self.described(docs[d], i, i + 1, counts[1 - side[d]])
                rows.append(x)
                labels += [False] * len(found)
                bar.update(1)
        return (np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))), np.asarray(labels, dtype=int)

    def pool(self, tokens: list[str], s: int, e: int, counts: _Counts) -> dict[str, dict]:
        """Candidates for ``tokens[s:e]``: text -> what the features need (resources, train counts,
        word-by-word)."""
        words = tokens[s:e]
        spun_key = _key(" ".join(words))
        out: dict[str, dict] = {}

        spun = _wording(" ".join(words))

        def add(text: str, found: Found | None, combo: bool = False) -> None:
            if _wording(text) == spun:
                return
            if text not in out:
                out[text] = {"found": found or Found(), "combo": combo}
            elif not combo:
                out[text]["combo"] = False

        for text, found in word_candidates(words).items():
            add(text, found)
        for original in counts.rules(spun_key):
            add(match_case(words[0], original) if original else original, None)
        if len(words) == 1:
            for text in counts.lemma_candidates(words[0]):
                add(text, None)
        if 2 <= len(words) <= MAX_COMBO_WORDS:
            for text, found in _word_by_word(tokens, s, e, counts):
                add(text, found, combo=True)
        return out

    def described(self, tokens: list[str], s: int, e: int, counts: _Counts) -> tuple[list[str], np.ndarray]:
        """The pool of ``tokens[s:e]`` and its feature rows."""
        pool = self.pool(tokens, s, e, counts)
        return list(pool), _features(tokens, s, e, pool, counts)

    def restore(self, tokens: list[str], spans: list[tuple[int, int]]) -> list[list[tuple[str, float]]]:
        # A span's suggestions depend only on its words and the READ words either side (the pool,
        # the features and the model read no further: the topic vector reads CONTEXT_WORDS), so a
        # span met again with all of them (a detector's span that is a gold span) is looked up, not
        # described again. A key of fewer words made suggestions depend on which text came first.
        check_fitted(self, "counts_", method="restore")
        tokens, spans = check_restore_input(tokens, spans)
        seen = self.__dict__.setdefault("_restored", {})
        if len(seen) > _MAX_KEPT:
            seen.clear()
        keys = [(tuple(tokens[max(0, s - READ) : s]), tuple(tokens[s:e]), tuple(tokens[e : e + READ])) for s, e in spans]
        seen.update({k: [] for k in keys if not k[1]})  # an empty span: nothing to restore
        new = list({k: (s, e) for k, (s, e) in zip(keys, spans) if k not in seen}.items())
        described = [self.described(tokens, s, e, self.counts_) for _, (s, e) in new]
        x = np.vstack([x for _, x in described]) if described else np.zeros((0, len(FEATURES)))
        p = self.probabilities(x)
        at = 0
        for (key, _), (found, _) in zip(new, described):
            mine, at = p[at : at + len(found)], at + len(found)
            order = sorted(range(len(found)), key=lambda i: (-mine[i], found[i]))[: self.max_candidates]
            seen[key] = [(found[i], round(float(mine[i]), 4)) for i in order]
        return [list(seen[k]) for k in keys]

    # The spans already restored are a cache, not learned state: left out of pickles.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_restored"}

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(candidate is the original) of each feature row (:meth:`described`'s), by the fitted trees."""
        if self.model_ is None or not len(x):
            return np.full(len(x), self.prior_ or 0.0)
        with _threadpools().limit(limits=1):  # a few hundred rows at a time: threads cost more than they save
            return self.model_.predict_proba(x)[:, 1]


@lru_cache(maxsize=1)
def _threadpools():
    """The process's thread pools, found once (finding them takes milliseconds a call)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def ranking_trees(max_iter: int, learning_rate: float, max_leaf_nodes: int, min_samples_leaf: int, seed: int):
    """Gradient-boosted trees for P(candidate is the original). Positives are rare (one
    candidate in dozens), so leaves are regularised: without it a leaf of a few positives gets
    a near-certain probability that does not hold on new spans."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=learning_rate, max_leaf_nodes=max_leaf_nodes, min_samples_leaf=min_samples_leaf,
                                          l2_regularization=10.0, early_stopping=False, random_state=seed)


@lru_cache(maxsize=200_000)
def _wording(text: str) -> tuple[str, ...]:
    return tuple(normalize(t.text) for t in tokenize(text))


def _unspun_words(doc: list[str], spans: list[tuple[int, int]]) -> list[int]:
    spun = {i for s, e in spans for i in range(s, e)}
    return [i for i, w in enumerate(doc) if i not in spun and is_content_word(w)]


def _halves(docs: list[list[str]], spans: list[list[tuple[int, int]]], originals: list[list[str]]) -> list[int]:
    """Each training document's half (0 or 1), by its original (:func:`original_text`, compared
    as the aligner compares tokens): spins of one original (``news``/train spins each several
    times) fall in one half, so a span is never described by counts that hold another spin of its
    own sentence. Documents that are all one original alternate (no half may be empty)."""
    import hashlib

    side = [hashlib.blake2b("\x1f".join(map(normalize, original_text(*d))).encode(), digest_size=8).digest()[0] % 2
            for d in zip(docs, spans, originals)]
    return side if len(set(side)) == 2 or len(docs) < 2 else [d % 2 for d in range(len(docs))]


class _Counts:
    """What train says: the bigram model and trigram counts of its originals and its rules
    (whole wordings, lemmas), less ``hidden`` pairs (a training span's own pair, to make it one
    train never saw)."""

    def __init__(self, lm: BigramModel, trigrams: TrigramCounts, exact: dict[str, Counter], lemmas: dict[tuple[str, str], Counter],
                 hidden: frozenset = frozenset()):
        self.lm = lm
        self.trigrams = trigrams
        self.exact = {k: dict(v) for k, v in exact.items()}
        self.lemmas = {k: dict(v) for k, v in lemmas.items()}
        self.hidden = hidden

    @classmethod
    def of(cls, docs, spans, originals) -> _Counts:
        return cls(BigramModel.from_documents(docs, spans, originals), TrigramCounts.from_documents(docs, spans, originals), *count_rules(docs, spans, originals))

    def hiding(self, spun: list[str], original: str) -> _Counts:
        """The same counts without the pair ``spun`` -> ``original`` (and its words' and lemmas' pairs)."""
        words = [t.text for t in tokenize(original)]
        pairs = {(_key(" ".join(spun)), _key(original))}
        if len(words) == len(spun):
            pairs |= {(_key(a), _key(b)) for a, b in zip(spun, words)}
            pairs |= {((la.lower(), ua), lb.lower()) for a, b in zip(spun, words) for ua, la, _ in analyses(a) for ub, lb, _ in analyses(b) if ua == ub}
        view = object.__new__(_Counts)
        view.lm, view.trigrams, view.exact, view.lemmas, view.hidden = self.lm, self.trigrams, self.exact, self.lemmas, frozenset(pairs)
        return view

    def rules(self, spun_key: str) -> dict[str, int]:
        found = self.exact.get(spun_key, {})
        return {k: v for k, v in found.items() if (spun_key, k) not in self.hidden} if self.hidden else found

    def _lemma_rules(self, lemma: str, upos: str) -> dict[str, int]:
        key = (lemma.lower(), upos)
        found = self.lemmas.get(key, {})
        return {k: v for k, v in found.items() if (key, k) not in self.hidden} if self.hidden else found

    def lemma_candidates(self, word: str) -> list[str]:
        """Originals of ``word`` by the lemma rules, re-inflected like it."""
        out = []
        for upos, lemma, tag in analyses(word):
            for original in self._lemma_rules(lemma, upos):
                form = inflect(original, upos, tag)
                if form:
                    out.append(match_case(word, form))
        return out

    def lemma_count(self, word: str, candidate: str) -> int:
        found = 0
        for upos, lemma, _ in analyses(word):
            table = self._lemma_rules(lemma, upos)
            found += sum(table.get(l2.lower(), 0) for u2, l2, _ in analyses(candidate) if u2 == upos)
        return found


def _word_by_word(tokens: list[str], s: int, e: int, counts: _Counts) -> list[tuple[str, Found]]:
    """Rewrites of a short span piece by piece: :func:`_piece_options` for each word and each
    run of up to :data:`MAX_PIECE_WORDS` words, the best :data:`COMBOS` ways through them by
    :func:`_best_rewrites` (the spun wording left out)."""
    return _best_rewrites(tokens, s, e, _piece_options(tokens, s, e, counts))


def _piece_options(tokens: list[str], s: int, e: int, counts: _Counts) -> dict[tuple[int, int], list[tuple[str, Found | None, float]]]:
    """For each piece ``tokens[i:j]`` of the span (a word, or a run of up to
    :data:`MAX_PIECE_WORDS` words that a resource or train rewrites as a whole), its best
    :data:`COMBO_OPTIONS` rewrites ``(text, where found, bonus)``, a word itself among them
    (found None), by the web bigram model between the piece's own neighbours plus a bonus for
    the resources that list it (less 2 for keeping the word)."""
    web = web_bigrams()
    options = {}
    for i in range(s, e):
        for j in range(i + 1, min(e, i + MAX_PIECE_WORDS) + 1):
            words = tokens[i:j]
            left, right = tokens[max(0, i - 1) : i], tokens[j : j + 1]
            scored = [(web.score(left, words, right) - 2.0, words[0], None, 0.0)] if j == i + 1 else []
            candidates = dict(word_candidates(words))
            piece_rules = counts.rules(_key(" ".join(words)))
            for original in piece_rules:
                candidates.setdefault(match_case(words[0], original), Found())
            for text, found in candidates.items():
                bonus = 2.0 * (found.moby_lists + found.wordnet) + 3.0 * (_key(text) in piece_rules or found.number)
                scored.append((web.score(left, text.split(), right) + bonus, text, found, bonus))
            if scored:
                options[(i, j)] = [(text, found, bonus) for _, text, found, bonus in sorted(scored, key=lambda x: (-x[0], x[1]))[:COMBO_OPTIONS]]
    return options


def _rewrite_score(tokens: list[str], s: int, e: int, choice) -> float:
    """A combination's score: the web bigram model over the whole rewritten stretch, from the
    span's left neighbour to its right one, plus its words' bonuses (less 2 per word kept)."""
    words = [w for text, _, _ in choice for w in text.split()]
    return web_bigrams().score(tokens[max(0, s - 1) : s], words, tokens[e : e + 1]) + sum(bonus - 2.0 * (found is None) for _, found, bonus in choice)


def _best_rewrites(tokens: list[str], s: int, e: int, options) -> list[tuple[str, Found]]:
    """The best :data:`COMBOS` ways through the span by ``options`` (one option of each piece,
    pieces end to end), by :func:`_rewrite_score`, searched left to right with a beam of
    :data:`COMBO_BEAM` at each word boundary (each step scored from the word chosen before it,
    not the spun one: exact while the beams hold every partial rewrite), the spun wording left
    out; each with where its pieces were found (merged)."""
    web = web_bigrams()
    end = [normalize(tokens[e]) if e < len(tokens) else END]
    # beams[i]: partial rewrites of tokens[s:i] as (score so far, the last word chosen, the choices so far)
    beams: dict[int, list] = {i: [] for i in range(s, e + 1)}
    beams[s] = [(0.0, normalize(tokens[s - 1]) if s else START, ())]
    for i in range(s, e):
        beam = sorted(beams[i], key=lambda x: (-x[0], [t for t, _, _ in x[2]]))[:COMBO_BEAM]
        for j in range(i + 1, min(e, i + MAX_PIECE_WORDS) + 1):
            for score, last, chosen in beam:
                for text, found, bonus in options.get((i, j), ()):
                    words = [normalize(w) for w in text.split()]
                    following = words + end if j == e else words  # the last piece reaches the right neighbour
                    step = sum(web.logp(x, y) for x, y in zip([last, *words], following)) + bonus - 2.0 * (found is None)
                    beams[j].append((score + step, words[-1] if words else last, (*chosen, (text, found, bonus))))
    combos = []
    for _, _, choice in sorted(beams[e], key=lambda x: (-x[0], [t for t, _, _ in x[2]]))[:COMBO_BEAM]:
        changed = [found for _, found, _ in choice if found is not None]
        if not changed:
            continue
        merged = Found(moby_lists=all(f.moby_lists for f in changed), moby_listed=all(f.moby_listed for f in changed),
                       moby_overlap=float(np.mean([f.moby_overlap for f in changed])), wordnet=all(f.wordnet for f in changed),
                       glove=min(f.glove for f in changed), number=any(f.number for f in changed))
        combos.append((_rewrite_score(tokens, s, e, choice), " ".join(text for text, _, _ in choice if text), merged))
    best: dict[str, tuple] = {}
    for combo in sorted(combos, key=lambda x: (-x[0], x[1])):
        best.setdefault(combo[1], combo)  # one wording reached by two ways through: its best
    return [(text, found) for _, text, found in list(best.values())[:COMBOS]]


def _features(tokens: list[str], s: int, e: int, pool: dict[str, dict], counts: _Counts) -> np.ndarray:
    words = tokens[s:e]
    left, right = tokens[max(0, s - 1) : s], tokens[e : e + 1]
    web = web_bigrams()
    spun_text = " ".join(words)
    spun_key = _key(spun_text)
    rules = counts.rules(spun_key)
    total = sum(rules.values()) or 1
    lm_train_spun, lm_web_spun = counts.lm.score(left, words, right), web.score(left, words, right)
    zipf_spun = zipf(spun_text.lower())
    spun_function = all(is_function_word(w) or not w.isalnum() for w in words)
    rows = []
    for text, entry in pool.items():
        cand = text.split()
        found: Found = entry["found"]
        count = rules.get(_key(text), 0)
        z = zipf(text.lower()) if text else 0.0
        rows.append([
            counts.lm.score(left, cand, right), web.score(left, cand, right), 0.0, 0.0, 0.0, 0.0,
            math.log1p(count), count / total, math.log1p(counts.lemma_count(words[0], text)) if len(words) == 1 and len(cand) == 1 else 0.0,
            found.moby_lists, found.moby_listed, found.moby_overlap, found.wordnet, found.glove,
            z, zipf_spun, z - zipf_spun, len(cand), len(words), entry["combo"], all(is_function_word(w) for w in cand) if cand else True,
            spun_function, len(pool),
        ])
    x = np.zeros((len(rows), len(FEATURES)))
    if not rows:
        return x
    col = _COLUMN
    x[:, : len(rows[0])] = rows
    x[:, col["lm_train_vs_spun"]], x[:, col["lm_web_vs_spun"]] = x[:, col["lm_train"]] - lm_train_spun, x[:, col["lm_web"]] - lm_web_spun
    x[:, col["lm_train_vs_best"]], x[:, col["lm_web_vs_best"]] = x[:, col["lm_train"]] - x[:, col["lm_train"]].max(), x[:, col["lm_web"]] - x[:, col["lm_web"]].max()
    x[:, col["lm_train_rank"]], x[:, col["lm_web_rank"]] = _rank(x[:, col["lm_train"]]), _rank(x[:, col["lm_web"]])
    x[:, col["zipf_vs_best"]] = x[:, col["zipf"]] - x[:, col["zipf"]].max()
    # Meaning from word vectors: the candidate against the spun wording, and against the topic
    # (the content words around the span), beside the spun wording's own fit to that topic.
    spun_vector = _mean_vector(words)
    topic = _mean_vector([w for w in tokens[max(0, s - CONTEXT_WORDS) : s] + tokens[e : e + CONTEXT_WORDS] if is_content_word(w)])
    spun_topic = float(spun_vector @ topic) if spun_vector is not None and topic is not None else 0.0
    spun_lemmas = {" ".join(w.lower() for w in words)} | ({lemma.lower() for _, lemma, _ in analyses(words[0])} if len(words) == 1 else set())
    far_left, far_right = tokens[max(0, s - 2) : s], tokens[e : e + 2]
    for i, (text, entry) in enumerate(pool.items()):
        x[i, col["thesaurus_rank"]] = _thesaurus_rank(text, spun_lemmas)
        x[i, col["number"]] = entry["found"].number
        x[i, col["wordnet_share"]], x[i, col["wordnet_fanout"]] = _wordnet_choice(text, spun_lemmas)
        x[i, col["glove_rank"]] = _glove_rank(text, spun_lemmas)
        x[i, col["moby_fanout"]] = math.log1p(len(load_moby().get(text.lower(), ()))) if text else 0.0
        # Two words of context on a side, where the bigram models see one: train's originals only
        cand = text.split()
        if cand and len(far_left) == 2:
            x[i, col["trigram_left"]] = math.log1p(counts.trigrams.count(*far_left, cand[0]))
        if cand and len(far_right) == 2:
            x[i, col["trigram_right"]] = math.log1p(counts.trigrams.count(cand[-1], *far_right))
        vector = _candidate_vector(text)
        if vector is None:
            continue
        x[i, col["vector_known"]] = 1.0
        x[i, col["vector_spun"]] = float(vector @ spun_vector) if spun_vector is not None else 0.0
        if topic is not None:
            x[i, col["vector_context"]] = float(vector @ topic)
            x[i, col["vector_context_vs_spun"]] = x[i, col["vector_context"]] - spun_topic
    return x


THESAURUS_TOP = 30  # the thesaurus spinner's choice: a word's 30 most related Moby synonyms


def _thesaurus_rank(candidate: str, spun_lemmas: set[str]) -> int:
    """Where the spun wording stands among the candidate's most related Moby synonyms (what a
    thesaurus spinner would offer for it, :func:`harness.core.lexical.related_synonyms`), 0 the
    first; :data:`THESAURUS_TOP` when it is not among them or the candidate is not one word."""
    if " " in candidate or not candidate:
        return THESAURUS_TOP
    best = THESAURUS_TOP
    for upos, lemma, _ in analyses(candidate):
        ranks = _related_ranks(lemma.lower(), upos)
        best = min([best, *(ranks[s] for s in spun_lemmas if s in ranks)])
    return best


CHOICE_DROP, CHOICE_SPREAD = 0.3, 1.0  # a spinner's pick is about 0.3 Zipf rarer than the word it replaces


def _wordnet_choice(candidate: str, spun_lemmas: set[str]) -> tuple[float, float]:
    """How likely a WordNet spinner given ``candidate`` would have put the spun wording: its share
    among the candidate's lower-case WordNet synonyms in any sense, each weighed by how close its
    frequency is to a spinner's usual pick (0 when not among them), and how many synonyms compete (log)."""
    if " " in candidate or not candidate:
        return 0.0, 0.0
    share, fanout = 0.0, 0.0
    for upos, lemma, _ in analyses(candidate):
        weights = _choice_weights(lemma.lower(), upos)
        total = sum(weights.values())
        if total:
            share = max(share, sum(weights.get(s, 0.0) for s in spun_lemmas) / total)
            fanout = max(fanout, math.log1p(len(weights)))
    return share, fanout


@lru_cache(maxsize=200_000)
def _choice_weights(lemma: str, upos: str) -> dict[str, float]:
    pos = UPOS.get(upos)
    if pos is None:
        return {}
    z = zipf(lemma)
    synonyms = [syn.lower() for syn in default_wordnet().synonyms(lemma, pos) if syn.islower()]
    return {syn: math.exp(-(((z - zipf(syn)) - CHOICE_DROP) / CHOICE_SPREAD) ** 2 / 2) for syn in synonyms}


def _glove_rank(candidate: str, spun_lemmas: set[str]) -> int:
    """Where the spun word stands among the candidate's GloVe neighbours: how many words of the
    vocabulary are closer to the candidate, at most :data:`GLOVE_NEIGHBOURS` (also when it is not
    among its nearest): an embedding spinner's pick for the candidate."""
    index, _, _ = glove_table()
    at = index.get(candidate.lower())
    spun = [index[w] for w in spun_lemmas if w in index]
    if at is None or not spun:
        return GLOVE_NEIGHBOURS
    if float(similarities(spun, at).max()) < GLOVE_MIN_SIMILARITY:  # too far to be among its nearest: no need to rank them
        return GLOVE_NEIGHBOURS
    top, sims = glove_nearest(at)
    mine = [sim for j, sim in zip(top, sims) if j in spun]
    if not mine:  # not among the candidate's nearest: every one of them is closer
        return GLOVE_NEIGHBOURS
    closest = max(mine)
    return min(GLOVE_NEIGHBOURS, sum(sim > closest for sim in sims) - 1)  # less the candidate itself


@lru_cache(maxsize=100_000)
def _related_ranks(lemma: str, upos: str) -> dict[str, int]:
    return {syn: rank for rank, syn in enumerate(related_synonyms(lemma, upos, THESAURUS_TOP))}


def _rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the pool's, 0 for the highest (ties share the lower rank)."""
    return (values[None, :] > values[:, None]).sum(axis=1).astype(float)


@lru_cache(maxsize=200_000)
def _candidate_vector(text: str) -> np.ndarray | None:
    """:func:`_mean_vector` of a candidate's words, kept: candidates recur from span to span."""
    return _mean_vector(text.split())


def _mean_vector(words: list[str]) -> np.ndarray | None:
    """The unit mean of the words' GloVe vectors (case-folded; unknown words left out), or None:
    in float64, so that its products (the meaning features) are the same on any CPU to about
    1e-16 (float32's last digits differ between CPUs' numeric kernels)."""
    index, _, unit = glove_table()
    rows = [index[w.lower()] for w in words if w.lower() in index]
    if not rows:
        return None
    v = unit[rows].astype(np.float64).mean(axis=0)
    norm = math.sqrt(math.fsum(v * v))  # summed exactly: no numeric library's order
    return v / norm if norm else None
