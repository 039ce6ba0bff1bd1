"""``spinbench detect``: run a detector on raw text and show what it suspects.

The text is tokenized with :func:`harness.tokenize`; scores map back to character offsets in
the input. The threshold is the one chosen on ``news``/validation unless ``--threshold`` is given.
"""

from __future__ import annotations

from harness.core.errors import SpinbenchError
from harness.core.tokens import tokenize
from harness.evaluation.contract import predict_doc_proba
from harness.evaluation.metrics import spans

_ON, _OFF = "\033[1;31m", "\033[0m"


def detect(detector, text: str, threshold: float, model: str, suggest: bool = False) -> dict:
    """Token scores of ``text`` with character offsets; with ``suggest``, the detector's guess at
    the original wording of each token it flags (detectors with a ``suggest`` method only)."""
    tokens = tokenize(text)
    docs = [[t.text for t in tokens]]
    scores = [float(v) for v in detector.predict_token_proba(docs)[0]]
    doc_score = predict_doc_proba(detector, docs, [scores])[0]
    # a token is flagged on the score as shown (and as evaluate stores it), rounded to 4 decimals
    rows = [{"text": t.text, "start": t.start, "end": t.end, "score": round(s, 4), "spun": round(s, 4) >= threshold} for t, s in zip(tokens, scores)]
    if suggest:
        if not callable(getattr(detector, "suggest", None)):
            raise SpinbenchError(f"model {model!r} cannot suggest originals: it has no suggest(doc) method")
        for row, guess in zip(rows, detector.suggest(docs[0])):
            row["suggestion"] = guess if row["spun"] else None
    return {"model": model, "threshold": threshold, "doc_score": round(doc_score, 4), "tokens": rows}


def highlight(text: str, result: dict, color: bool) -> str:
    """The input with suspected spun spans marked: red in a terminal, ``[[...]]`` otherwise."""
    tokens = result["tokens"]
    on, off = (_ON, _OFF) if color else ("[[", "]]")
    out, cursor = [], 0
    for s, e in spans([int(t["spun"]) for t in tokens]):
        start, end = tokens[s]["start"], tokens[e - 1]["end"]
        out += [text[cursor:start], on, text[start:end], off]
        cursor = end
    out.append(text[cursor:])
    n_spun = sum(t["spun"] for t in tokens)
    summary = f"\n-- {result['model']}: {n_spun} of {len(tokens)} tokens look spun (threshold {result['threshold']:.3f}); document score {result['doc_score']:.3f}"
    guesses = [f"   {t['text']!r} was probably {t['suggestion']!r}" for t in tokens if t.get("suggestion")]
    if guesses:
        summary += "\n-- likely originals:\n" + "\n".join(guesses)
    return "".join(out) + summary
