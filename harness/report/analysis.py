"""Where a model goes wrong, token by token: each token's outcome, the highlights that show a
document's outcomes, and the phrases a model misses or flags most often.

Outcomes at the model's token threshold: ``tp`` (spun and flagged), ``fp`` (a false alarm:
flagged but kept from the original), ``fn`` (missed: spun but not flagged). A gold edit is
*missed* when none of its spun tokens is flagged (the partial-span rule of
:mod:`harness.evaluation.metrics`); a *false alarm* phrase is a maximal run of ``fp`` tokens.

>>> outcomes([1, 1, 0, 0], [1, 0, 1, 0])
['tp', 'fn', 'fp', None]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from harness.evaluation import metrics

OUTCOMES = ("tp", "fp", "fn")


def outcomes(gold: Sequence[int], pred: Sequence[int]) -> list[str | None]:
    """Each token's outcome (None: kept and not flagged)."""
    kinds = (None, "fp", "fn", "tp")  # indexed by 2 * gold + predicted
    return [kinds[2 * bool(g) + bool(p)] for g, p in zip(gold, pred)]


@dataclass(frozen=True)
class Highlight:
    """Tokens ``[start, end)`` of one outcome, within one gold edit or none; ``title`` is the
    hover text (the edit's original wording, the scores)."""

    start: int
    end: int
    kind: str
    title: str


def _edit_of(record: dict) -> dict[int, dict]:
    return {i: e for e in record["edits"] for i in range(e["spun_start"], e["spun_end"])}


def document_highlights(record: dict, pred: Sequence[int], scores: Sequence[float]) -> list[Highlight]:
    """The highlights of one document: maximal runs of one outcome that stay within one gold
    edit, each titled with the edit's original wording and the highest score in the run."""
    kinds = outcomes(record["labels"], pred)
    edit_of = _edit_of(record)
    out: list[Highlight] = []
    i = 0
    while i < len(kinds):
        if kinds[i] is None:
            i += 1
            continue
        j = i + 1
        while j < len(kinds) and kinds[j] == kinds[i] and edit_of.get(j) is edit_of.get(i):
            j += 1
        edit = edit_of.get(i)
        score = f"score {max(scores[i:j]):.2f}"
        if edit is None:
            title = {"tp": "spun", "fn": "missed", "fp": "false alarm"}[kinds[i]] + f"; {score}"
        else:
            was = f"was “{edit['original_text']}”" if edit["original_text"] else "inserted (no original)"
            title = f"{was}; {'missed; ' if kinds[i] == 'fn' else ''}{score}"
        out.append(Highlight(i, j, kinds[i], title))
        i = j
    return out


def document_summary(record: dict, pred: Sequence[int]) -> dict:
    """Token counts and F1 of one document; F1 is None when it has no spun and no flagged token."""
    tp, fp, fn = metrics.token_counts(record["labels"], pred)
    f1 = metrics.prf(tp, fp, fn)[2] if tp + fp + fn else None
    return {"tp": tp, "fp": fp, "fn": fn, "f1": f1}


def _phrase(text: str) -> str:
    return " ".join(text.split()).lower()


def missed_phrases(records: list[dict], predicted: list[list[int]], top: int = 50) -> list[dict]:
    """The spun phrases missed most often (no token of the edit flagged): ``phrase``, ``missed``,
    ``spun`` (times it occurs as an edit), ``original`` (its most common original wording)."""
    spun, missed = Counter(), Counter()
    originals: dict[str, Counter] = defaultdict(Counter)
    for record, pred in zip(records, predicted):
        for e in record["edits"]:
            if e["spun_end"] <= e["spun_start"]:
                continue  # a deletion leaves no spun token to find
            key = _phrase(e["spun_text"])
            spun[key] += 1
            originals[key][e["original_text"]] += 1
            if not any(pred[e["spun_start"] : e["spun_end"]]):
                missed[key] += 1
    ranked = sorted(missed, key=lambda k: (-missed[k], k))[:top]
    return [{"phrase": k, "missed": missed[k], "spun": spun[k], "original": originals[k].most_common(1)[0][0]} for k in ranked]


def false_alarm_phrases(records: list[dict], predicted: list[list[int]], top: int = 50) -> list[dict]:
    """The innocent phrases flagged most often (maximal runs of false alarms): ``phrase``,
    ``flagged`` (times), ``documents`` (how many documents)."""
    flagged, docs = Counter(), defaultdict(set)
    for record, pred in zip(records, predicted):
        fp = [int(k == "fp") for k in outcomes(record["labels"], pred)]
        tokens = record["tokens"]
        for s, e in metrics.spans(fp):
            key = _phrase(record["text"][tokens[s]["start"] : tokens[e - 1]["end"]])
            flagged[key] += 1
            docs[key].add(record["id"])
    ranked = sorted(flagged, key=lambda k: (-flagged[k], k))[:top]
    return [{"phrase": k, "flagged": flagged[k], "documents": len(docs[k])} for k in ranked]
