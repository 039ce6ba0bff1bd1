"""``spinbench detect``: run a detector on raw text and show what it suspects.

The text is normalised (:func:`harness.core.unicode_text.clean_text`: no byte-order mark or
zero-width characters, NFC) and tokenized with :func:`harness.tokenize`; scores map back to
character offsets in the input as given. Three stages, each a function:

1. :func:`score_text` scores the whole text passage by passage (:func:`passages`: whole
   paragraphs, at most :data:`PASSAGE_TOKENS` tokens each) into compact arrays (:class:`ScoredText`:
   offsets and scores, about 24 bytes a token), so time and memory grow linearly with the text. A
   text of one passage gets the detector's own document score; a longer one the harness's default
   over all its tokens (:func:`harness.evaluation.contract.doc_scores_from_tokens`).
2. :func:`flag` chooses the token cut from all the text's scores
   (:func:`harness.evaluation.one_text.one_text_cut`: estimated from the text where it is long
   enough and clearly spun, else the ``news``/validation cut; or ``--threshold``) and, with
   ``--suggest``, guesses the original of each flagged span (:class:`Detection`).
3. a writer: :func:`write_json` (compact: parallel arrays of offsets and scores, never the text
   itself), :func:`write_highlighted`, or :func:`detect`'s rows for the HTML page.
"""

from __future__ import annotations

import itertools
import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, TextIO

import numpy as np

from harness.core.configs import THRESHOLDS_CHOSEN_ON
from harness.core.tokens import Token, tokenize
from harness.core.unicode_text import clean_text
from harness.evaluation import detector_calls
from harness.evaluation.contract import doc_scores_from_tokens, require_hooks
from harness.evaluation.metrics import spans
from harness.evaluation.one_text import GIVEN_BY_HAND, OneTextCut, one_text_cut
from harness.evaluation.predict import SCORE_DECIMALS
from harness.evaluation.quantification import survival
from harness.evaluation.thresholds import Thresholds

PASSAGE_TOKENS = 2000
WINDOW_CHARS = 1 << 16  # characters tokenized at a time within a paragraph
JSON_CHUNK = 1 << 16  # numbers written at a time: no list of a whole text's numbers is built
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


@dataclass
class ScoredText:
    """One text's tokens and scores as compact arrays: each token's ``starts`` and ``ends``
    (character offsets into the input as given) and ``scores`` (rounded as ``evaluate`` stores
    and scores them), where each passage starts (``passage_starts``, token indices), and the
    document score."""

    starts: array = field(default_factory=lambda: array("q"))
    ends: array = field(default_factory=lambda: array("q"))
    scores: array = field(default_factory=lambda: array("d"))
    passage_starts: array = field(default_factory=lambda: array("q"))
    doc_score: float = 0.0

    def __len__(self) -> int:
        return len(self.scores)


def score_text(detector, model: str, text: str) -> ScoredText:
    """Every token score of ``text`` (see the module docstring), passage by passage."""
    clean = clean_text(text)
    out = ScoredText()
    own: list[float] = []
    for n, tokens in enumerate(passages(clean.text)):
        [scores], [doc_score] = detector_calls.predict(model, detector, [f"passage {n + 1}"], [[t.text for t in tokens]])
        out.passage_starts.append(len(out.scores))
        for t in tokens:
            start, end = clean.raw_span(t.start, t.end)
            out.starts.append(start)
            out.ends.append(end)
        out.scores.extend(round(s, SCORE_DECIMALS) for s in scores)
        own.append(doc_score)
    if len(own) == 1:
        out.doc_score = round(own[0], SCORE_DECIMALS)
    else:
        out.doc_score = round(doc_scores_from_tokens([np.frombuffer(out.scores, dtype=float)])[0], SCORE_DECIMALS) if len(out) else 0.0
    return out


@dataclass
class Detection:
    """What ``detect`` found in one text: its scores, the cut they were flagged at and why
    (:class:`~harness.evaluation.one_text.OneTextCut`), and with ``--suggest`` the guesses at the
    originals, ``(start, end, guess)`` in input offsets: one per flagged span from a restorer, one
    per flagged token from the detector's own ``suggest``."""

    model: str
    scored: ScoredText
    cut: OneTextCut
    document_cut: float | None = None  # the document threshold the text's document score is read against
    document_cut_from: str | None = None  # where it was chosen ("news/validation", or "given")
    on_validation: dict | None = None  # what the cuts flag on news/validation (:func:`validation_rates`)
    suggestions: list[Suggestion] | None = None
    suggested_by: str | None = None  # "restorer" (one guess a flagged span) or "detector" (its own suggest, one a flagged token)
    suggestion_cut: float | None = None  # the restorer's confidence cut (None: it gives no confidences, so withholds nothing)

    @property
    def threshold(self) -> float:
        return self.cut.cut

    @property
    def document_spun(self) -> bool | None:
        """Whether the text as a whole reads as spun: its document score reaches the document cut
        (None without one)."""
        return None if self.document_cut is None else bool(self.scored.doc_score >= self.document_cut)

    def token_line(self) -> str:
        """How many tokens the cut flags, and what it flags on validation's clean text."""
        n, flagged = len(self.scored), int(self.flags.sum())
        rate = (self.on_validation or {}).get("clean_tokens_flagged")
        base = f", which flags {rate:.1%} of the tokens of {THRESHOLDS_CHOSEN_ON}'s clean documents" if rate is not None else ""
        return f"{self.model}: {flagged:,} of {n:,} token{'s' * (n != 1)} flagged as spun (threshold {self.threshold:.4f}{base})"

    def document_verdict(self) -> str:
        """The document score read against the document cut, in words, with what that cut lets
        through on validation: a cut chosen where three documents in four are spun may pass many
        clean ones."""
        s = self.scored
        if self.document_cut is None:
            return f"document score {s.doc_score:.3f}"
        where = "given by hand" if self.document_cut_from == "given" else f"chosen on {self.document_cut_from}"
        side = "at or over" if self.document_spun else "under"
        reads = "reads as spun" if self.document_spun else "reads as clean"
        out = f"document score {s.doc_score:.3f}, {side} the document cut {self.document_cut:.4f} {where}: the text as a whole {reads}"
        rates = self.on_validation or {}
        if rates.get("clean_documents_over_cut") is not None:
            clean = rates["clean_documents_over_cut"]
            out += (f" (on {THRESHOLDS_CHOSEN_ON}, {clean:.0%} of clean documents and {rates['spun_documents_over_cut']:.0%} of spun ones "
                    f"reach that cut{': a weak sign of spinning' if clean >= 0.5 and self.document_spun else ''})")
        return out

    @cached_property
    def flags(self) -> np.ndarray:
        """Whether each token is flagged (its score reaches the cut), one byte a token."""
        return np.frombuffer(self.scored.scores, dtype=float) >= self.threshold

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """The flagged spans (maximal runs of flagged tokens): their first tokens and the tokens
        just after them, as arrays (a text can have hundreds of thousands)."""
        edges = np.diff(np.r_[np.int8(0), self.flags.astype(np.int8), np.int8(0)])
        return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def choose_cut(thresholds: Thresholds, scored: ScoredText, given: float | None = None) -> OneTextCut:
    """The cut a text is flagged at: ``given`` by hand, else the one-text rule's on its scores."""
    if given is not None:
        return OneTextCut(float(given), GIVEN_BY_HAND, len(scored))
    return one_text_cut(thresholds, np.frombuffer(scored.scores, dtype=float), scored.doc_score)


def flag(detector, model: str, text: str, thresholds: Thresholds, given: float | None = None, suggest: bool = False,
         suggester=None) -> Detection:
    """Score ``text``, choose its cut (:func:`choose_cut`) and, with ``suggest``, guess the
    originals of what the cut flags: ``suggester(tokens, spans)``, when given, one
    ``(guess, confidence)`` (or None: no guess shown) per flagged span (``spinbench detect
    --suggest`` passes a restorer's first candidate where its confidence reaches the restorer's
    cut), else the detector's own ``suggest`` method, one per flagged token."""
    if suggest and suggester is None:
        require_hooks(detector, model, ("suggest",))
    scored = score_text(detector, model, text)
    cut = choose_cut(thresholds, scored, given)
    detection = Detection(model, scored, cut, thresholds.document, thresholds.chosen_on, validation_rates(thresholds, cut.cut))
    if suggest:
        detection.suggestions = _suggestions(detector, model, text, detection, suggester)
        detection.suggested_by = "detector" if suggester is None else "restorer"
        detection.suggestion_cut = getattr(suggester, "cut", None)
    return detection


def validation_rates(thresholds: Thresholds, token_cut: float) -> dict | None:
    """What the cuts flag on ``news``/validation, from the reference distributions the rule keeps
    (None without them: a model with no validation predictions, or thresholds given by hand):
    the share of the clean documents' tokens at or above ``token_cut``, and the shares of the
    clean and of the spun documents whose document score reaches the document cut."""
    tokens, documents = thresholds.token_reference, thresholds.document_reference
    if tokens is None or documents is None or thresholds.chosen_on != THRESHOLDS_CHOSEN_ON:
        return None
    clean_tokens = tokens.clean[0]  # the tokens of clean documents (choose_thresholds' first kind)
    return {"clean_tokens_flagged": float(survival(clean_tokens, [token_cut])[0]),
            "clean_documents_over_cut": float(survival(documents.clean[0], [thresholds.document])[0]),
            "spun_documents_over_cut": float(survival(documents.spun, [thresholds.document])[0])}


class Suggestion(NamedTuple):
    """A guess at the original wording of the input's characters ``[start, end)``; ``confidence``:
    the restorer's, where it gives one."""

    start: int
    end: int
    text: str | None
    confidence: float | None = None


def _suggestions(detector, model: str, text: str, detection: Detection, suggester) -> list[Suggestion]:
    """The guesses (see :class:`Detection`), passage by passage: the passages' tokens are read
    again rather than kept."""
    scored, flags = detection.scored, detection.flags
    bounds = [*scored.passage_starts, len(scored)]
    out = []
    for tokens, first, last in zip(passages(clean_text(text).text), bounds, bounds[1:]):
        local = flags[first:last]
        if not local.any():
            continue
        doc = [t.text for t in tokens]
        if suggester is not None:
            flagged = spans(local)
            out += [Suggestion(scored.starts[first + s], scored.ends[first + e - 1], *(guess or (None, None)))
                    for (s, e), guess in zip(flagged, suggester(doc, flagged))]
            continue
        guesses = detector_calls.call(model, "suggest", detector.suggest, doc)
        if len(guesses) != len(doc):
            raise detector_calls.DetectorError(f"detector {model!r}: suggest returned {len(guesses)} guesses for {len(doc)} tokens")
        out += [Suggestion(scored.starts[first + i], scored.ends[first + i], guesses[i]) for i in np.flatnonzero(local).tolist()]
    return out


def detect(detector, text: str, model: str, thresholds: Thresholds, given: float | None = None, suggest: bool = False, suggester=None) -> dict:
    """One text's detection with a row per token (``text``, ``start``, ``end``, ``score``,
    ``spun``; a flagged span's first token, or with the detector's own ``suggest`` each flagged
    token, also ``suggestion``, ``suggestion_end``, its span's end, and ``suggestion_confidence``,
    the restorer's where it gives one): for short texts, the HTML page and Python users. The
    command's JSON is compact instead (:func:`write_json`)."""
    detection = flag(detector, model, text, thresholds, given, suggest, suggester)
    s = detection.scored
    rows = [{"text": text[a:b], "start": a, "end": b, "score": v, "spun": bool(f)} for a, b, v, f in zip(s.starts, s.ends, s.scores, detection.flags)]
    index = {start: i for i, start in enumerate(s.starts)} if detection.suggestions else {}
    for guess in detection.suggestions or ():
        row = rows[index[guess.start]]
        row["suggestion"], row["suggestion_end"], row["suggestion_confidence"] = guess.text, guess.end, guess.confidence
    return {"model": model, "threshold": detection.threshold, "threshold_rule": detection.cut.describe(), "threshold_reason": detection.cut.reason,
            "doc_score": s.doc_score, "document_threshold": detection.document_cut, "document_spun": detection.document_spun,
            "document_verdict": detection.document_verdict(), "token_line": detection.token_line(), "on_validation": detection.on_validation, "tokens": rows}


def _numbers(out: TextIO, values, pairs=None) -> None:
    """A JSON array of ``values`` (ints, or floats as Python writes them), or with ``pairs`` of
    ``[value, pair]`` arrays, written in chunks."""
    out.write("[")
    for i in range(0, len(values), JSON_CHUNK):
        chunk = values[i : i + JSON_CHUNK]
        items = map(repr, chunk) if pairs is None else (f"[{a},{b}]" for a, b in zip(chunk, pairs[i : i + JSON_CHUNK]))
        out.write(("," if i else "") + ",".join(items))
    out.write("]")


def write_json(out: TextIO, detection: Detection) -> None:
    """One compact JSON object: the cut and why, counts, the flagged spans and the guesses (input
    offsets), then every token as three parallel arrays, ``starts``, ``ends`` and ``scores``; the
    text itself is never repeated (``text[starts[i]:ends[i]]`` is token ``i``). See
    docs/evaluation.md, "Running a detector on raw text"."""
    s, cut = detection.scored, detection.cut
    head = {
        "model": detection.model, "threshold": cut.cut, "threshold_reason": cut.reason, "threshold_rule": cut.describe(),
        "estimated_spun_share": cut.spun_share, "doc_score": s.doc_score, "document_threshold": detection.document_cut,
        "document_spun": detection.document_spun, "on_validation": detection.on_validation, "token_count": len(s),
        "flagged_count": int(detection.flags.sum()),
    }
    if detection.suggestions is not None:
        head["suggestions"] = [{"start": g.start, "end": g.end, "suggestion": g.text, "confidence": g.confidence} for g in detection.suggestions]
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "spans": ')
    first, after = detection.runs()
    starts, ends = np.asarray(s.starts), np.asarray(s.ends)  # views, not copies
    _numbers(out, starts[first], ends[after - 1])
    for key, values in (("starts", s.starts), ("ends", s.ends), ("scores", s.scores)):
        out.write(f', "{key}": ')
        _numbers(out, values)
    out.write("}\n")


def _summary(detection: Detection, guesses: list[str]) -> str:
    out = f"\n-- {detection.token_line()}\n-- {detection.document_verdict()}\n-- threshold: {detection.cut.describe()}"
    return out + ("\n-- likely originals:\n" + "\n".join(guesses) if guesses else "")


def write_highlighted(out: TextIO, text: str, detection: Detection, color: bool) -> None:
    """The input with suspected spun spans marked (red in a terminal, ``[[...]]`` otherwise),
    then a summary."""
    on, off = (_ON, _OFF) if color else ("[[", "]]")
    s = detection.scored
    cursor = 0
    for a, b in zip(*detection.runs()):
        start, end = s.starts[a], s.ends[b - 1]
        out.write("".join((text[cursor:start], on, text[start:end], off)))
        cursor = end
    shown = [g for g in detection.suggestions or () if g.text is not None]
    guesses = [f"   {text[g.start:g.end]!r} " + (f"was probably {g.text!r}" if g.text else "was probably inserted (nothing in the original)")
               + (f" (confidence {g.confidence:.2f})" if g.confidence is not None else "") for g in shown]
    withheld = len(detection.suggestions or ()) - len(shown)
    if withheld and detection.suggested_by == "detector":
        guesses.append(f"   ({withheld} of {len(detection.suggestions)} flagged tokens without a suggestion: the detector's own suggest gave none)")
    elif withheld and detection.suggestion_cut is None:
        guesses.append(f"   ({withheld} of {len(detection.suggestions)} flagged spans without a suggestion: the restorer had no candidate)")
    elif withheld:
        guesses.append(f"   ({withheld} of {len(detection.suggestions)} flagged spans without a suggestion: the restorer's confidence was under "
                       f"the cut chosen on news/validation ({detection.suggestion_cut:.4f}), or it had no candidate)")
    out.write(text[cursor:] + _summary(detection, guesses) + "\n")
