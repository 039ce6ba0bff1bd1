"""The phrasebook engine: hand-written rules for function words and multiword units.

The rules (:mod:`harness.corpus.spin.phrasebook_rules`) swap fixed expressions, multiword
prepositions and connectives, turn a word into a phrase and back, rewrite fixed terms word by
word, trade single function words, and add or drop small words, as real spinners do. Each kind
of rule is offered at its own rate, so a recipe controls how much of its spinning falls on
function words.
"""

from __future__ import annotations

import random

from harness.core.lexical import analyses, match_case, warm_up
from harness.core.tokens import Token, normalize, tokenize
from harness.corpus.spin.base import Proposal
from harness.corpus.spin.choice import FrequencyModel
from harness.corpus.spin.phrasebook_rules import DELETABLE, EXPRESSIONS, FIXED_TERMS, FUNCTION_SWAPS, INSERT_AFTER, INSERT_BEFORE


def _rules(groups: list[list[str]]) -> dict[tuple[str, ...], list[str]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for group in groups:
        for member in group:
            key = tuple(normalize(t.text) for t in tokenize(member))
            table.setdefault(key, [])
            table[key] += [m for m in group if m != member and m not in table[key]]
    return table


def _is_infinitive(word: str) -> bool:
    return any(tag == "VB" for _, _, tag in analyses(word))


class PhrasebookEngine:
    """Propose rewrites from the rule tables.

    Parameters
    ----------
    expression_rate : probability that a multiword expression or connective is offered.
    function_word_rate : probability that a single function word is offered for swapping.
    fixed_term_rate : probability that a fixed term is offered for its tortured rewrite.
    insert_rate : probability that a place where a small word can be added is offered.
    delete_rate : probability that a droppable small word is offered for deletion.
    mean_drop, spread, gate, extra_word : the frequency model choosing among a rule's rewrites.
    """

    name = "phrasebook"
    summary = (
        "hand-written rules: connectives and multiword expressions both ways (a word to a phrase and back),"
        " single function words, small words added or dropped, tortured fixed terms"
    )

    def __init__(self, expression_rate: float = 1.0, function_word_rate: float = 0.12, fixed_term_rate: float = 0.8,
                 insert_rate: float = 0.15, delete_rate: float = 0.1, mean_drop: float = -0.2, spread: float = 1.0, gate: bool = False, extra_word: float = 0.6):
        self.expression_rate = expression_rate
        self.function_word_rate = function_word_rate
        self.fixed_term_rate = fixed_term_rate
        self.insert_rate = insert_rate
        self.delete_rate = delete_rate
        self.mean_drop = mean_drop
        self.spread = spread
        self.gate = gate
        self.extra_word = extra_word
        self.choose = FrequencyModel(mean_drop, spread, gate, extra_word)
        self._expressions = _rules(EXPRESSIONS)
        self._functions = _rules(FUNCTION_SWAPS)
        self._fixed = {tuple(normalize(t.text) for t in tokenize(k)): [v] for k, v in FIXED_TERMS.items()}
        self._longest = max(len(k) for table in (self._expressions, self._fixed) for k in table)

    def warm(self) -> None:
        warm_up()  # the rule tables are built in __init__; the frequency model needs wordfreq

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]:
        keys = [normalize(t.text) for t in tokens]
        proposals = []
        i = 0
        while i < len(tokens):
            found = None
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                key = tuple(keys[i : i + n])
                if key in self._fixed and rng.random() < self.fixed_term_rate:
                    found = (n, self._fixed[key])
                elif key in self._expressions and rng.random() < self.expression_rate:
                    found = (n, self._expressions[key])
                elif n == 1 and key in self._functions and rng.random() < self.function_word_rate:
                    found = (n, self._functions[key])
                if found:
                    break
            if found:
                n, choices = found
                choice = self.choose(" ".join(keys[i : i + n]), choices, rng)
                if choice:
                    proposals.append(Proposal(i, i + n, match_case(tokens[i].text, choice), self.name))
                i += n
            else:
                i += 1
        return proposals + self._small_words(tokens, keys, rng)

    def _small_words(self, tokens: list[Token], keys: list[str], rng: random.Random) -> list[Proposal]:
        """Insertions and deletions of small words, mid-sentence only (between two words)."""
        out = []
        for i in range(1, len(tokens) - 1):
            if not (keys[i - 1][:1].isalpha() and keys[i + 1][:1].isalpha() and tokens[i].text.islower()):
                continue
            if keys[i] in INSERT_AFTER and keys[i + 1] != INSERT_AFTER[keys[i]] and rng.random() < self.insert_rate:
                out.append(Proposal(i + 1, i + 1, INSERT_AFTER[keys[i]], self.name))
            elif keys[i] in INSERT_BEFORE and _is_infinitive(keys[i + 1]) and rng.random() < self.insert_rate:
                out.append(Proposal(i, i, INSERT_BEFORE[keys[i]], self.name))
            elif keys[i] in DELETABLE and rng.random() < self.delete_rate:
                out.append(Proposal(i, i + 1, "", self.name))
        return out
