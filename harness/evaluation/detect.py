"""``spinbench detect``: run a detector on raw text and show what it suspects.

The text is normalised (:func:`harness.core.unicode_text.clean_text`: no byte-order mark or
zero-width characters, NFC) and tokenized with :func:`harness.tokenize`; scores map back to
character offsets in the input as given, and each row's ``text`` is the input there. The threshold is
the F1-optimal cut on ``news``/validation unless ``--threshold`` is given: one text is too small a
scored set for the threshold rule to estimate from, and the output says so (:func:`threshold_rule`).

Long texts are scored passage by passage (:func:`passages`: whole paragraphs, at most
:data:`PASSAGE_TOKENS` tokens each), so time and memory grow linearly with the text and the
output can be written as it comes (:func:`write_json`, :func:`write_highlighted`). A text of one
passage gets the detector's own document score; a longer one the harness's default over all its
tokens (:func:`harness.evaluation.contract.doc_scores_from_tokens`).
"""

from __future__ import annotations

import itertools
import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from harness.core.errors import SpinbenchError
from harness.core.tokens import Token, tokenize
from harness.core.unicode_text import clean_text
from harness.evaluation import detector_calls
from harness.evaluation.contract import doc_scores_from_tokens, hook
from harness.evaluation.metrics import spans
from harness.evaluation.thresholds import RULE_NAME, THRESHOLDS_CHOSEN_ON

PASSAGE_TOKENS = 2000
WINDOW_CHARS = 1 << 16  # characters tokenized at a time within a paragraph
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")  # the last white space of the searched range
_ON, _OFF = "\033[1;31m", "\033[0m"


def passages(text: str, limit: int | None = None) -> Iterator[list[Token]]:
    """The tokens of ``text`` in passages of whole paragraphs, each at most ``limit`` tokens
    (default :data:`PASSAGE_TOKENS`; a longer paragraph is cut after the last full stop that keeps
    it under the limit, or at it)."""
    limit = PASSAGE_TOKENS if limit is None else limit
    current: list[Token] = []
    start = 0
    for brk in itertools.chain(_PARAGRAPH_BREAK.finditer(text), [None]):
        end = brk.start() if brk else len(text)
        first = True
        for piece in _windows(text, start, end):  # a long paragraph is read a window at a time
            if first and current and len(current) + len(piece) > limit:
                yield current
                current = []
            first = False
            current += piece
            while len(current) > limit:
                stops = [i for i in range(limit - 1, limit // 2, -1) if current[i].text in ".!?"]
                cut = stops[0] + 1 if stops else limit
                yield current[:cut]
                current = current[cut:]
        start = brk.end() if brk else len(text)
    if current:
        yield current


def _windows(text: str, start: int, end: int) -> Iterator[list[Token]]:
    """The tokens of ``text[start:end]`` in pieces of at most about :data:`WINDOW_CHARS`
    characters, each cut at white space (no token spans white space, so the tokens are the
    ones the whole span gives): memory stays flat however long a paragraph or line is."""
    while start < end:
        stop = min(end, start + WINDOW_CHARS)
        if stop < end:  # cut after the window's last white space, or (a very long token) the next one
            last = _LAST_SPACE.search(text, start, stop)
            after = None if last else _SPACE.search(text, stop, end)
            stop = last.end() if last else (after.end() if after else end)
        yield tokenize(text, start, stop)
        start = stop


def threshold_rule(given: bool) -> str:
    """Which threshold ``detect`` flags at, and why (one text is the whole scored set)."""
    if given:
        return "the token threshold given by hand (--threshold)"
    return (f"the token cut where F1 is best on {THRESHOLDS_CHOSEN_ON}: the harness's rule ({RULE_NAME}) estimates how much of a scored set is "
            f"spun and cuts where F1 is then best, but one text is too small a set to estimate that from (it needs two documents "
            f"or more: a single text cannot tell a clean document from a lightly spun one), so the rule keeps the calibration cut")


@dataclass
class Detection:
    """What :func:`detect_passages` found, filled in as the passages are scored."""

    model: str
    threshold: float
    rule: str = field(default_factory=lambda: threshold_rule(False))
    tokens: int = 0
    flagged: int = 0
    doc_score: float | None = None
    _scores: array = field(default_factory=lambda: array("d"), repr=False)
    _own: list[float] = field(default_factory=list, repr=False)

    def finish(self) -> None:
        if len(self._own) == 1:
            self.doc_score = round(self._own[0], 4)
        else:
            self.doc_score = round(doc_scores_from_tokens([self._scores])[0], 4) if len(self._scores) else 0.0


def detect_passages(detector, text: str, detection: Detection, suggest: bool = False, suggester=None) -> Iterator[list[dict]]:
    """Score ``text`` passage by passage, yielding each passage's token rows (``text``,
    ``start``, ``end``, ``score``, ``spun``, and ``suggestion`` when asked for); ``detection``
    collects the totals and, at the end, the document score.

    ``suggester(tokens, spans)``, when given, makes the suggestions instead of the detector's
    ``suggest``: one guess (or None) per flagged span (maximal run of flagged tokens), shown on
    the span's first token with ``suggestion_end``, the span's end offset (``spinbench detect
    --suggest`` passes a restorer's first candidate)."""
    model = detection.model
    if suggest and suggester is None and hook(detector, "suggest") is None:
        raise SpinbenchError(f"model {model!r} cannot suggest originals: it has no suggest(doc) method")
    clean = clean_text(text)
    for n, tokens in enumerate(passages(clean.text)):
        doc = [t.text for t in tokens]
        [scores], [doc_score] = detector_calls.predict(model, detector, [f"passage {n + 1}"], [doc])
        # flagged on the score as shown, and as evaluate stores and scores it: to 4 decimals
        rows = []
        for t, s in zip(tokens, scores):
            shown = round(s, 4)
            start, end = clean.raw_span(t.start, t.end)
            rows.append({"text": text[start:end], "start": start, "end": end, "score": shown, "spun": shown >= detection.threshold})
        if suggest and suggester is not None:
            flagged = spans([int(r["spun"]) for r in rows])
            for (s, e), guess in zip(flagged, suggester(doc, flagged)):
                rows[s]["suggestion"], rows[s]["suggestion_end"] = guess, rows[e - 1]["end"]
        elif suggest:
            guesses = detector_calls.call(model, "suggest", detector.suggest, doc)
            if len(guesses) != len(rows):
                raise detector_calls.DetectorError(f"detector {model!r}: suggest returned {len(guesses)} guesses for {len(rows)} tokens")
            for row, guess in zip(rows, guesses):
                row["suggestion"] = guess if row["spun"] else None
        detection._scores.extend(scores)
        detection._own.append(doc_score)
        detection.tokens += len(rows)
        detection.flagged += sum(r["spun"] for r in rows)
        yield rows
    detection.finish()


def detect(detector, text: str, threshold: float, model: str, suggest: bool = False, suggester=None, rule: str | None = None) -> dict:
    """Token scores of ``text`` with character offsets, all in memory (for short texts and the
    HTML view); with ``suggest``, a guess at the original wording of each flagged span (by
    ``suggester``, a restorer) or token (the detector's own ``suggest`` method). ``rule``: how the
    threshold was set (default: :func:`threshold_rule`, not given by hand)."""
    detection = Detection(model, threshold, rule or threshold_rule(False))
    rows = [row for passage in detect_passages(detector, text, detection, suggest, suggester) for row in passage]
    return {"model": model, "threshold": threshold, "threshold_rule": detection.rule, "doc_score": detection.doc_score, "tokens": rows}


def write_json(out: TextIO, detector, text: str, detection: Detection, suggest: bool = False, suggester=None) -> None:
    """One JSON object, ``{"model", "threshold", "threshold_rule", "tokens": [...], "doc_score"}``,
    written as the passages are scored (the document score comes last, once every token is known)."""
    head = {"model": detection.model, "threshold": detection.threshold, "threshold_rule": detection.rule}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tokens": [')
    separator = ""
    for rows in detect_passages(detector, text, detection, suggest, suggester):
        if rows:
            out.write(separator + ", ".join(json.dumps(row, ensure_ascii=False) for row in rows))
            separator = ", "
    out.write(f'], "doc_score": {json.dumps(detection.doc_score)}}}\n')


def _marked(text: str, rows: list[dict], on: str, off: str, cursor: int) -> tuple[list[str], int]:
    out = []
    for s, e in spans([int(r["spun"]) for r in rows]):
        start, end = rows[s]["start"], rows[e - 1]["end"]
        out += [text[cursor:start], on, text[start:end], off]
        cursor = end
    return out, cursor


def _summary(detection: Detection, guesses: list[str]) -> str:
    out = (f"\n-- {detection.model}: {detection.flagged} of {detection.tokens} tokens look spun (threshold {detection.threshold:.3f}); "
           f"document score {detection.doc_score:.3f}\n-- threshold: {detection.rule}")
    return out + ("\n-- likely originals:\n" + "\n".join(guesses) if guesses else "")


def write_highlighted(out: TextIO, detector, text: str, detection: Detection, color: bool, suggest: bool = False, suggester=None) -> None:
    """The input with suspected spun spans marked (red in a terminal, ``[[...]]`` otherwise),
    written passage by passage, then a summary."""
    on, off = (_ON, _OFF) if color else ("[[", "]]")
    cursor = 0
    guesses = []
    for rows in detect_passages(detector, text, detection, suggest, suggester):
        pieces, cursor = _marked(text, rows, on, off, cursor)
        out.write("".join(pieces))
        guesses += [f"   {text[r['start']:r.get('suggestion_end', r['end'])]!r} was probably {r['suggestion']!r}" for r in rows if r.get("suggestion")]
    out.write(text[cursor:] + _summary(detection, guesses) + "\n")

