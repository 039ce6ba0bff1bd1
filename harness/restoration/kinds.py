"""The kinds of edit restoration results are broken down by, from an edit's two wordings alone
(so they apply to any data, imported pairs included, and need nothing of the spinner).

Checked in this order; the first that holds is the edit's kind:

1. ``function_words``: the original wording has no content word: each of its tokens is a
   function word (:data:`harness.core.lexical.FUNCTION_WORDS`) or punctuation (no letter
   or digit), or it is empty (the spinner inserted the span). ``then`` <- ``at that point``,
   ``via`` <- ``through``, ``""`` <- ``that``.
2. ``fixed_term``: the original wording is two or more words, every one a content word
   (:func:`harness.core.lexical.is_content_word`), that together are an entry of WordNet
   (a noun, verb, adjective or adverb collocation, in any inflection WordNet's morphology
   knows): ``artificial intelligence``, ``interest rates``, ``stock market``, ``global warming``.
   These are the tortured-phrase cases (the Problematic Paper Screener's fingerprints).
3. ``one_word``: one token on each side: ``role`` <- ``office``.
4. ``phrase``: the rest: two or more tokens on either side, e.g. a word made a phrase, or two
   neighbouring words changed together (``certain try`` <- ``several attempt``).

The aligner records minimal edits, so a term the spinner rewrote word by word may leave a
one-word edit (``heavy rain`` -> ``weighty rain`` is the edit ``heavy`` -> ``weighty``).

>>> edit_kind("at that point", "then"), edit_kind("office", "role"), edit_kind("several attempt", "certain try")
('function_words', 'one_word', 'phrase')
>>> edit_kind("counterfeit consciousness", "artificial intelligence")  # doctest: +SKIP
'fixed_term'
"""

from __future__ import annotations

from functools import lru_cache

from harness.core.lexical import is_content_word, is_function_word
from harness.core.tokens import tokenize

KINDS = ("one_word", "phrase", "function_words", "fixed_term")


def _words(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


@lru_cache(maxsize=100_000)
def is_wordnet_term(words: tuple[str, ...]) -> bool:
    """Whether ``words`` (two or more) together are a WordNet entry in some part of speech."""
    from harness.core.wordnet_db import POS, default_wordnet

    wn = default_wordnet()
    phrase = " ".join(w.lower() for w in words)
    return any(wn.base_forms(phrase, pos) for pos in POS)


def edit_kind(spun_text: str, original_text: str) -> str:
    """The kind of the edit ``original_text`` -> ``spun_text`` (see the module docstring)."""
    original, spun = _words(original_text), _words(spun_text)
    if all(is_function_word(w) or not any(ch.isalnum() for ch in w) for w in original):
        return "function_words"
    if len(original) >= 2 and all(is_content_word(w) for w in original) and is_wordnet_term(tuple(original)):
        return "fixed_term"
    if len(original) == 1 and len(spun) == 1:
        return "one_word"
    return "phrase"
