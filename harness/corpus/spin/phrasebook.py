"""The phrasebook engine: rules for function words and multiword units.

Two kinds of rules. The hand-written ones (:mod:`harness.corpus.spin.phrasebook_rules`) swap
fixed expressions, multiword prepositions and connectives, turn a word into a phrase and back,
rewrite fixed terms word by word, trade single function words, and add or drop small words, as
real spinners do. The derived ones (:mod:`harness.corpus.spin.phrase_sources`), ten times as
many and more, come from the lexical resources: WordNet's and Moby's multiword entries and
phrasal verbs, function words traded by their entries, and derivational rewrites (``quickly`` ->
``in a quick manner``, ``weekly`` -> ``every week``). Each kind of rule is offered at its own
rate, so a recipe (and a personality) controls how much of its spinning falls on function words
and phrases.
"""

from __future__ import annotations

import random
from functools import cache, lru_cache, partial

from harness.core.lexical import FUNCTION_WORDS, analyses, match_case, warm_up
from harness.core.tokens import Token, normalize, tokenize
from harness.corpus.spin.base import Pending, Proposal
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


Key = tuple[str, ...]


@cache
def _tables() -> tuple[dict[Key, list[str]], dict[Key, list[str]], dict[Key, list[str]], dict[Key, list[str]], dict[Key, list[str]], frozenset[Key]]:
    """The rule tables, made once per process (every personality's engine shares them): the
    hand-written expressions, function-word swaps and fixed terms, then the derived rules with
    phrase keys and those with a single function word as key; and every beginning of a multiword
    key of two words or more (a longer key is looked up only where its beginning is there)."""
    from harness.corpus.spin.phrase_sources import SOURCES, rule_sources

    expressions, functions = _rules(EXPRESSIONS), _rules(FUNCTION_SWAPS)
    fixed = {tuple(normalize(t.text) for t in tokenize(k)): [v] for k, v in FIXED_TERMS.items()}
    derived: dict[Key, list[str]] = {}
    derived_functions: dict[Key, list[str]] = {}
    tables = rule_sources()
    for source in SOURCES:
        if source == "handwritten":  # read above, as the rules they are
            continue
        for key, rewrites in tables[source].items():
            table = derived_functions if len(key) == 1 and key[0] in FUNCTION_WORDS else derived
            known = table.setdefault(key, [])
            known += [r for r in rewrites if r not in known]
    beginnings = frozenset(k[:n] for table in (expressions, fixed, derived) for k in table for n in range(2, len(k) + 1))
    return expressions, functions, fixed, derived, derived_functions, beginnings


def _is_infinitive(word: str) -> bool:
    return any(tag == "VB" for _, _, tag in analyses(word))


@lru_cache(maxsize=200_000)
def _derived_allowed(allow, key: Key, choices: tuple[str, ...]) -> tuple[str, ...]:
    """The derived rewrites of ``key`` on ``allow``'s lexical side, judged by the rule each comes
    from (an inflected phrasal verb with its uninflected rule: one bucket for every form)."""
    from harness.corpus.spin.phrase_sources import rule_id

    bases = (rule_id(key, c).split("->", 1) for c in choices)
    return tuple(c for c, (k, r) in zip(choices, bases) if allow.rewrites(k, (r,)))


class PhrasebookEngine:
    """Propose rewrites from the rule tables.

    Parameters
    ----------
    expression_rate : probability that a hand-written multiword expression or connective is offered.
    derived_rate : probability that a multiword phrase of the derived rules is offered.
    derived_word_rate : probability that a single (content) word with a derived phrase rewrite is offered.
    function_word_rate : probability that a single function word is offered for swapping.
    fixed_term_rate : probability that a fixed term is offered for its tortured rewrite.
    insert_rate : probability that a place where a small word can be added is offered.
    delete_rate : probability that a droppable small word is offered for deletion.
    mean_drop, spread, gate, extra_word : the frequency model choosing among a rule's rewrites.
    open_ended : where a hand-written rule and a derived one share a key (``on`` -> ``upon`` by hand,
        ``on`` -> ``about``, ``across``, ... derived), offer the derived rewrites half the time instead of
        always the hand-written ones: the same amount of spinning, drawn from the open-ended sources.
    """

    name = "phrasebook"
    summary = (
        "hand-written rules (connectives and multiword expressions both ways, single function words, small words added or"
        " dropped, tortured fixed terms) and rules derived from WordNet and Moby (multiword entries, phrasal verbs, function"
        " words, derivational rewrites)"
    )

    def __init__(self, expression_rate: float = 1.0, derived_rate: float = 0.5, derived_word_rate: float = 0.04, function_word_rate: float = 0.12,
                 fixed_term_rate: float = 0.8, insert_rate: float = 0.3, delete_rate: float = 0.2, mean_drop: float = -0.2, spread: float = 1.0, gate: bool = False, extra_word: float = 0.6,
                 open_ended: bool = False):
        self.expression_rate = expression_rate
        self.derived_rate = derived_rate
        self.derived_word_rate = derived_word_rate
        self.function_word_rate = function_word_rate
        self.fixed_term_rate = fixed_term_rate
        self.insert_rate = insert_rate
        self.delete_rate = delete_rate
        self.mean_drop = mean_drop
        self.spread = spread
        self.gate = gate
        self.extra_word = extra_word
        self.open_ended = open_ended
        self.choose = FrequencyModel(mean_drop, spread, gate, extra_word)
        self._expressions, self._functions, self._fixed, self._derived, self._derived_functions, self._beginnings = _tables()

    def warm(self) -> None:
        warm_up()  # the rule tables are made in __init__; the frequency model needs wordfreq

    def propose(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        """Every proposal, each rewrite chosen now."""
        made = (p.made(rng) if isinstance(p, Pending) else p for p in self.propose_spans(tokens, rng, allow))
        return [p for p in made if p is not None]

    def propose_spans(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal | Pending]:
        """The rules that match, longest first at each place, each offered at its kind's rate; a
        rule's rewrite is chosen when the spinner tries it (:class:`Pending`)."""
        keys = [normalize(t.text) for t in tokens]
        proposals: list[Proposal | Pending] = []
        i = 0
        while i < len(tokens):
            found = None
            longest = 1  # the longest run from here that begins some multiword key
            while i + longest < len(tokens) and tuple(keys[i : i + longest + 1]) in self._beginnings:
                longest += 1
            for n in range(longest, 0, -1):
                key = tuple(keys[i : i + n])
                if key in self._fixed and rng.random() < self.fixed_term_rate:
                    found = (n, self._fixed[key], False)
                elif key in self._expressions and rng.random() < self.expression_rate:
                    found = self._open_ended(n, key, self._derived, rng) or (n, self._expressions[key], False)
                elif n == 1 and key in self._functions and rng.random() < self.function_word_rate:
                    found = self._open_ended(n, key, self._derived_functions, rng) or (n, self._functions[key], False)
                elif n > 1 and key in self._derived and rng.random() < self.derived_rate:
                    found = (n, self._derived[key], True)
                elif n == 1 and key in self._derived and rng.random() < self.derived_word_rate:
                    found = (n, self._derived[key], True)
                elif n == 1 and key in self._derived_functions and rng.random() < self.function_word_rate:
                    found = (n, self._derived_functions[key], True)
                if found:
                    break
            if found:
                n, choices, derived = found
                proposals.append(Pending(i, i + n, partial(self._rewrite, tokens[i].text, tuple(keys[i : i + n]), tuple(choices), derived, allow, i),
                                         fixed_term=tuple(keys[i : i + n]) in self._fixed))
                i += n
            else:
                i += 1
        return proposals + self._small_words(tokens, keys, rng, allow)

    def _open_ended(self, n: int, key: Key, derived: dict[Key, list[str]], rng: random.Random) -> tuple | None:
        """With ``open_ended``, half the time a hand-written rule's key takes its derived rewrites
        instead (when it has any); otherwise None (and no random draw, so other spinners are unchanged)."""
        if self.open_ended and key in derived and rng.random() < 0.5:
            return (n, derived[key], True)
        return None

    def _rewrite(self, first: str, key: Key, choices: tuple[str, ...], derived: bool, allow, i: int, rng: random.Random) -> Proposal | None:
        """A matched rule's proposal: one of its rewrites on ``allow``'s side, by the frequency model."""
        if allow is not None:
            choices = _derived_allowed(allow, key, choices) if derived else allow.rewrites(" ".join(key), choices)
        choice = self.choose(" ".join(key), choices, rng) if choices else None
        return Proposal(i, i + len(key), match_case(first, choice), self.name, fixed_term=key in self._fixed) if choice else None

    def _small_words(self, tokens: list[Token], keys: list[str], rng: random.Random, allow=None) -> list[Proposal]:
        """Insertions and deletions of small words, mid-sentence only (between two words)."""
        def allowed(key: str, rewrite: str) -> bool:  # the rule "key -> rewrite" is in this lexical split
            return allow is None or bool(allow.rewrites(key, (rewrite,)))

        out = []
        for i in range(1, len(tokens) - 1):
            if not (keys[i - 1][:1].isalpha() and keys[i + 1][:1].isalpha() and tokens[i].text.islower()):
                continue
            word = keys[i]
            if word in INSERT_AFTER and keys[i + 1] != INSERT_AFTER[word] and allowed(word, f"{word} {INSERT_AFTER[word]}") and rng.random() < self.insert_rate:
                out.append(Proposal(i + 1, i + 1, INSERT_AFTER[word], self.name))
            elif word in INSERT_BEFORE and _is_infinitive(keys[i + 1]) and allowed(word, f"{INSERT_BEFORE[word]} {word}") and rng.random() < self.insert_rate:
                out.append(Proposal(i, i, INSERT_BEFORE[word], self.name))
            elif word in DELETABLE and allowed(word, "") and rng.random() < self.delete_rate:
                out.append(Proposal(i, i + 1, "", self.name))
        return out
