"""The phrasebook engine: hand-written rules for multiword units and function words.

Spun news and tortured-phrase papers swap fixed expressions, multiword prepositions and
discourse connectives (``in addition to`` -> ``as well as``), turn a word into a phrase and back
(``because`` -> ``owing to the fact that``), rewrite fixed terms word by word (``artificial
intelligence`` -> ``counterfeit consciousness``), and now and then swap a single preposition,
conjunction or determiner. The rules below were written for spinbench.
"""

from __future__ import annotations

import random

from harness.core.lexical import match_case
from harness.core.tokens import Token, normalize, tokenize
from harness.corpus.spin.base import Proposal

# Groups of interchangeable expressions: any member may become any other member.
EXPRESSIONS = [
    ["in addition", "furthermore", "moreover", "additionally", "what is more"],
    ["however", "nevertheless", "nonetheless", "even so", "all the same"],
    ["because of", "owing to", "due to", "on account of", "as a result of"],
    ["in order to", "so as to", "with the aim of"],
    ["as well as", "in addition to", "along with", "together with"],
    ["according to", "as stated by", "as indicated by", "in line with"],
    ["a lot of", "a great deal of", "plenty of", "lots of", "a large amount of"],
    ["many", "numerous", "a large number of", "lots of"],
    ["about", "around", "approximately", "roughly", "some"],
    ["before", "prior to", "ahead of"],
    ["after", "following", "subsequent to"],
    ["because", "since", "as", "owing to the fact that"],
    ["although", "though", "even though", "despite the fact that"],
    ["if", "in the event that", "provided that"],
    ["therefore", "thus", "consequently", "as a result", "hence"],
    ["despite", "in spite of", "regardless of", "notwithstanding"],
    ["for example", "for instance", "such as"],
    ["at the moment", "currently", "at present", "right now", "presently"],
    ["finally", "in the end", "eventually", "ultimately", "at last"],
    ["on the other hand", "conversely", "by contrast", "then again"],
    ["at least", "no less than", "at a minimum"],
    ["more than", "over", "in excess of", "upwards of"],
    ["less than", "under", "below", "fewer than"],
    ["instead of", "rather than", "in place of"],
    ["as soon as", "once", "the moment that"],
    ["so that", "in order that", "such that"],
    ["in fact", "actually", "as a matter of fact", "indeed"],
    ["at the same time", "simultaneously", "meanwhile"],
    ["in particular", "particularly", "especially", "specifically"],
    ["as long as", "provided that", "on condition that"],
    ["in the future", "down the road", "going forward"],
    ["take part in", "participate in", "be involved in"],
    ["set up", "establish", "create", "found"],
    ["carry out", "conduct", "perform", "undertake"],
    ["find out", "discover", "learn", "determine"],
    ["look into", "investigate", "examine", "probe"],
    ["last year", "the previous year", "the past year"],
    ["next year", "the coming year", "the following year"],
    ["on average", "typically", "normally"],
    ["first time", "initial occasion", "first occasion"],
    ["per cent", "percent", "percentage points"],
]

# One-way rewrites of fixed terms, in the manner of paper-mill "tortured phrases".
FIXED_TERMS = {
    "artificial intelligence": "counterfeit consciousness",
    "big data": "huge information",
    "deep learning": "profound learning",
    "machine learning": "machine getting to know",
    "heavy rain": "weighty rain",
    "prime minister": "head minister",
    "interest rates": "premium rates",
    "stock market": "securities exchange",
    "chief executive": "boss official",
    "mobile phone": "portable telephone",
    "mobile phones": "portable telephones",
    "human rights": "human privileges",
    "global warming": "worldwide warming",
    "climate change": "atmosphere change",
    "general election": "broad political decision",
    "world cup": "globe cup",
    "white house": "white home",
    "trade deficit": "commerce deficit",
    "central bank": "focal bank",
    "high street": "high road",
    "record label": "record mark",
    "box office": "box workplace",
    "video games": "video recreations",
    "search engine": "hunt motor",
    "software": "programming",
    "broadband": "wideband",
    "economy": "financial system",
    "government": "administration",
    "minister": "clergyman",
    "police": "cops",
    "film": "motion picture",
    "profits": "benefits",
    "shares": "offers",
    "players": "gamers",
    "match": "coordinate",
    "election": "political race",
    "data": "information",
    "network": "organization",
    "computer": "pc",
}

# Single function words, swapped only now and then (see ``function_word_rate``).
FUNCTION_SWAPS = [
    ["the", "a"],
    ["in", "within", "inside"],
    ["on", "upon"],
    ["with", "alongside"],
    ["to", "towards"],
    ["from", "out of"],
    ["and", "as well as", "plus"],
    ["but", "yet", "however"],
    ["or", "or else"],
    ["this", "that"],
    ["these", "those"],
    ["some", "several", "certain"],
    ["by", "through", "via"],
    ["also", "too", "likewise"],
    ["while", "whilst", "whereas"],
]


def _rules(groups: list[list[str]]) -> dict[tuple[str, ...], list[str]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for group in groups:
        for member in group:
            key = tuple(normalize(t.text) for t in tokenize(member))
            table.setdefault(key, []).extend(m for m in group if m != member)
    return table


class PhrasebookEngine:
    """Propose phrase rewrites from the rule tables above.

    Parameters
    ----------
    function_word_rate : probability that a single function word is offered for swapping.
    fixed_term_rate : probability that a fixed term is offered for its tortured rewrite.
    """

    name = "phrasebook"
    summary = "hand-written multiword expressions, connectives, tortured fixed terms and occasional function words"

    def __init__(self, function_word_rate: float = 0.08, fixed_term_rate: float = 0.8):
        self.function_word_rate = function_word_rate
        self.fixed_term_rate = fixed_term_rate
        self._expressions = _rules(EXPRESSIONS)
        self._functions = _rules(FUNCTION_SWAPS)
        self._fixed = {tuple(normalize(t.text) for t in tokenize(k)): [v] for k, v in FIXED_TERMS.items()}
        self._longest = max(len(k) for table in (self._expressions, self._fixed) for k in table)

    def warm(self) -> None:
        pass  # the rule tables are built in __init__

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
                elif key in self._expressions:
                    found = (n, self._expressions[key])
                elif n == 1 and key in self._functions and rng.random() < self.function_word_rate:
                    found = (n, self._functions[key])
                if found:
                    break
            if found:
                n, choices = found
                replacement = match_case(tokens[i].text, rng.choice(choices))
                proposals.append(Proposal(i, i + n, replacement, self.name))
                i += n
            else:
                i += 1
        return proposals
