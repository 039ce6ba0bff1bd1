"""Small detectors written for the tests, importable as ``toy_detectors:Name`` (the tests folder
is on ``sys.path`` while pytest runs)."""


class Suggesting:
    """Flags words longer than six letters and guesses their original as the word cut short."""

    requires_fit = False

    def __init__(self):
        pass

    def fit(self, docs, labels):
        return self

    def predict_token_proba(self, docs):
        return [[1.0 if len(t) > 6 else 0.0 for t in doc] for doc in docs]

    def suggest(self, doc):
        return [t[:4] if len(t) > 6 else None for t in doc]


class SuggestingSome(Suggesting):
    """As :class:`Suggesting`, with no guess for a capitalised word."""

    def suggest(self, doc):
        return [None if t[:1].isupper() else guess for t, guess in zip(doc, super().suggest(doc))]


class _Base:
    requires_fit = False

    def __init__(self):
        pass

    def fit(self, docs, labels):
        return self


class NaNScores(_Base):
    """A NaN for the first token of every document."""

    def predict_token_proba(self, docs):
        return [[float("nan")] + [0.5] * (len(doc) - 1) if doc else [] for doc in docs]


class OutOfRange(_Base):
    def predict_token_proba(self, docs):
        return [[1.5] * len(doc) for doc in docs]


class TooFew(_Base):
    def predict_token_proba(self, docs):
        return [[0.5] * max(0, len(doc) - 1) for doc in docs]


class TooMany(_Base):
    def predict_token_proba(self, docs):
        return [[0.5] * (len(doc) + 1) for doc in docs]


class RaisesInFit(_Base):
    requires_fit = True

    def fit(self, docs, labels):
        raise RuntimeError("boom in fit")

    def predict_token_proba(self, docs):
        return [[0.5] * len(doc) for doc in docs]


class NeedsAnExtra(RaisesInFit):
    """Fits with a package that comes with spinbench's embedding extra, which is missing (as
    after the README's main set-up alone)."""

    def fit(self, docs, labels):
        raise ModuleNotFoundError("No module named 'sentence_transformers'", name="sentence_transformers")


class NeedsAnUnknownPackage(RaisesInFit):
    def fit(self, docs, labels):
        raise ModuleNotFoundError("No module named 'qqqzzx'", name="qqqzzx")


class RaisesInPredict(_Base):
    def predict_token_proba(self, docs):
        raise KeyError("no such word")


class FitReturnsNone(_Base):
    requires_fit = True

    def fit(self, docs, labels):
        self.fitted_ = True

    def predict_token_proba(self, docs):
        return [[0.5] * len(doc) for doc in docs]


def not_a_class():
    return 3


class StringScores(_Base):
    """Scores as strings, which numpy would quietly convert to numbers."""

    def predict_token_proba(self, docs):
        return [["0.5"] * len(doc) for doc in docs]


class BoolScores(_Base):
    """Scores as bools, which numpy would quietly convert to 0.0 and 1.0."""

    def predict_token_proba(self, docs):
        return [[0.5] + [True] * (len(doc) - 1) if doc else [] for doc in docs]


class StringDocScores(_Base):
    def predict_token_proba(self, docs):
        return [[0.5] * len(doc) for doc in docs]

    def predict_doc_proba(self, docs):
        return ["0.5" for _ in docs]


class CodedScores(_Base):
    """Scores written into the text: a token such as ``s0712`` scores 0.0712 (a letter, then the
    score in ten-thousandths); any other token 0. Lets a test choose every score of a text."""

    def predict_token_proba(self, docs):
        return [[int(t[1:]) / 10_000 if len(t) == 5 and t[0].isalpha() and t[1:].isdigit() else 0.0 for t in doc] for doc in docs]


class NoPredict:
    """Needs no fit, and has nothing to predict with."""

    requires_fit = False


class NoFit:
    """Needs a fit (as a detector does unless it says otherwise), and has none."""

    def predict_token_proba(self, docs):
        return [[0.5] * len(d) for d in docs]


class ExitsInFit:
    def fit(self, docs, labels):
        import sys

        sys.exit(0)

    def predict_token_proba(self, docs):
        return [[0.5] * len(d) for d in docs]


class Prints(_Base):
    def predict_token_proba(self, docs):
        print("a detector's own chatter")
        return [[0.5] * len(d) for d in docs]


class NoRestore:
    """A restorer in name only: nothing to restore with."""

    requires_fit = False


class _Restorer:
    requires_fit = False

    def __init__(self):
        pass


class LongCandidates(_Restorer):
    def restore(self, tokens, spans):
        return [[" ".join(["word"] * 5000)] for _ in spans]


class ExitsInRestore(_Restorer):
    def restore(self, tokens, spans):
        import sys

        sys.exit(0)


class InterruptedRestorer(_Restorer):
    """As if the user pressed Ctrl-C while it restored."""

    def restore(self, tokens, spans):
        raise KeyboardInterrupt


class Exporting(_Base):
    def predict_token_proba(self, docs):
        return [[0.5] * len(d) for d in docs]

    def export(self, path):
        pass


class HungryFit:
    """Holds 400 MB while it fits (freed before fit returns); scores every token 0.5."""

    def __init__(self):
        pass

    def fit(self, docs, labels):
        import numpy as np

        held = np.ones(50_000_000)  # 400 MB, every page touched
        self.total_ = float(held[::4096].sum())
        del held
        return self

    def predict_token_proba(self, docs):
        return [[0.5] * len(doc) for doc in docs]
