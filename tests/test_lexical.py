"""The lexical helpers that read lemminflect's and Moby's tables directly, against the libraries'
own answers (the build's data depend on them being equal)."""

import random

import pytest
from lemminflect import getAllInflections, getAllLemmas, getInflection

from harness.core import lexical

WORDS = ["state", "rain", "heavy", "bank", "give", "quickly", "Bank", "NASA", "be", "good", "child",
         "mouse", "run", "analysis", "well", "zzxqj", "", "criterion", "bigger", "Apple"]


@pytest.mark.parametrize("upos", [None, "NOUN", "VERB", "ADJ", "ADV", "PROPN", "AUX"])
def test_all_inflections_equal_lemminflects(upos):
    for word in WORDS:
        assert lexical.all_inflections(word, upos) == getAllInflections(word, upos), word


def test_lemma_readings_equal_lemminflects():
    for word in [*WORDS, "stated", "saw", "leaves", "Went", "BETTER", "data"]:
        assert lexical.all_lemma_readings(word) == getAllLemmas(word), word


def test_inflections_equal_lemminflects_and_tables_are_not_changed():
    for word in WORDS:
        for tags in lexical.TAGS.values():
            for tag in (*tags, "NNP"):
                assert lexical._inflections.__wrapped__(word, tag) == tuple(getInflection(word, tag, inflect_oov=False)), (word, tag)
    lexical.all_inflections("Bank")  # capitals applied to a copy, never to lemminflect's table
    assert getAllInflections("bank")["NN"] == ("bank",)


def _related_by_sets(lemma, upos, top_k=12, min_zipf=2.5, max_words=3):
    """The ranking of :func:`lexical.related_synonyms` written with Python sets (the oracle)."""
    moby = lexical.load_moby()
    own = set(moby.get(lemma, ()))
    scored = []
    for syn in own:
        words = syn.split(" ")
        theirs = moby.get(syn, ())
        if len(words) > max_words or not all(w.isalpha() and w.islower() for w in words) or lemma in words or lemma not in theirs:
            continue
        if not lexical.known_as(words[0] if upos == "VERB" else words[-1], upos) or min(lexical.zipf(w) for w in words) < min_zipf:
            continue
        scored.append((-len(own.intersection(theirs)) / (len(own) * len(theirs)) ** 0.5, syn))
    return tuple(syn for _, syn in sorted(scored)[:top_k])


def test_related_synonyms_equal_the_set_by_set_ranking():
    heads = sorted(lexical.load_moby())
    lemmas = ["rain", "heavy", "state", "bank", "give", "quickly", "not-a-word", *random.Random(7).sample(heads, 40)]
    for lemma in lemmas:
        for upos in ("NOUN", "VERB", "ADJ"):
            assert lexical.related_synonyms(lemma, upos, 30) == _related_by_sets(lemma, upos, 30), (lemma, upos)
    assert lexical.related_synonyms("rain", "NOUN")  # not vacuous


@pytest.mark.parametrize("word, article", [
    ("honey", "a"), ("honest", "an"), ("hour", "an"), ("uranium", "a"), ("once", "a"), ("one", "a"),
    ("unusual", "an"), ("umbrella", "an"), ("university", "a"), ("european", "a"), ("apple", "an"),
    ("big", "a"), ("8", "an"), ("11", "an"), ("12", "a"), ("UN", None), ("", None), ("-", None),
])
def test_one_article_rule(word, article):
    assert lexical.indefinite_article(word) == article



def test_zipf_read_off_the_table_equals_wordfreqs_own_figure():
    from wordfreq import get_frequency_dict, zipf_frequency

    freqs = get_frequency_dict("en", "best")
    plain = [w for w in freqs if w.isascii() and w.isalpha() and w.islower()]
    one_per_bucket = list({freqs[w]: w for w in plain}.values())  # every rounding wordfreq does
    rng = random.Random(0)
    unknown = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(1, 12))) for _ in range(300)]
    others = ["Bank", "NASA", "don't", "naïve", "covid-19", "2024", "rock'n'roll", "", "e-mail"]
    for word in one_per_bucket + rng.sample(plain, 5_000) + unknown + others:
        assert repr(lexical.zipf.__wrapped__(word)) == repr(zipf_frequency(word, "en")), word
    assert len(one_per_bucket) > 500
