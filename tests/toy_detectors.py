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
