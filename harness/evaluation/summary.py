"""A run's scores as the plain-text table ``evaluate`` prints (``Results.summary()``)."""

from __future__ import annotations

from harness.core.configs import CLEAN_BAND, CLEAN_RECIPE, breakdown_order, rate_bands_text
from harness.evaluation.thresholds import RULE_NAME
from harness.runs.formatting import score_text, summary_text

# Breakdown groups made of clean documents alone: the recipe and the rate band of an unspun document.
CLEAN_GROUPS = (CLEAN_RECIPE, CLEAN_BAND)


def _heading_note(kind: str) -> list[str]:
    """What a breakdown's groups mean, where their names do not say it (the rate bands' ranges),
    as lines under its heading."""
    if kind != "rate_band":
        return []
    return ["  (the share of a document's tokens the spinner was asked to replace: " + rate_bands_text() + ")"]


def _nearly_all_flagged(s: dict, documents: int) -> str | None:
    """A line under the level table where the document cut flags 95% of the documents or more:
    document F1 is then about what flagging every document scores, whatever the detector does.
    The documents flagged are worked out from precision and recall (tp = recall x spun ones)."""
    clean = (s.get("false_alarms") or {}).get("clean_documents")
    p, r = s["document"]["precision"]["value"], s["document"]["recall"]["value"]
    if not clean or not p or r is None or documents <= clean:
        return None
    spun = documents - clean
    flagged = round(r * spun / p)
    if flagged < 0.95 * documents:
        return None
    floor = 2 * spun / (documents + spun)  # F1 of flagging every document: precision spun / documents, recall 1
    return (f"{'':<14}the document cut flags {flagged:,} of the {documents:,} documents ({flagged - round(r * spun):,} of the {clean:,} clean "
            f"ones): document F1 is about what flagging every one scores ({floor:.3f})")


def format_table(results) -> str:
    """The scores of a :class:`~harness.evaluation.results.Results` as a plain-text table."""

    def cell(m, documents=None):
        return f"{summary_text(m, documents):>6}"

    s = results.scores
    d = results.dataset
    lines = [
        f"model {results.model.name} on {d.config}/{d.split} ({d.documents} documents, {d.tokens:,} tokens; dataset {d.fingerprint[:12]})",
        results.thresholds.describe(),
        "",
        f"{'level':<14}{'precision':>24}{'recall':>24}{'F1':>24}",
    ]
    for key, label in (("token", "token"), ("span_strict", "span (strict)"), ("span_partial", "span (partial)"), ("document", "document")):
        lines.append(f"{label:<14}" + "".join(f" {cell(s[key][m], d.documents).strip():>23}" for m in ("precision", "recall", "f1")))
    nearly_all = _nearly_all_flagged(s, d.documents)
    if nearly_all:
        lines.append(nearly_all)
    for level in ("token", "document"):
        lines.append(f"{level:<14}  AUROC {cell(s[level]['auroc'], d.documents)}   AUPRC {cell(s[level]['auprc'], d.documents)}   (no threshold)")
    per_doc = s.get("per_document")  # absent from results scored before it was added
    if per_doc:
        t = results.thresholds
        one_text = t.rule == RULE_NAME and t.validation_token is not None and results.validation is not None
        how = ("each at the cut `spinbench detect` would use on it alone" if one_text else
               f"each at the split's token cut {t.token:.4f} (not the one-text cut `spinbench detect` uses: "
               + ("the token threshold was given by hand)" if t.validation_token is None else "that needs the validation predictions, not beside these)"))
        lines.append(f"token F1 per document: {cell(per_doc['token_f1'], per_doc['spun_documents'])}, the mean over the "
                     f"{per_doc['spun_documents']} spun documents, {how}")
    fa = s["false_alarms"]
    lines.append(
        f"false alarms on the {fa['clean_documents']} clean documents: {cell(fa['documents_flagged'], fa['clean_documents'])} of them with a "
        f"token flagged, {cell(fa['flagged_per_1k_tokens'], fa['clean_documents'])} flagged tokens per 1,000 (the document scores' "
        "false alarms: document precision above)"
    )
    for kind, table in s["breakdown"].items():
        lines += ["", f"token scores by {kind.replace('_', ' ')}:", *_heading_note(kind), f"  {'group':<16}{'docs':>6}{'tokens':>9}{'precision':>11}{'recall':>9} {'F1':>26}"]
        for key in breakdown_order(kind, table):
            row = table[key]
            if key in CLEAN_GROUPS:  # no spun token: precision, recall and F1 say nothing here
                lines.append(f"  {key:<16}{row['documents']:>6}{row['tokens']:>9}   clean documents: see false alarms above")
                continue
            p, r = (score_text(row[m], interval=False, missing="n/a") for m in ("precision", "recall"))  # n/a: 0/0, no token flagged or none spun
            lines.append(f"  {key:<16}{row['documents']:>6}{row['tokens']:>9}{p:>11}{r:>9} {cell(row['f1'], row['documents']):>26}")
    regimes = s.get("regimes", {})
    if regimes:
        lines += ["", "each regime's documents against the clean ones (no threshold):",
                  f"  {'group':<10}{'docs':>6} {'doc AUROC':>22} {'doc TPR @1% FPR':>22} {'doc TPR @5% FPR':>22} {'token TPR @1% FPR':>22}"]
        for regime in breakdown_order("regime", regimes):
            block = regimes[regime]
            doc, tok = block["document"], block["token"]
            lines.append(f"  {regime:<10}{block['documents']:>6} " + " ".join(
                f"{cell(m, block['documents']):>22}" for m in (doc["auroc"], doc["tpr_at_1pct_fpr"], doc["tpr_at_5pct_fpr"], tok["tpr_at_1pct_fpr"])))
    tp = results.throughput
    speed = f"{tp.tokens_per_second:,.0f} tokens/s" if tp.tokens_per_second else "n/a (predictions file)"
    memory = f"{tp.peak_memory_mb:,.0f} MB" if tp.peak_memory_mb is not None else "n/a"
    lines += ["", f"throughput {speed}; peak memory {memory}" + (f"; fit {tp.fit_seconds:.1f}s" if tp.fit_seconds else "")]
    return "\n".join(lines)
