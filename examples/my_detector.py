"""A detector of your own, evaluated from Python and from the shell.

``KeywordDetector`` learns, from the training split, how often each word was spun, and scores a
token by that rate (smoothed towards a prior for words it has rarely seen). Any object with
``fit(docs, labels)`` and ``predict_token_proba(docs)`` is a detector: ``docs`` are lists of token
strings, ``labels`` lists of 0/1 per token, and the scores one probability per token.

From Python (this file)::

    python examples/my_detector.py                 # news/test, written under runs/
    python examples/my_detector.py --config unseen-domain

From the shell, from the repository's folder (no registration needed), the same detector::

    evaluate --model examples.my_detector:KeywordDetector
    evaluate --model examples.my_detector:KeywordDetector --model-args smoothing=2.0   # another setting

The two runs are named differently: an object is named after its class (``runs/KeywordDetector/``),
a name after its import path (``runs/examples.my_detector-KeywordDetector/``); ``--name`` (or
``name=``) chooses another. Only the shell's run keeps its fit in the cache: a class defined in the
script being run (``__main__``) cannot be imported again to check that a cached fit is its own.
"""

from __future__ import annotations

import argparse
from collections import Counter

import harness


class KeywordDetector:
    """Per-word spun rates learned on the training split."""

    def __init__(self, smoothing: float = 1.0):
        self.smoothing = smoothing  # hyperparameters only: nothing is learned here

    def fit(self, docs, labels):
        seen, spun = Counter(), Counter()
        for doc, doc_labels in zip(docs, labels):
            for token, label in zip(doc, doc_labels):
                seen[token.lower()] += 1
                spun[token.lower()] += label
        total_seen = sum(seen.values())
        self.prior_ = sum(spun.values()) / total_seen if total_seen else 0.0  # learned state ends in "_"
        self.rates_ = {w: (spun[w] + self.smoothing * self.prior_) / (n + self.smoothing) for w, n in seen.items()}
        return self

    def predict_token_proba(self, docs):
        return [[self.rates_.get(token.lower(), self.prior_) for token in doc] for doc in docs]


def main(argv: list[str] | None = None) -> harness.Results:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="news")
    parser.add_argument("--dataset", default=None, help="dataset folder (default: data/)")
    parser.add_argument("--out", default=None, help="where results go (default: runs/)")
    args = parser.parse_args(argv)

    harness.check_detector(KeywordDetector)  # the contract, on made-up sentences: raises if broken
    results = harness.evaluate(KeywordDetector(), config=args.config, dataset=args.dataset, output_dir=args.out)
    f1, low, high = results.get_score("token", "f1", ci=True)
    print(f"{results.model.name} on {args.config}/test: token F1 {f1:.3f} [{low:.3f}, {high:.3f}], "
          f"token AUPRC {results.get_score('token', 'auprc'):.3f}; wrote {results.path}")
    return results


if __name__ == "__main__":
    main()
