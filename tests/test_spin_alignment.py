"""The aligner must reproduce the spinners' own records of what they changed.

Thousands of seeded documents are spun with every recipe (held-out engine included) at rates
from light to heavy; the aligner's token labels must agree with the labels the spinner's edit
records imply on more than 99.5% of tokens.
"""

import random

import pytest
from hypothesis import given, settings, strategies as st

from harness.corpus.align import align_texts
from harness.corpus.spin import make_engine
from harness.core.configs import HELD_OUT_RECIPES, RATE_RANGE, SEEN_RECIPES
from harness.corpus.spin.spinner import Spinner, recorded_labels
from harness.core.tokens import tokenize

RECIPES = {**SEEN_RECIPES, **HELD_OUT_RECIPES}
N_DOCS = 2000


@pytest.fixture(scope="module")
def spinners():
    engines = {name: make_engine(name) for r in RECIPES.values() for name in r.engines}
    return {k: Spinner([engines[e] for e in r.engines], prioritized=r.prioritized) for k, r in RECIPES.items()}


def test_aligner_agrees_with_spinner_records_on_thousands_of_documents(paragraphs, spinners):
    agree = total = exact_docs = 0
    recipes = sorted(spinners)
    for seed in range(N_DOCS):
        rng = random.Random(seed)
        text = "\n\n".join(rng.sample(paragraphs, rng.randint(1, 4)))
        result = spinners[recipes[seed % len(recipes)]].spin(text, rng.uniform(*RATE_RANGE), rng)
        alignment = align_texts(result.original, result.spun)
        truth = recorded_labels(alignment.tokens, result.edits)
        assert len(truth) == len(alignment.labels)
        agree += sum(a == b for a, b in zip(alignment.labels, truth))
        total += len(truth)
        exact_docs += alignment.labels == truth
    assert agree / total > 0.995, f"token agreement {agree / total:.4%}"
    assert exact_docs / N_DOCS > 0.9


def test_spinning_is_seeded(paragraphs, spinners):
    spinner = spinners["mixed"]
    a = spinner.spin(paragraphs[0], 0.3, random.Random(7))
    b = spinner.spin(paragraphs[0], 0.3, random.Random(7))
    c = spinner.spin(paragraphs[0], 0.3, random.Random(8))
    assert a == b and a.spun != c.spun


def test_spinner_reaches_light_and_heavy_rates(paragraphs, spinners):
    text = "\n\n".join(paragraphs)
    for recipe in ("thesaurus", "mixed", "phrase-first"):
        for rate in (0.10, 0.35):
            result = spinners[recipe].spin(text, rate, random.Random(0))
            changed = sum(len(tokenize(e.original_text)) for e in result.edits)
            n = len(tokenize(text))
            assert changed / n == pytest.approx(rate, abs=0.03), (recipe, rate)


WORDS = st.sampled_from("the a river bank rain fell on town and people said it was late again".split())


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40), st.data())
def test_fresh_replacements_are_recovered_exactly(words, data):
    """Law: when no inserted word occurs in the original, the labels are exactly right."""
    spun, truth = [], []
    fresh = iter(f"zz{i}q" for i in range(1000))
    for w in words:
        op = data.draw(st.sampled_from(["keep", "keep", "keep", "sub", "grow", "drop", "insert"]))
        if op == "keep":
            spun.append(w); truth.append(0)
        elif op == "sub":
            spun.append(next(fresh)); truth.append(1)
        elif op == "grow":
            spun += [next(fresh), next(fresh)]; truth += [1, 1]
        elif op == "insert":
            spun += [next(fresh), w]; truth += [1, 0]
    alignment = align_texts(" ".join(words), " ".join(spun))
    assert alignment.labels == truth
