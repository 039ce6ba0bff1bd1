"""The third-party (nlpaug) spinners: a document's spin depends on its key alone, whatever else in
the process draws random numbers (a Dask worker's threads draw from the global generators)."""

import random

import numpy as np
import pytest

from harness.corpus.spin import engine
from harness.corpus.spin.third_party import seeded


def test_seeded_gives_nlpaug_private_generators_that_draw_what_seeded_globals_would():
    import nlpaug.base_augmenter as base

    random.seed(5)
    np.random.seed(5)
    expected = (random.sample(range(100), 4), np.random.random(), np.random.randint(1, 50))
    state = random.getstate()
    with seeded(5):
        random.random()  # another thread's draws from the global generators...
        np.random.random()
        drawn = (base.random.sample(range(100), 4), base.np.random.random(), base.np.random.randint(1, 50))
    assert drawn == expected  # ...do not move nlpaug's
    assert base.random is random and base.np is np  # put back after the block
    assert random.getstate() != state  # the global generator is not reset either


@pytest.mark.parametrize("name", ["nlpaug-wordnet"])
def test_a_spin_does_not_change_when_the_global_generators_are_drawn_from_meanwhile(name, paragraphs):
    spinner = engine(name)
    text = paragraphs[0]
    alone = spinner.spin_text(text, 0.3, "0:spin:third-party-spinner:doc-1")
    layout = spinner._layout
    tokenize = layout.tokenize

    def tokenize_and_draw(t):  # nlpaug calls this in the middle of augment(), before it samples
        random.random()
        np.random.random()
        return tokenize(t)

    spinner._augmenter(0.3).tokenizer = tokenize_and_draw
    try:
        disturbed = spinner.spin_text(text, 0.3, "0:spin:third-party-spinner:doc-1")
    finally:
        spinner._augmenter(0.3).tokenizer = tokenize
    assert disturbed == alone != text
