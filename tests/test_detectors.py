"""Every registered detector passes the conformance check; the registry stays lazy."""

import subprocess
import sys

import numpy as np
import pytest

from harness.evaluation.conformance import ConformanceError, check_detector
from harness.evaluation.registry import REGISTRY, make_detector, parse_model_args


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registered_detector_conforms(name, monkeypatch, request):
    params = {}
    if name == "embedding":
        pytest.importorskip("sentence_transformers")
        from embedding_support import restrict_to

        from harness.evaluation import conformance

        restrict_to(monkeypatch, conformance._docs([s for s, _ in conformance._TRAIN] + conformance._TEST))
    if name == "transformer":  # the contract on a tiny base model; the packaged MiniLM in the slow tests
        params = {"model_name": str(request.getfixturevalue("tiny_hf_model")), "max_length": 16, "stride": 8}
    check_detector(lambda: make_detector(name, params))


def test_conformance_catches_a_broken_detector():
    class Bad:
        def __init__(self):
            self.vocab_ = {}

        def fit(self, docs, labels):
            return self

        def predict_token_proba(self, docs):
            return [[0.5] * len(d) for d in docs]

    with pytest.raises(ConformanceError, match="learned attributes"):
        check_detector(Bad)

    class WrongLength:
        requires_fit = False

        def fit(self, docs, labels):
            return self

        def predict_token_proba(self, docs):
            return [[0.5] for _ in docs]

    with pytest.raises(ConformanceError, match="returned 1 scores for document .test-0. of 8 tokens"):
        check_detector(WrongLength)

    class OutOfRange(WrongLength):
        def predict_token_proba(self, docs):
            return [[2.0] * len(d) for d in docs]

    with pytest.raises(ConformanceError, match=r"returned 2.0 for token 0 .* must be finite numbers in \[0, 1\]"):
        check_detector(OutOfRange)


def test_choosing_lexicon_never_imports_torch():
    code = "import sys; from harness.evaluation.registry import make_detector; make_detector('lexicon'); make_detector('classifier'); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_model_args_parse_literals():
    assert parse_model_args("alpha=0.5,max_n=3,lexicon=my file.txt,flag=True") == {"alpha": 0.5, "max_n": 3, "lexicon": "my file.txt", "flag": True}
    with pytest.raises(ValueError, match="key=value"):
        parse_model_args("oops")


def test_lexicon_scores_come_from_phrase_statistics(tmp_path):
    from baselines.lexicon import LexiconDetector

    docs = [["weighty", "rain", "fell"], ["weighty", "rain", "fell"], ["the", "rain", "fell"], ["counterfeit", "consciousness", "works"]]
    labels = [[1, 0, 0], [1, 0, 0], [0, 0, 0], [1, 1, 0]]
    ext = tmp_path / "tortured.tsv"
    ext.write_text("# phrase<TAB>original\nprofound learning\tdeep learning\n")
    det = LexiconDetector(min_spun=1, lexicon=str(ext)).fit(docs, labels)
    [scores] = det.predict_token_proba([["weighty", "rain", "and", "profound", "learning", "the", "counterfeit", "consciousness"]])
    assert scores[0] > scores[1]  # "weighty" always spun, "rain" never
    assert scores[3] == scores[4] == 0.9  # from the external list
    assert scores[6] == scores[7] > scores[5]  # the bigram was spun every time
    assert len(set(scores)) > 2


def test_conformance_accepts_a_detector_without_fit_that_requires_none():
    class NoFit:  # evaluate runs it as made: requires_fit = False, and no fit at all
        requires_fit = False

        def predict_token_proba(self, docs):
            return [[0.5] * len(d) for d in docs]

    check_detector(NoFit)

    class FitNeverCalled(NoFit):
        def fit(self, docs, labels):
            raise AssertionError("a detector that requires no fit is not fitted")

    check_detector(FitNeverCalled)

    class NeedsFitButHasNone:
        def predict_token_proba(self, docs):
            return [[0.5] * len(d) for d in docs]

    with pytest.raises(ConformanceError, match="lacks the Detector methods"):
        check_detector(NeedsFitButHasNone)


def test_model_args_values_in_quotes_may_hold_commas():
    assert parse_model_args('lexicon="/tmp/a,b.txt",max_n=3') == {"lexicon": "/tmp/a,b.txt", "max_n": 3}
    assert parse_model_args("lexicon='/tmp/a,b.txt', alpha=0.5") == {"lexicon": "/tmp/a,b.txt", "alpha": 0.5}
    assert parse_model_args(r"lexicon='C:\new\a,b.txt'") == {"lexicon": r"C:\new\a,b.txt"}  # as written: nothing unescaped
    assert parse_model_args("name=O'Brien,max_n=2") == {"name": "O'Brien", "max_n": 2}  # an apostrophe inside a value is text
    with pytest.raises(ValueError, match="quote \" is not closed"):
        parse_model_args('lexicon="/tmp/a,b.txt')


@pytest.mark.parametrize("name", ["lexicon", "classifier", "transformer"])
def test_baselines_take_tokenize_output_and_refuse_untokenized_text(name, request):
    """harness.tokenize's Token objects score as their text; a document given as one string,
    labels that do not match the tokens, or a call to predict before fit, are refused with a
    message that says what to do."""
    from harness.core.tokens import tokenize
    from harness.evaluation import conformance
    from harness.evaluation.contract import BadDocuments, NotFitted

    params = {}
    if name == "transformer":
        params = {"model_name": str(request.getfixturevalue("tiny_hf_model")), "max_length": 16, "stride": 8}
    texts = [s for s, _ in conformance._TRAIN]
    labels = [list(y) for _, y in conformance._TRAIN]
    as_text = make_detector(name, params).fit(conformance._docs(texts), labels)
    as_tokens = make_detector(name, params).fit([tokenize(s) for s in texts], labels)
    test = [tokenize(s) for s in conformance._TEST]
    expected = as_text.predict_token_proba([[t.text for t in doc] for doc in test])
    assert as_tokens.predict_token_proba(test) == expected
    assert as_text.predict_token_proba(test) == expected

    with pytest.raises(BadDocuments, match=r"docs\[0\] is a str, not a list of tokens: .*harness.tokenize"):
        make_detector(name, params).fit(texts, labels)
    with pytest.raises(BadDocuments, match=r"docs\[1\] is a str"):
        as_text.predict_token_proba([["Rain"], "Heavy rain"])
    with pytest.raises(BadDocuments, match=r"labels\[2\] has 9 labels for 10 tokens"):
        make_detector(name, params).fit(conformance._docs(texts), labels[:2] + [labels[2][:9]] + labels[3:])
    with pytest.raises(BadDocuments, match=r"labels\[1\]\[0\] is 0.5: each label is 0 \(clean\) or 1 \(spun\)"):
        make_detector(name, params).fit(conformance._docs(texts), [labels[0], [0.5] * len(labels[1]), *labels[2:]])
    with pytest.raises(BadDocuments, match=r"labels\[0\]\[0\] is '0'"):
        make_detector(name, params).fit(conformance._docs(texts), [[str(v) for v in labels[0]], *labels[1:]])
    with pytest.raises(BadDocuments, match=r"docs\[0\]\[1\] is an int, not a token string"):
        as_text.predict_token_proba([["Rain", 3]])
    with pytest.raises(BadDocuments, match=r"labels is None: fit needs one list of 0/1 labels per document"):
        make_detector(name, params).fit(conformance._docs(texts), None)
    with pytest.raises(BadDocuments, match=r"nothing to fit on: 0 documents, none with a token"):
        make_detector(name, params).fit([], [])
    with pytest.raises(BadDocuments, match=r"labels\[0\] is a str, not a list of 0/1 labels"):
        make_detector(name, params).fit(conformance._docs(texts), ["0" * len(labels[0]), *labels[1:]])
    assert as_text.predict_token_proba([np.array(doc) for doc in conformance._docs(conformance._TEST)]) == expected  # arrays of strings
    with pytest.raises(NotFitted, match=rf"this {type(as_text).__name__} is not fitted yet: call fit\(docs, labels\) before predict_token_proba"):
        make_detector(name, params).predict_token_proba(test)
    assert isinstance(NotFitted("x"), AttributeError | ValueError)  # caught where scikit-learn's NotFittedError is
